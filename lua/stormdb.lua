-- The engine's Lua half: ctx, transaction outcomes and the client main loops, built on the FFI
-- surface of engine/script/stormdb_ffi.h (db in stormdb_db.lua, rand in stormdb_rand.lua).
local ffi = require("ffi")
ffi.cdef(_STORMDB_CDEF)
local C = ffi.C
-- The C functions a failed transaction is settled with, resolved now: the first C.name lookup
-- allocates (the namespace caches a function object), and after "not enough memory" in a
-- transaction that allocation would fail too and end the client instead of failing the transaction.
for _, name in ipairs({ "sdb_script_error", "sdb_record", "sdb_conn_ok", "sdb_txn_status", "sdb_give_back",
    "sdb_stopping" }) do
  local _ = C[name]
end
local yield = coroutine.yield
local select, type, tostring, error, pcall, xpcall = select, type, tostring, error, pcall, xpcall
local fstring = ffi.string

local M = { version = _STORMDB_VERSION }
local cfg = {}          -- boot configuration of this state (thread id, seed, options, mix)
local MIX = {}          -- mix index + 1 -> transaction function
local KEYING = {}       -- mix index + 1 -> keying time in ms, slept before the measured start

local db = require("stormdb_db")
local new_rand = require("stormdb_rand").new_rand
local plugins = require("stormdb_plugin")
local new_db = db.new_db
local is_connection_loss, message_of, traceback = db.is_connection_loss, db.message_of, db.traceback
local check_type = db.check_type
M.is_error = db.is_error

-- ---- ctx --------------------------------------------------------------------------------------

local Ctx = {}
Ctx.__index = Ctx
local COMMITTED, ROLLED_BACK, FAILED = C.SDB_COMMITTED, C.SDB_ROLLED_BACK, C.SDB_FAILED
local counter_ids, txn_ids = {}, {}

function Ctx:sleep(ms)
  if type(ms) ~= "number" then check_type("ctx:sleep", 1, "ms", ms, "number") end
  C.sdb_sleep(self._cl, ms * 1000)
  yield()
end
function Ctx:think(ms)
  if type(ms) ~= "number" then check_type("ctx:think", 1, "ms", ms, "number") end
  self._think = self._think + ms
end
function Ctx:rollback_by_design()
  if self.db:in_transaction() then self.db:rollback() end
  self._outcome = ROLLED_BACK
end
function Ctx:count(name, n)
  if n ~= nil and type(n) ~= "number" then check_type("ctx:count", 2, "n", n, "number") end
  local id = counter_ids[name]
  if not id then
    check_type("ctx:count", 1, "name", name, "string")
    id = C.sdb_counter_id(self._cl, name)
    counter_ids[name] = id
  end
  C.sdb_count(self._cl, id, n or 1)
end
local timing_ids = {}
function Ctx:observe(name, ms)
  if type(ms) ~= "number" then check_type("ctx:observe", 2, "ms", ms, "number") end
  local id = timing_ids[name]
  if not id then
    check_type("ctx:observe", 1, "name", name, "string")
    id = C.sdb_timing_id(self._cl, name)
    timing_ids[name] = id
  end
  C.sdb_observe(self._cl, id, ms * 1000)
end

function Ctx:set_mix(weights)
  local total = 0
  for name, w in pairs(weights) do
    local known = false
    for _, n in ipairs(cfg.mix_names) do known = known or n == name end
    if not known then error("ctx:set_mix: '" .. tostring(name) .. "' is not in workload.mix", 2) end
    if type(w) ~= "number" or w < 0 then error("ctx:set_mix: weight of " .. name .. " must be a number >= 0", 2) end
    total = total + w
  end
  if total <= 0 then error("ctx:set_mix: at least one weight must be above 0", 2) end
  for i, n in ipairs(cfg.mix_names) do C.sdb_set_weight(self._cl, i - 1, weights[n] or 0) end
end

-- Rows first..last of 1..total that part (1-based) of parts loads: contiguous, balanced slices;
-- empty (first > last) when there are more parts than rows.
function M.slice(part, parts, total)
  return math.floor((part - 1) * total / parts) + 1, math.floor(part * total / parts)
end

