-- simple.lua — sysbench-style OLTP on sbtest-like tables: point/range reads, index and non-index updates, delete+insert.
--
-- Demonstrates: a mix that follows an option (`mix = function(opt)`), choice options, a parallel
-- COPY load with progress, secondary index built after the load, one prepared statement per
-- table and client, and a consistency check that the write transactions must preserve.
--
--   stormdb prepare workloads/simple.lua --rows=1000000 --tables=4
--   stormdb run     workloads/simple.lua --rows=1000000 --tables=4 --mode=mixed -c 16 -T 60s -P 5
--   stormdb check   workloads/simple.lua --rows=1000000 --tables=4    # every table still has ids 1..rows
--   stormdb cleanup workloads/simple.lua
--
-- Tables are simple_sbtest1..N (id, k, c, pad) as in sysbench's sbtest; keys are uniform over
-- 1..--rows, so the same script is right at any scale.
workload = {
  name = "simple",
  description = "sysbench-style OLTP: point/range selects, UPDATE k (indexed), UPDATE c, DELETE+INSERT",
  options = {
    rows = { default = 100000, type = "integer", min = 1, help = "rows per table (scale); keys are drawn uniformly over 1..rows" },
    tables = { default = 1, type = "integer", min = 1, help = "number of tables simple_sbtest1..N; each transaction picks one uniformly" },
    mode = { default = "mixed", choices = { "read", "write", "mixed" },
             help = "read: point/range selects; write: updates and delete+insert; mixed: 70% reads, 30% writes" },
    range_size = { default = 100, type = "integer", min = 1, help = "ids per range_select (sysbench --range_size)" },
  },
  -- Weights per mode. read keeps sysbench's many-point-selects-per-range flavour; mixed is 7 reads
  -- to 3 writes, the write share split evenly over the three write kinds.
  mix = function(opt)
    if opt.mode == "read" then
      return { point_select = 8, range_select = 2 }
    elseif opt.mode == "write" then
      return { update_index = 1, update_non_index = 1, delete_insert = 1 }
    end
    return { point_select = 6, range_select = 1, update_index = 1, update_non_index = 1, delete_insert = 1 }
  end,
}

local PREFIX = "simple_sbtest"

-- The scale options (whole numbers >= 1: the engine checks what they declare).
local function scale(opt)
  return opt.rows, opt.tables
end

-- sysbench's c value: 11-digit groups joined by '-', 119 characters; pad is 59 (both fill char columns).
local function c_value(rand)
  return rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" ..
         rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" ..
         rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" ..
         rand:nstring(11, 11)
end

local function pad_value(rand)
  return rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11) .. "-" ..
         rand:nstring(11, 11) .. "-" .. rand:nstring(11, 11)
end

-- ---- prepare / check ---------------------------------------------------------------------

function prepare(ctx)
  local rows, tables = scale(ctx.opt)
  for t = 1, tables do
    -- No keys yet: loading into a bare heap and building the indexes once afterwards is much
    -- faster than maintaining them row by row.
    ctx.db:exec(string.format([[
      CREATE TABLE %s%d (id integer NOT NULL, k integer NOT NULL DEFAULT 0,
                         c char(120) NOT NULL DEFAULT '', pad char(60) NOT NULL DEFAULT '')]], PREFIX, t))
  end
  ctx:progress(0, rows * tables)
  ctx:parallel(nil, load_part)
  -- One part per table: the primary key, the k index and ANALYZE of different tables build in parallel.
  ctx:parallel(tables, index_table)
end

-- One loader part: a contiguous id slice of every table, so ids follow the physical order (range
-- selects then read few pages, as on a table filled in id order).
function load_part(ctx, part, parts)
  local rows, tables = scale(ctx.opt)
  local first, last = stormdb.slice(part, parts, rows)
  local rand = ctx.rand
  local function row(copy, id) copy:row(id, rand:uniform(1, rows), c_value(rand), pad_value(rand)) end
  for t = 1, tables do
    ctx:copy_range(string.format("%s%d (id, k, c, pad)", PREFIX, t), first, last, row)
  end
end

