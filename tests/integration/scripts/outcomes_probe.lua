-- outcomes_probe.lua — a test workload for honest outcomes: script argument errors, transactions
-- that all fail, and a steady stream of logged inserts to lose connections under. No prepare():
-- the tests create outcome_log themselves. Lines marked "-- @name" are looked up by the tests.
workload = {
  name = "outcomes_probe",
  description = "test workload for argument errors, lost connections and failing runs",
  options = {
    scenario = { default = "insert",
                 choices = { "insert", "nil_sql", "table_param", "function_param", "too_many", "missing_table" } },
  },
  mix = { step = 1 },
}

local many = {}
for i = 1, 257 do many[i] = i end

function step(ctx)
  local db, s = ctx.db, ctx.opt.scenario
  if s == "nil_sql" then
    db:exec(nil)  -- @nil_sql
  elseif s == "table_param" then
    db:exec("SELECT $1::int", { 1 })  -- @table_param
  elseif s == "function_param" then
    db:value("SELECT $1::text", 7, print)  -- @function_param
  elseif s == "too_many" then
    db:exec("SELECT 1", unpack(many))  -- @too_many
  elseif s == "missing_table" then
    db:value("SELECT count(*) FROM outcome_no_such_table")
  else
    db:exec("INSERT INTO outcome_log (client) VALUES ($1)", ctx.client_id)
    ctx:sleep(2)  -- a gentle pace: the server is shared with other tests
  end
end