-- One COPY into target for i = first..last: fn(copy, i) writes row i (or several rows, returning
-- how many; nil means 1). Load progress is reported every 5000 rows or so.
function Ctx:copy_range(target, first, last, fn)
  if first > last then return end
  local copy = self.db:copy(target)
  local pending = 0
  for i = first, last do
    pending = pending + (fn(copy, i) or 1)
    if pending >= 5000 then
      self:progress(pending)
      pending = 0
    end
  end
  copy:finish()
  self:progress(pending)
end

-- In a ctx:parallel part, raises once another part has failed: a loader part would otherwise go
-- on for minutes after the load is already lost.
function Ctx:progress(rows, total)
  if C.sdb_progress(self._cl, rows or 0, total or 0) ~= 0 then
    error("stopped: another part of this ctx:parallel job failed", 0)
  end
end
function Ctx:stopping() return C.sdb_stopping(self._cl) ~= 0 end
function Ctx:log(fmt, ...)
  io.stderr:write(string.format("[client %d] " .. fmt .. "\n", self.client_id, ...))
end

local function global_name_of(fn)
  for k, v in pairs(_G) do
    if v == fn and type(k) == "string" then return k end
  end
  return nil
end

local function serialize_args(...)
  local out = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local t = type(v)
    if t == "string" then
      out[i] = string.format("%q", v)
    elseif t == "number" or t == "boolean" or v == nil then
      out[i] = tostring(v)
    else
      error("ctx:parallel: arguments may be numbers, strings, booleans or nil, not " .. t, 3)
    end
  end
  return "return " .. table.concat(out, ", ")
end

function Ctx:parallel(n, fn, ...)
  n = n or cfg.loaders
  local name = fn
  if type(fn) == "function" then
    name = global_name_of(fn)
    if not name then
      error("ctx:parallel: pass a global function (each thread has its own Lua state, so a local " ..
        "function or closure cannot run there)", 2)
    end
  end
  if type(name) ~= "string" or type(rawget(_G, name)) ~= "function" then
    error("ctx:parallel: no global function named '" .. tostring(name) .. "'", 2)
  end
  if C.sdb_parallel_start(self._cl, name, n, serialize_args(n, ...)) < 0 then
    error("ctx:parallel: a parallel job is already running", 2)
  end
  yield()
  local failed = C.sdb_parallel_failed(self._cl)
  if failed > 0 then
    error(string.format("%d of %d parallel parts of %s failed; first: %s", failed, n, name,
      fstring(C.sdb_parallel_error(self._cl))), 0)
  end
end

local function call_hook(name, ctx)
  local f = rawget(_G, name)
  if type(f) ~= "function" then return true end
  local ok, err = xpcall(f, traceback, ctx)
  return ok, err
end

local function new_ctx(cl, id, kind, stream)
  local ctx = setmetatable({
    _cl = cl, _think = 0, _outcome = COMMITTED,
    db = new_db(C.sdb_client_conn(cl), cl, cfg.query_mode),
    rand = new_rand(cfg.seed, stream),
    _backoff = new_rand(cfg.seed, stream + 9e6),
    opt = cfg.opt, client_id = id, clients = cfg.clients,
    thread_id = cfg.thread_id, threads = cfg.threads, phase = cfg.phase,
    background = kind == "background",
  }, Ctx)
  ctx.db.on_connect = function()
    local ok, err = call_hook("on_connect", ctx)
    if not ok then error("on_connect: " .. tostring(err), 0) end
  end
  return ctx
end

-- ---- transactions -----------------------------------------------------------------------------

local reconnect_held, open_transaction_error, open_pool_conn

-- Reconnects with backoff (100 ms doubling up to 5 s) until it works or the run stops. Every
-- attempt is counted; a failed one marks the database unreachable since the loss (an outage).
-- False when the run ended first; the client then counts as unable to reconnect if it tried.
local function reconnect(ctx)
  local db = ctx.db
  db.pin = db.pin + 1  -- a pooled client keeps the lost connection until it is back, on_connect run
  local ok = reconnect_held(ctx)
  db.pin = db.pin - 1
  db:_give_back()
  return ok
end

