-- engine_probe.lua — a test workload that exercises the engine's outcome rules, counters, loaders
-- and determinism; each transaction leaves a trace in the database the tests compare with the JSON.
workload = {
  name = "engine_probe",
  description = "test workload for the engine's outcome accounting",
  options = {
    scenario = { default = "basic", choices = { "basic", "errors", "retry", "sleep", "keyed" } },
  },
  mix = function(opt)
    if opt.scenario == "retry" then return { bump = 1 } end
    if opt.scenario == "sleep" then return { slow = 1, fast = 1 } end
    if opt.scenario == "errors" then return { flaky = 1 } end
    if opt.scenario == "keyed" then return { insert = 1 } end
    return { insert = 3, rollback = 1 }
  end,
  keying = function(opt)
    if opt.scenario == "keyed" then return { insert = 250 } end
  end,
}

function prepare(ctx)
  ctx.db:exec([[DROP TABLE IF EXISTS probe_log, probe_counter, probe_load;
    CREATE TABLE probe_log (client int, txn text, v double precision, s text);
    CREATE TABLE probe_counter (id int PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO probe_counter VALUES (1, 0);
    CREATE TABLE probe_load (part int, parts int, id int)]])
  ctx:parallel(nil, load_part, "tag")
end

function load_part(ctx, part, parts, tag)
  assert(tag == "tag", "parallel arguments must arrive")
  local copy = ctx.db:copy("probe_load (part, parts, id)")
  for i = 1, 1000 do copy:row(part, parts, i) end
  local n = copy:finish()
  assert(n == 1000, "COPY reports the rows loaded")
end

function cleanup(ctx)
  ctx.db:exec("DROP TABLE IF EXISTS probe_log, probe_counter, probe_load")
end

function client_init(ctx)
  ctx.db:prepare("log", "INSERT INTO probe_log (client, txn, v, s) VALUES ($1, $2, $3, $4)")
end

function insert(ctx)
  local v = ctx.rand:uniform(1, 1000000)
  ctx.db:exec("log", ctx.client_id, "insert", v, ctx.rand:string(8))
  ctx:count("inserted")
end

function rollback(ctx)
  ctx.db:begin()
  ctx.db:exec("log", ctx.client_id, "rollback", 0, "never visible")
  ctx:rollback_by_design()
end

local calls = 0
function flaky(ctx)
  calls = calls + 1
  if calls % 4 == 0 then
    local t = nil
    return t.field  -- a Lua error at a known line
  end
  if calls % 4 == 1 then
    ctx.db:exec("SELECT 1/0")  -- SQLSTATE 22012
  end
  ctx.db:exec("log", ctx.client_id, "flaky", 0, "")
end

function bump(ctx)
  ctx.db:begin("ISOLATION LEVEL REPEATABLE READ")
  local n = ctx.db:value("SELECT n FROM probe_counter WHERE id = 1")
  ctx.db:exec("UPDATE probe_counter SET n = $1 WHERE id = 1", n + 1)
  ctx.db:commit()
end

function slow(ctx)
  if ctx.client_id == 0 then ctx:sleep(200) end
  ctx.db:exec("log", ctx.client_id, "slow", 0, "")
end

function fast(ctx)
  if ctx.client_id == 0 then ctx:sleep(200) end
  ctx.db:exec("log", ctx.client_id, "fast", 0, "")
end

function check(ctx)
  local n = ctx.db:value("SELECT count(*) FROM probe_log WHERE txn = 'rollback'")
  return { { name = "no rolled-back rows visible", ok = n == 0, detail = n .. " rows" } }
end
