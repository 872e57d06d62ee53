-- workloads/kv.lua: a key-value read/write test in a dozen lines.
workload = { description = "key-value reads and writes",
             options = { keys = { default = 10000, type = "integer", min = 1, help = "rows in kv" } },
             mix = { get = 9, put = 1 } }
function prepare(ctx)
  ctx.db:exec("CREATE TABLE kv (k int PRIMARY KEY, v text)")
  ctx.db:exec("INSERT INTO kv SELECT g, md5(g::text) FROM generate_series(1, $1) g", ctx.opt.keys)
end
function client_init(ctx)
  ctx.db:prepare("get", "SELECT v FROM kv WHERE k = $1")
  ctx.db:prepare("put", "UPDATE kv SET v = $2 WHERE k = $1")
end
function get(ctx) ctx.db:value("get", ctx.rand:uniform(1, ctx.opt.keys)) end
function put(ctx) ctx.db:exec("put", ctx.rand:zipf(1, ctx.opt.keys, 1.1), ctx.rand:string(32)) end