-- reconnect's loop, on the connection the client holds.
function reconnect_held(ctx)
  local cl, delay, lost_at, tried = ctx._cl, 100, C.sdb_now_us(), false
  while not ctx:stopping() do
    local connected = pcall(ctx.db._open, ctx.db)
    C.sdb_reconnect_attempt(cl, connected and 1 or 0, lost_at)
    tried = true
    if connected then
      -- on_connect before the statements are prepared again: its SET search_path ... applies to them
      local ok, err = call_hook("on_connect", ctx)
      if not ok then
        C.sdb_script_error(cl, "on_connect: " .. tostring(err))
      else
        ok, err = pcall(ctx.db._reprepare, ctx.db)
        if ok then return true end
        C.sdb_script_error(cl, "re-preparing statements after a reconnect: " .. message_of(err))
      end
    end
    ctx:sleep(delay)
    delay = math.min(delay * 2, 5000)
  end
  if tried then C.sdb_reconnect_gave_up(cl) end
  return false
end

local function rollback_quietly(db)
  if db:in_transaction() then pcall(db.rollback, db) end
end

-- True when err is a serialization failure or deadlock worth another try; rolls back first.
local function retryable(ctx, err, tries)
  if not M.is_error(err) or is_connection_loss(err) then return false end
  local s = err.sqlstate
  if (s ~= "40001" and s ~= "40P01") or tries >= cfg.max_tries or ctx:stopping() then return false end
  rollback_quietly(ctx.db)
  -- A short randomised backoff (up to 1, 2, 4 ... 100 ms) so that conflicting clients do not
  -- collide again in lockstep; it is part of the transaction's latency. Its own stream keeps the
  -- script's random inputs reproducible.
  ctx:sleep(ctx._backoff:random() * math.min(2 ^ (tries - 1), 100))
  return true
end

-- The script error of a transaction function that returned with its transaction still open (it
-- is rolled back, and a pooled connection goes back clean), at the function's file:line.
function open_transaction_error(fn)
  local info = debug.getinfo(fn, "S")
  local where = info and info.what ~= "C" and (info.short_src .. ":" .. info.linedefined .. ": ") or ""
  return where .. "transaction function returned inside an open transaction block (missing commit?); rolled back"
end

-- Ends transaction id of type fn whose first try returned (ok, err) from pcall: retries
-- 40001/40P01, classifies failures, records it. Returns true when it committed or rolled back by
-- design.
local function settle_txn(ctx, id, fn, ok, err)
  local cl, db = ctx._cl, ctx.db
  local tries = 1
  while not ok and retryable(ctx, err, tries) do
    tries = tries + 1
    ctx._outcome = COMMITTED
    ctx.try = tries
    ok, err = pcall(fn, ctx)
  end
  if db._pipe_open then ok, err = db:_close_pipeline(ok, err) end
  if ok then
    if C.sdb_record(cl, id, ctx._outcome, tries - 1, nil) == 0 then
      if db.conn == nil then return true end  -- pooled, given back already
      db:_give_back()
      return true
    end
    rollback_quietly(db)
    C.sdb_script_error(cl, open_transaction_error(fn))
    C.sdb_record(cl, id, FAILED, tries - 1, "script")
    db:_give_back()
    return false
  end
  if M.is_error(err) then
    if is_connection_loss(err) then
      C.sdb_record(cl, id, FAILED, tries - 1, err.sqlstate ~= "" and err.sqlstate or "08000")
      reconnect(ctx)
      return false
    end
    rollback_quietly(db)
    C.sdb_record(cl, id, FAILED, tries - 1, err.sqlstate)
    db:_give_back()
    return false
  end
  C.sdb_script_error(cl, message_of(err))
  rollback_quietly(db)
  C.sdb_record(cl, id, FAILED, tries - 1, "script")
  if db.conn ~= nil and C.sdb_conn_ok(db.conn) == 0 then reconnect(ctx) end
  db:_give_back()
  return false
end

-- Runs fn(ctx) as one transaction of type id (see settle_txn). No varargs on the common path:
-- they would keep LuaJIT from compiling the caller (NYI VARG).
local function run_txn(ctx, id, fn)
  ctx._outcome = COMMITTED
  ctx.try = 1
  local ok, err = pcall(fn, ctx)
  return settle_txn(ctx, id, fn, ok, err)
end

