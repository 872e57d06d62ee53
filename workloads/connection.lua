-- connection.lua — what a connection costs: persistent clients keep theirs, transient ones connect,
-- run one transaction and disconnect (like pgbench -C); mixed runs both side by side.
-- Demonstrates ctx:set_mix (a per-client mix) and ctx:observe (timings outside the mix).
-- Run: stormdb run workloads/connection.lua --mode=mixed -c 8 -j 2 -T 20s
workload = {
  name = "connection",
  description = "persistent vs transient connections: connect time and its share of transaction latency",
  options = {
    mode = { default = "mixed", choices = { "persistent", "transient", "mixed" },
             help = "persistent: keep a connection; transient: connect per transaction; mixed: half each" },
    rows = { default = 10000, help = "rows in connection_test" },
  },
  mix = function(opt)
    if opt.mode == "persistent" then return { persistent = 1 } end
    if opt.mode == "transient" then return { transient = 1 } end
    return { persistent = 1, transient = 1 }
  end,
}

function prepare(ctx)
  ctx.db:exec("CREATE TABLE connection_test (id int PRIMARY KEY, data text NOT NULL, value int NOT NULL)")
  ctx.db:exec("INSERT INTO connection_test SELECT g, md5(g::text), g % 1000 FROM generate_series(1, $1) g",
    ctx.opt.rows)
  ctx.db:exec("ANALYZE connection_test")
end

function client_init(ctx)
  if ctx.opt.mode == "mixed" then
    -- even clients persistent, odd ones transient: both kinds side by side on every thread
    ctx:set_mix(ctx.client_id % 2 == 0 and { persistent = 1 } or { transient = 1 })
  end
end

-- One short read-write transaction (the original tool's 60:20:15:5 SELECT/INSERT/UPDATE/DELETE
-- shape, on existing rows so the table size stays put). Unprepared: a transient connection
-- would have to prepare again on every connect, which is part of what it costs.
local function work(ctx)
  local db, id = ctx.db, ctx.rand:uniform(1, ctx.opt.rows)
  local r = ctx.rand:uniform(1, 100)
  db:begin()
  if r <= 60 then
    db:value("SELECT data FROM connection_test WHERE id = $1", id)
  elseif r <= 80 then
    db:exec("UPDATE connection_test SET data = md5(random()::text) WHERE id = $1", id)
  elseif r <= 95 then
    db:exec("UPDATE connection_test SET value = value + 1 WHERE id = $1", id)
  else
    db:value("SELECT count(*) FROM connection_test WHERE value = $1", id % 1000)
  end
  db:commit()
end

function persistent(ctx)
  work(ctx)
end

-- Transaction latency here includes the connect; "transient_work" is the same without it.
function transient(ctx)
  local t0 = stormdb.now_ms()
  ctx.db:connect()
  local t1 = stormdb.now_ms()
  ctx:observe("connect", t1 - t0)
  work(ctx)
  ctx:observe("transient_work", stormdb.now_ms() - t1)
  ctx.db:disconnect()
end

function summary(r)
  local out = {}
  local p, t = r.types.persistent, r.types.transient
  local c = r.timings.connect
  if c then
    out[#out + 1] = { name = "connect mean", value = c.mean_ms, unit = "ms", note = "p99 " .. string.format("%.3f", c.p99_ms) .. " ms" }
  end
  if p and t and p.count > 0 and t.count > 0 then
    out[#out + 1] = { name = "persistent tps", value = p.tps, unit = "tps" }
    out[#out + 1] = { name = "transient tps", value = t.tps, unit = "tps" }
    out[#out + 1] = { name = "connection overhead", value = 100 * (t.mean_ms - p.mean_ms) / t.mean_ms, unit = "%",
                      note = "share of a transient transaction's mean latency not spent on the work itself" }
  end
  return out
end
