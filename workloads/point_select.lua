-- point_select.lua — the smallest useful workload: primary-key reads on a sysbench-style table.
-- Demonstrates: options, a parallel COPY load in prepare, a prepared statement per client, one
-- transaction type, pipeline mode (--pipeline=N). Run: stormdb run workloads/point_select.lua -c 8 -j 2 -T 30s -P 5
workload = {
  name = "point_select",
  description = "SELECT by primary key on one table (like pgbench -S)",
  options = {
    rows = { default = 100000, help = "rows in table sbtest" },
    pipeline = { default = 0, type = "integer", min = 0, max = 10000,
                 help = "N > 0: each transaction sends N point selects in one pipeline (pgbench \\startpipeline); " ..
                        "0: one plain SELECT" },
  },
  mix = { point_select = 1 },
}

function prepare(ctx)
  ctx.db:exec([[
    CREATE TABLE sbtest (id integer NOT NULL, k integer NOT NULL DEFAULT 0,
                         c char(120) NOT NULL DEFAULT '', pad char(60) NOT NULL DEFAULT '')]])
  ctx:progress(0, ctx.opt.rows)
  ctx:parallel(nil, load_rows)
  ctx.db:exec("ALTER TABLE sbtest ADD PRIMARY KEY (id)")
  ctx.db:exec("ANALYZE sbtest")
end

-- One loader part: a contiguous id slice (stormdb.slice), in one COPY that reports progress.
function load_rows(ctx, part, parts)
  local rows, rand = ctx.opt.rows, ctx.rand
  local first, last = stormdb.slice(part, parts, rows)
  ctx:copy_range("sbtest (id, k, c, pad)", first, last, function(copy, id)
    copy:row(id, rand:uniform(1, rows), rand:nstring(119, 119), rand:nstring(59, 59))
  end)
end

function client_init(ctx)
  ctx.db:prepare("get", "SELECT c FROM sbtest WHERE id = $1")
end

function point_select(ctx)
  local n, rows = ctx.opt.pipeline, ctx.opt.rows
  if n == 0 then
    ctx.db:value("get", ctx.rand:uniform(1, rows))
    return
  end
  local p, rand = ctx.db:pipeline(), ctx.rand
  for _ = 1, n do p:value("get", rand:uniform(1, rows)) end
  p:run()
end