function Ctx:transaction(name, fn, ...)
  if type(fn) ~= "function" then check_type("ctx:transaction", 2, "fn", fn, "function") end
  local id = txn_ids[name]
  if not id then
    check_type("ctx:transaction", 1, "name", name, "string")
    id = C.sdb_txn_id(self._cl, name)
    txn_ids[name] = id
  end
  local n, args = select("#", ...), { ... }
  local body = n == 0 and fn or function(c) return fn(c, unpack(args, 1, n)) end
  C.sdb_txn_start(self._cl, 1)
  return run_txn(self, id, body)
end


local function think(ctx)
  if ctx._think > 0 then
    local ms = ctx._think
    ctx._think = 0
    ctx:sleep(ms)
  end
end

-- The terminal's transaction loop until the run ends; at.idx is the transaction in progress (-1
-- between transactions), read by the caller when one raises. A transaction's first try runs
-- here without a pcall of its own: the coroutine yields inside each query, and LuaJIT cannot
-- compile a return through a pcall frame entered before a yield ("NYI: return to lower frame").
-- (Nor through a vararg frame: the db methods tail-call the function that waits, so the code
-- after each query compiles too. A memory error inside compiled code crashes this LuaJIT; the
-- runtime's memory budget keeps it out of compiled code, see engine/script/lua_state.h.)
-- native: the runner of plugins.native_mix, when the whole mix runs in C.
local function run_mix(ctx, at, native)
  local cl = ctx._cl
  while true do
    local idx, fn
    if native then
      idx, fn = native(ctx)
    else
      idx = C.sdb_next(cl)
    end
    if idx == -2 then
      yield()
    elseif idx < 0 then
      return
    else
      if KEYING[idx + 1] > 0 and C.sdb_scheduled(cl) == 0 then
        ctx:sleep(KEYING[idx + 1])  -- keying time: the terminal's input, before the measured start
        if ctx:stopping() then return end
        C.sdb_txn_start(cl, 1)
      end
      at.idx = idx
      ctx._outcome = COMMITTED
      ctx.try = 1
      ;(fn or MIX[idx + 1])(ctx)
      at.idx = -1
      -- settle_txn records what the common path cannot: a pipeline left open, a transaction
      -- block left open (sdb_record refuses it); a pooled connection goes back after each one.
      local db = ctx.db
      if db._pipe_open or C.sdb_record(cl, idx, ctx._outcome, 0, nil) ~= 0 then
        settle_txn(ctx, idx, MIX[idx + 1], true)
      elseif db.pooled then
        db:_give_back()
      end
      think(ctx)
    end
  end
end

local function terminal_main(ctx, kind, fn_name)
  local ok, err = call_hook("client_init", ctx)
  if not ok then return "client_init failed: " .. err end
  if ctx.db.pooled then
    rollback_quietly(ctx.db)
    ctx.db:_give_back()
  end
  C.sdb_barrier(ctx._cl)
  yield()
  local cl = ctx._cl
  if kind == "background" then
    local f = rawget(_G, fn_name)
    ok, err = xpcall(f, traceback, ctx)
    if not ok then return fn_name .. " failed: " .. err end
  else
    local at = { idx = -1 }
    local native = plugins.native_mix(ctx, MIX, KEYING)
    while true do
      -- The mix runs inside one pcall until a transaction raises: its first try is then settled
      -- (retried, classified, recorded) here and the mix goes on.
      ok, err = pcall(run_mix, ctx, at, native)
      if ok then break end
      local idx = at.idx
      if idx < 0 then error(err, 0) end   -- raised outside a transaction: the client's error
      at.idx = -1
      settle_txn(ctx, idx, MIX[idx + 1], false, err)
      think(ctx)
    end
  end
  ok, err = call_hook("client_done", ctx)
  if not ok then C.sdb_script_error(cl, "client_done: " .. err) end
  return nil
end

local function serialize_checks(res)
  if type(res) ~= "table" then return "" end
  local out = {}
  for _, c in ipairs(res) do
    local clean = function(s) return (tostring(s or ""):gsub("[\t\n]", " ")) end
    local status = c.checked == false and "-" or (c.ok and "1" or "0")   -- "-": could not run
    out[#out + 1] = status .. "\t" .. clean(c.name) .. "\t" .. clean(c.detail)
  end
  return table.concat(out, "\n")
end

-- Client coroutines are the engine's: only the prelude's own calls (db, ctx:sleep ...) may yield
-- them, with the raw `yield` captured above. A script calling coroutine.yield() directly in one
-- would leave it waiting for nothing for ever, so that is an error at the script's line; inside
-- the script's own coroutines coroutine.yield works as usual.
local client_cos = setmetatable({}, { __mode = "k" })
local running = coroutine.running
coroutine.yield = function(...)
  if client_cos[running()] then
    error("coroutine.yield() called in a stormdb client: stormdb's own calls (ctx.db, ctx:sleep) wait " ..
      "for you; use coroutine.yield only inside coroutines your script creates", 2)
  end
  return yield(...)
end

-- A pooled terminal opens one of its thread's pool connections, if one is left unopened, and runs
-- on_connect on it (on_connect runs once per connection), then gives it back. Returns an error.
function open_pool_conn(ctx, cl)
  local db = ctx.db
  local conn = C.sdb_pool_claim(cl)
  if conn == nil then return nil end
  db.conn, db.pin = conn, 1
  local t = C.sdb_now_us()
  local ok, err = pcall(db._open, db)
  if not ok then return "could not connect: " .. message_of(err) end
  C.sdb_connected(cl, C.sdb_now_us() - t)
  ok, err = call_hook("on_connect", ctx)
  if not ok then return "on_connect failed: " .. err end
  rollback_quietly(db)
  db.pin = 0
  db:_give_back()
  return nil
end

-- Body of every client coroutine; returns (error message or nil, hook result or nil).
function M._client_main(kind, clp, id, fn_name, args)
  client_cos[running()] = true
  local cl = ffi.cast("sdb_client*", clp)
  local stream = kind == "terminal" and id or (kind == "part" and 1e5 + id or (kind == "hook" and 2e5 or 3e5 + id))
  local ctx = new_ctx(cl, id, kind, stream)
  if ctx.db.pooled then
    local err = open_pool_conn(ctx, cl)
    if err then return err end
    return terminal_main(ctx, kind, fn_name)
  end
  local t = C.sdb_now_us()
  local ok, err = pcall(ctx.db._open, ctx.db)
  if not ok then return "could not connect: " .. message_of(err) end
  if kind == "terminal" then C.sdb_connected(cl, C.sdb_now_us() - t) end
  ok, err = call_hook("on_connect", ctx)
  if not ok then return "on_connect failed: " .. err end
  if kind == "terminal" or kind == "background" then return terminal_main(ctx, kind, fn_name) end
  if kind == "hook" then
    local f = rawget(_G, fn_name)
    if type(f) ~= "function" then return nil end
    local res
    ok, res = xpcall(f, traceback, ctx)
    if not ok then return res end
    if fn_name == "check" then return nil, serialize_checks(res) end
    return nil
  end
  -- a ctx:parallel part
  local chunk = loadstring(args)
  local f = rawget(_G, fn_name)
  ctx.part = id
  ok, err = xpcall(function() return f(ctx, id, chunk()) end, traceback)
  ctx.db:disconnect()
  if not ok then return err end
  return nil
end

-- ---- boot and description ----------------------------------------------------------------------

-- The function a mix name stands for: workload.txn[name] when the script keeps its transactions
-- in that table (so one may be called `select` without replacing Lua's select; workload.txn may
-- be a function of the options returning that table), else the global.
local function txn_function(w, name, opt)
  local t = type(w) == "table" and rawget(w, "txn") or nil
  if type(t) == "function" then t = t(opt) end
  if type(t) == "table" and type(t[name]) == "function" then return t[name] end
  local f = rawget(_G, name)
  if type(f) == "function" then return f end
  return nil
end

-- Loads the workload script into this state. conf: thread_id, threads, clients, seed, max_tries,
-- loaders, phase, options (Lua chunk text), mix_names (array).
function M._boot(conf, script)
  for k, v in pairs(conf) do cfg[k] = v end
  cfg.script = script
  cfg.opt = conf.options and assert(loadstring(conf.options))() or {}
  M._options = cfg.opt
  local chunk, err = loadfile(script)
  if not chunk then error(err, 0) end
  local sysbench_compat = require("sysbench_compat")
  sysbench_compat.install(cfg, script)  -- a sysbench script gets its API (docs/compat.md)
  chunk()
  sysbench_compat.adapt()
  if not rawget(_G, "client_init") then client_init = rawget(_G, "thread_init") end
  if not rawget(_G, "client_done") then client_done = rawget(_G, "thread_done") end
  local w = rawget(_G, "workload")
  local keying = type(w) == "table" and w.keying or nil
  if type(keying) == "function" then keying = keying(cfg.opt) end
  for i, name in ipairs(cfg.mix_names or {}) do
    MIX[i] = txn_function(w, name, cfg.opt)
    KEYING[i] = type(keying) == "table" and tonumber(keying[name]) or 0
  end
end

-- The run's query mode (-M/--query-mode): "simple", "extended" or "prepared" (pgbench's meanings).
function M.query_mode() return cfg.query_mode or "prepared" end

-- Monotonic clock in milliseconds (fractions down to the µs), the unit of every other time in the
-- API (ctx:sleep, ctx:observe, keying).
function M.now_ms() return C.sdb_now_us() / 1000 end
-- The same clock in microseconds: the unit stormdb.now() has always had (kept for old scripts).
function M.now() return C.sdb_now_us() end
-- stormdb.plugin(name [, {optional = true}]): a native plugin's FFI namespace and its plugin object
-- (COPY generators); see lua/stormdb_plugin.lua and docs/plugins.md.
function M.plugin(name, opts)
  local native, plugin = plugins.open(name, opts, cfg.script, cfg.thread_id)  -- no tail call: open's
  return native, plugin                                                       -- errors name the caller
end

-- A seeded random stream of the script's own, with the generator and methods of ctx.rand: the
-- same (seed, stream) gives the same draws in every thread and every run. seed and stream are
-- numbers (integers up to 2^53); stream separates independent streams of one seed.
function M.rand(seed, stream)
  if type(seed) ~= "number" then check_type("stormdb.rand", 1, "seed", seed, "number") end
  if stream ~= nil and type(stream) ~= "number" then check_type("stormdb.rand", 2, "stream", stream, "number") end
  return new_rand(seed, stream or 0)
end

-- The options, or before they are resolved (the engine describes the script first to learn them)
-- the declared defaults, for the parts of `workload` that are functions of the options.
local function resolved_options(w)
  if next(cfg.opt) ~= nil then return cfg.opt end
  local opt = {}
  for name, o in pairs(w.options or {}) do
    if type(o) == "table" then opt[name] = o.default else opt[name] = o end  -- a false default stays false
  end
  return opt
end

-- One option's declaration, checked: { default =, help =, type = "integer" (optional: a number
-- that must be whole), min =, max = (numbers, inclusive), choices = { ... } }, or a bare default.
-- The engine validates given values against it; errors here name the script and the option.
local function describe_option(script, name, o)
  if type(o) ~= "table" then o = { default = o } end
  local function bad(what) error(script .. ": option '" .. name .. "' " .. what, 0) end
  local t = type(o.default)
  if t ~= "number" and t ~= "string" and t ~= "boolean" then bad("needs a default that is a number, string or boolean") end
  if o.type ~= nil and o.type ~= t and not (o.type == "integer" and t == "number") then
    bad("declares type \"" .. tostring(o.type) .. "\" but its default is a " .. t)
  end
  for _, k in ipairs({ "min", "max" }) do
    if o[k] ~= nil and (type(o[k]) ~= "number" or t ~= "number") then bad(k .. " must be a number, on a number option") end
  end
  if o.choices ~= nil and (type(o.choices) ~= "table" or #o.choices == 0) then bad("choices must be a non-empty array") end
  local integer = o.type == "integer"
  if (integer and o.default % 1 ~= 0) or (o.min and o.default < o.min) or (o.max and o.default > o.max) then
    bad("has a default (" .. tostring(o.default) .. ") outside its own type or range")
  end
  local choices = {}
  for i, c in ipairs(o.choices or {}) do choices[i] = tostring(c) end
  return { name = name, type = t, integer = integer, default = tostring(o.default), help = o.help or "",
    choices = table.concat(choices, "|"), min = o.min and tostring(o.min) or "", max = o.max and tostring(o.max) or "" }
end

-- Normalised description of the loaded workload for the engine (names sorted, mix resolved
-- against the options when it is a function). Raises an error naming what is malformed.
function M._describe(script)
  local w = rawget(_G, "workload")
  if w ~= nil and type(w) ~= "table" then error(script .. ": 'workload' must be a table", 0) end
  w = w or {}
  local selection = w.selection
  if type(selection) == "function" then
    selection = selection(resolved_options(w))
  end
  local d = { name = w.name or script:match("([^/]+)%.lua$") or script, description = w.description or "",
    selection = selection or "random", options = {}, mix = {}, background = {}, hooks = {},
    one_client_per_thread = w.one_client_per_thread and "true" or nil, query_mode = w.query_mode }
  if d.query_mode ~= nil and d.query_mode ~= "simple" and d.query_mode ~= "extended" and d.query_mode ~= "prepared" then
    error(script .. ": workload.query_mode must be \"simple\", \"extended\" or \"prepared\", not \"" ..
      tostring(d.query_mode) .. "\"", 0)
  end
  if d.selection ~= "random" and d.selection ~= "deck" then
    error(script .. ": workload.selection must be \"random\" or \"deck\", not \"" .. tostring(d.selection) .. "\"", 0)
  end
  for name, o in pairs(w.options or {}) do
    d.options[#d.options + 1] = describe_option(script, name, o)
  end
  table.sort(d.options, function(a, b) return a.name < b.name end)
  local opt = resolved_options(w)
  -- Checks across options (or patterns) that declarations cannot express, run here so a bad
  -- combination is bad input (exit 2) before anything connects or a throwaway server starts.
  if w.validate ~= nil then
    if type(w.validate) ~= "function" then error(script .. ": workload.validate must be a function(opt)", 0) end
    local ok, err = pcall(w.validate, opt)
    if not ok then error(script .. ": " .. tostring(err), 0) end
  end
  local mix = w.mix
  if type(mix) == "function" then mix = mix(opt) end
  if mix == nil then
    if not txn_function(w, "event", opt) then
      error(script .. ": define workload.mix = { name = weight, ... } or a global function event(ctx)", 0)
    end
    mix = { event = 1 }
  end
  if type(mix) ~= "table" then error(script .. ": workload.mix must be a table of name = weight", 0) end
  for name, weight in pairs(mix) do
    if type(weight) ~= "number" or weight < 0 then
      error(script .. ": workload.mix weight of '" .. tostring(name) .. "' must be a number >= 0", 0)
    end
    if w.txn ~= nil and type(w.txn) ~= "table" and type(w.txn) ~= "function" then
      error(script .. ": workload.txn must be a table of name = function(ctx) (or a function of the options returning one)", 0)
    end
    if not txn_function(w, name, opt) then
      error(script .. ": workload.mix names '" .. tostring(name) .. "' but no global function " .. tostring(name) .. "(ctx) (nor workload.txn." ..
        tostring(name) .. ") is defined", 0)
    end
    d.mix[#d.mix + 1] = { name = name, weight = weight }
  end
  table.sort(d.mix, function(a, b) return a.name < b.name end)
  local total = 0
  for _, m in ipairs(d.mix) do
    total = total + m.weight
    if d.selection == "deck" and m.weight % 1 ~= 0 then
      error(script .. ": workload.selection = \"deck\" needs whole-number weights; '" .. m.name .. "' has " .. m.weight, 0)
    end
  end
  if total <= 0 then error(script .. ": workload.mix needs at least one weight above 0", 0) end
  for fn, n in pairs(w.background or {}) do
    if type(rawget(_G, fn)) ~= "function" then
      error(script .. ": workload.background names '" .. tostring(fn) .. "' but no global function is defined", 0)
    end
    d.background[#d.background + 1] = { name = fn, count = tonumber(n) or 1 }
  end
  table.sort(d.background, function(a, b) return a.name < b.name end)
  for _, h in ipairs({ "prepare", "cleanup", "check", "summary", "client_init", "client_done" }) do
    if type(rawget(_G, h)) == "function" then d.hooks[#d.hooks + 1] = h end
  end
  if not rawget(_G, "client_init") and type(rawget(_G, "thread_init")) == "function" then
    client_init = thread_init
  end
  if not rawget(_G, "client_done") and type(rawget(_G, "thread_done")) == "function" then
    client_done = thread_done
  end
  return d
end

stormdb = M
return M
