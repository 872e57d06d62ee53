-- pipeline_probe.lua — a test workload for pipeline mode (ctx.db:pipeline()): results in order,
-- a failed statement with the rest aborted, sync segments, a lost connection mid-pipeline, and
-- the misuses that are script errors at the script's line. Each transaction uses keys of its own.
workload = {
  name = "pipeline_probe",
  options = {
    scenario = { default = "batch", choices = { "batch", "error", "sync", "lost", "misuse" } },
  },
  mix = { work = 1 },
}

function prepare(ctx)
  ctx.db:exec("CREATE TABLE pl_t (k int PRIMARY KEY, v text NOT NULL)")
end

function client_init(ctx)
  ctx.db:prepare("ins", "INSERT INTO pl_t VALUES ($1, $2)")
  ctx.db:prepare("get", "SELECT v FROM pl_t WHERE k = $1")
end

local n = 0
local function keys()
  n = n + 1
  return n * 100
end

local S = {}

-- Five statements of every kind; the transaction checks each result.
function S.batch(ctx)
  local k = keys()
  local p = ctx.db:pipeline()
  p:exec("ins", k + 1, "a")
  p:exec("INSERT INTO pl_t VALUES ($1, $2)", k + 2, "b")
  p:value("get", k + 1)
  p:query("SELECT k, v FROM pl_t WHERE k > $1 AND k < $2 ORDER BY k", k, k + 100)
  p:row("get", k + 99)
  local r = p:run()
  assert(r.n == 5 and p:size() == 5, "five results")
  assert(r[1] == 1 and r[2] == 1, "one row inserted by each")
  assert(r[3] == "a", "value in order")
  assert(#r[4] == 2 and r[4][2].k == k + 2 and r[4][2].v == "b", "query rows")
  assert(r[5] == nil, "no row")
  ctx.db:exec("INSERT INTO pl_t VALUES ($1, 'after')", k + 50)  -- the connection is usable afterwards
end

-- Statement 2 of 4 violates the primary key: 3 and 4 are aborted, 1 is rolled back with them (one
-- implicit transaction up to the sync). The error is caught to check it, then raised again so that
-- the transaction is recorded failed under its SQLSTATE.
function S.error(ctx)
  local k = keys()
  local p = ctx.db:pipeline()
  p:exec("ins", k + 1, "a"):exec("ins", k + 1, "dup"):exec("ins", k + 2, "c"):value("get", k + 1)
  local ok, e = pcall(p.run, p)
  assert(not ok and stormdb.is_error(e), "the pipeline fails")
  assert(e.sqlstate == "23505" and e.statement == 2 and e.statement_name == "ins" and e.statements == 4, "statement 2")
  assert(e.aborted == 2, "two aborted, got " .. tostring(e.aborted))
  ctx:log("%s", tostring(e))
  assert(ctx.db:value("SELECT count(*) FROM pl_t WHERE k > $1 AND k < $2", k, k + 100) == 0, "rolled back")
  error(e, 0)
end

-- A sync point between two segments: the first fails, the second still commits.
function S.sync(ctx)
  local k = keys()
  local p = ctx.db:pipeline()
  p:exec("ins", k + 1, "a"):exec("SELECT 1/0"):sync():exec("ins", k + 2, "b"):exec("ins", k + 3, "c")
  p:run()
end

-- The second statement ends the session: the pipeline reports the loss and the engine reconnects.
local killed = false
function S.lost(ctx)
  local k = keys()
  local p = ctx.db:pipeline()
  p:exec("ins", k + 1, "a")
  if not killed then
    killed = true
    p:value("SELECT pg_terminate_backend(pg_backend_pid())")
  end
  p:exec("ins", k + 2, "b")
  p:run()
end

function S.nested(ctx)
  ctx.db:pipeline():exec("ins", keys(), "a")
  ctx.db:pipeline()
end

function S.commit(ctx)
  ctx.db:begin()
  ctx.db:pipeline():exec("ins", keys(), "a")
  ctx.db:commit()
end

function S.left_open(ctx)
  ctx.db:pipeline():exec("ins", keys(), "a")
end

function S.after_run(ctx)
  local p = ctx.db:pipeline()
  p:exec("ins", keys(), "a")
  p:run()
  p:exec("ins", keys(), "b")
end

-- One misuse per transaction, in this order.
local MISUSES, m = { S.nested, S.commit, S.left_open, S.after_run }, 0
function S.misuse(ctx)
  m = m + 1
  MISUSES[m](ctx)
end

function work(ctx)
  S[ctx.opt.scenario](ctx)
end
