-- api_probe.lua — a test workload for the script API of issue 15: on_connect before re-prepare,
-- db:connect() running on_connect, unknown prepared-statement names, and workload.txn tables.
workload = {
  name = "api_probe",
  options = { scenario = { default = "reconnect", choices = { "reconnect", "connect", "typo", "txn" } } },
  mix = function(opt)
    if opt.scenario == "txn" then return { select = 1 } end
    return { work = 1 }
  end,
  txn = {},
}

function prepare(ctx)
  ctx.db:exec("CREATE SCHEMA api_probe_s")
  ctx.db:exec("CREATE TABLE api_probe_s.t (k int PRIMARY KEY, v int NOT NULL)")
  ctx.db:exec("INSERT INTO api_probe_s.t VALUES (1, 42)")
end

-- The table is found through search_path only: a statement prepared before this runs fails.
function on_connect(ctx)
  ctx.db:exec("SET search_path TO api_probe_s, public")
end

function client_init(ctx)
  ctx.db:prepare("get", "SELECT v FROM t WHERE k = 1")
end

local killed = false
function work(ctx)
  local s = ctx.opt.scenario
  if s == "reconnect" and not killed then
    killed = true
    ctx.db:exec("SELECT pg_terminate_backend(pg_backend_pid())")
  elseif s == "connect" then
    ctx.db:disconnect()
    ctx.db:connect()
  end
  local v = ctx.db:value(s == "typo" and "gte" or "get")
  assert(v == 42, "the prepared statement reads the table through search_path")
end

-- A transaction named after a Lua builtin, kept out of the globals: Lua's select still works.
function workload.txn.select(ctx)
  ctx.db:value("get")
  ctx:count("args", select("#", 1, 2, 3))
end