function index_table(ctx, t)
  local name = PREFIX .. t
  ctx.db:exec(string.format("ALTER TABLE %s ADD PRIMARY KEY (id)", name))
  ctx.db:exec(string.format("CREATE INDEX k_%s ON %s (k)", name, name))
  ctx.db:exec("ANALYZE " .. name)
end

-- No cleanup(ctx): stormdb cleanup drops exactly the tables prepare recorded, whatever --tables was.

-- delete_insert removes and re-creates the same id, and the updates never add or remove rows,
-- so after any run every table must still hold exactly the ids 1..rows (count, min and max with
-- the primary key's uniqueness pin that down).
function check(ctx)
  local rows, tables = scale(ctx.opt)
  local results = {}
  for t = 1, tables do
    local name = PREFIX .. t
    local n, lo, hi = ctx.db:values(string.format("SELECT count(*), min(id), max(id) FROM %s", name))
    results[#results + 1] = {
      name = name .. " holds ids 1.." .. rows,
      ok = n == rows and lo == 1 and hi == rows,
      detail = string.format("count %s, min %s, max %s", tostring(n), tostring(lo), tostring(hi)),
    }
  end
  return results
end

-- ---- transactions -------------------------------------------------------------------------

-- Statement names per table, built once per thread state: "point_select" .. t on every call would
-- allocate a string per transaction.
local S = {}
local KINDS = { "point_select", "range_select", "update_index", "update_non_index", "delete", "insert" }

function client_init(ctx)
  local _, tables = scale(ctx.opt)
  local size = ctx.opt.range_size
  local db = ctx.db
  for _, kind in ipairs(KINDS) do
    S[kind] = {}
    for t = 1, tables do S[kind][t] = kind .. t end
  end
  for t = 1, tables do
    local name = PREFIX .. t
    db:prepare(S.point_select[t], "SELECT c FROM " .. name .. " WHERE id = $1")
    db:prepare(S.range_select[t], "SELECT c FROM " .. name .. " WHERE id BETWEEN $1 AND $2")
    db:prepare(S.update_index[t], "UPDATE " .. name .. " SET k = k + 1 WHERE id = $1")
    db:prepare(S.update_non_index[t], "UPDATE " .. name .. " SET c = $2 WHERE id = $1")
    db:prepare(S.delete[t], "DELETE FROM " .. name .. " WHERE id = $1")
    -- Two clients may delete+insert the same id at once: the second DELETE waits, then finds the
    -- row already gone (0 rows) and its INSERT would hit the re-inserted row. Doing nothing then
    -- keeps the row count invariant without a unique_violation counted as a failure.
    db:prepare(S.insert[t], "INSERT INTO " .. name .. " (id, k, c, pad) VALUES ($1, $2, $3, $4)" ..
                            " ON CONFLICT (id) DO NOTHING")
  end
end

-- A random table number (1 when --tables=1, without spending a random draw on it).
local function pick_table(ctx)
  local tables = ctx.opt.tables
  if tables == 1 then return 1 end
  return ctx.rand:uniform(1, tables)
end

function point_select(ctx)
  local t = pick_table(ctx)
  ctx.db:value(S.point_select[t], ctx.rand:uniform(1, ctx.opt.rows))
end

-- exec, not query: the rows are fetched by the server and client alike, but not turned into Lua tables.
function range_select(ctx)
  local t, rows = pick_table(ctx), ctx.opt.rows
  local size = math.min(ctx.opt.range_size, rows)
  local first = ctx.rand:uniform(1, rows - size + 1)
  ctx.db:exec(S.range_select[t], first, first + size - 1)
end

function update_index(ctx)
  local t = pick_table(ctx)
  ctx.db:exec(S.update_index[t], ctx.rand:uniform(1, ctx.opt.rows))
end

function update_non_index(ctx)
  local t = pick_table(ctx)
  ctx.db:exec(S.update_non_index[t], ctx.rand:uniform(1, ctx.opt.rows), c_value(ctx.rand))
end

function delete_insert(ctx)
  local t, rows = pick_table(ctx), ctx.opt.rows
  local id = ctx.rand:uniform(1, rows)
  local db = ctx.db
  db:begin()
  db:exec(S.delete[t], id)
  db:exec(S.insert[t], id, ctx.rand:uniform(1, rows), c_value(ctx.rand), pad_value(ctx.rand))
  db:commit()
end
