-- The engine's Lua half: ctx, db, rand and the client main loops, built on the FFI surface of
-- engine/script/stormdb_ffi.h. Embedded into the binary; see docs/lua_api.md for the contract.
local ffi = require("ffi")
ffi.cdef(_STORMDB_CDEF)
local C = ffi.C
local yield = coroutine.yield
local select, type, tostring, error, pcall, xpcall = select, type, tostring, error, pcall, xpcall
local fstring = ffi.string

local M = { version = _STORMDB_VERSION }
local cfg = {}          -- boot configuration of this state (thread id, seed, options, mix)
local MIX = {}          -- mix index + 1 -> transaction function
local KEYING = {}       -- mix index + 1 -> keying time in ms, slept before the measured start
local PRELUDE_SRC = "stormdb/stormdb.lua"

-- ---- errors -----------------------------------------------------------------------------------

local SQLError = {}
SQLError.__index = SQLError
SQLError.__tostring = function(e)
  local code = e.sqlstate ~= "" and ("SQLSTATE " .. e.sqlstate .. (e.name ~= "" and (" " .. e.name) or ""))
    or "connection lost"
  local s = string.format("%s%s (%s)", e.where and (e.where .. ": ") or "", e.message, code)
  if e.detail ~= "" then s = s .. "\nDETAIL: " .. e.detail end
  if e.hint ~= "" then s = s .. "\nHINT: " .. e.hint end
  return s
end

function M.is_error(v) return getmetatable(v) == SQLError end

-- file:line of the first stack frame outside this prelude: where the script called the db.
local function script_where()
  for level = 3, 12 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    if info.short_src ~= PRELUDE_SRC and info.what ~= "C" then
      return info.short_src .. ":" .. (info.currentline or 0)
    end
  end
  return nil
end

local function raise(conn)
  local e = setmetatable({
    sqlstate = fstring(C.sdb_err_sqlstate(conn)),
    message = fstring(C.sdb_err_message(conn)),
    detail = fstring(C.sdb_err_detail(conn)),
    hint = fstring(C.sdb_err_hint(conn)),
  }, SQLError)
  e.class = fstring(C.sdb_sqlstate_class(e.sqlstate))
  e.name = fstring(C.sdb_sqlstate_name(e.sqlstate))
  e.where = script_where()
  error(e, 0)
end

local function is_connection_loss(e)
  local s = e.sqlstate
  return s == "" or s:sub(1, 2) == "08" or s == "57P01" or s == "57P02" or s == "57P03"
end

local function message_of(err)
  if type(err) == "table" then return tostring(err) end
  return tostring(err)
end

-- Error messages already carry file:line; the Lua stack is shown only with STORMDB_DEBUG=1.
local show_stack = os.getenv("STORMDB_DEBUG") ~= nil
local function traceback(err)
  if M.is_error(err) or not show_stack then return tostring(err) end
  return debug.traceback(tostring(err), 2)
end

-- ---- db ---------------------------------------------------------------------------------------

local DB = {}
DB.__index = DB
local MAX_PARAMS = 256

local function new_db(conn)
  return setmetatable({ conn = conn, stmts = {}, stmt_list = {}, params = ffi.new("sdb_param[?]", MAX_PARAMS),
    anchor = {}, cell = ffi.new("sdb_cell") }, DB)
end

local function bind(self, ...)
  local n = select("#", ...)
  if n > MAX_PARAMS then error("too many parameters (" .. n .. ", at most " .. MAX_PARAMS .. ")", 3) end
  local p = self.params
  for i = 1, n do
    local v = select(i, ...)
    local slot = p[i - 1]
    local t = type(v)
    if t == "number" then
      slot.kind = 1; slot.num = v
    elseif t == "string" then
      slot.kind = 2; slot.str = v; slot.len = #v
    elseif t == "boolean" then
      slot.kind = 3; slot.num = v and 1 or 0
    elseif v == nil then
      slot.kind = 0
    else
      local s = tostring(v):gsub("[LU]+$", "")  -- int64 cdata prints as 123LL
      self.anchor[i] = s
      slot.kind = 2; slot.str = s; slot.len = #s
    end
  end
  return n
end

-- Suspends the client until its request is done; the engine resumes it with the request's status.
local function wait(conn)
  if yield() < 0 then raise(conn) end
end

local function send(self, stmt, ...)
  local conn = self.conn
  local n = bind(self, ...)
  local idx = self.stmts[stmt]
  local rc
  if idx then
    rc = C.sdb_send_prepared(conn, idx, n, self.params)
  elseif n == 0 then
    rc = C.sdb_send_query(conn, stmt)
  else
    rc = C.sdb_send_params(conn, stmt, n, self.params)
  end
  if rc < 0 then raise(conn) end
  wait(conn)
end

local function cell(conn, r, col)
  if C.sdb_res_isnull(conn, r, col) ~= 0 then return nil end
  local ft = C.sdb_res_ftype(conn, col)
  if ft == 1 then return C.sdb_res_number(conn, r, col) end
  if ft == 2 then return C.sdb_res_number(conn, r, col) ~= 0 end
  return fstring(C.sdb_res_text(conn, r, col), C.sdb_res_length(conn, r, col))
end

local function named_row(conn, r, nf, names)
  local row = {}
  for col = 0, nf - 1 do row[names[col + 1]] = cell(conn, r, col) end
  return row
end

local function column_names(conn, nf)
  local names = {}
  for col = 0, nf - 1 do names[col + 1] = fstring(C.sdb_res_fname(conn, col)) end
  return names
end

function DB:exec(stmt, ...)
  send(self, stmt, ...)
  return C.sdb_res_affected(self.conn)
end

function DB:query(stmt, ...)
  send(self, stmt, ...)
  local conn = self.conn
  local nt, nf = C.sdb_res_ntuples(conn), C.sdb_res_nfields(conn)
  local names, rows = column_names(conn, nf), {}
  for r = 0, nt - 1 do rows[r + 1] = named_row(conn, r, nf, names) end
  return rows
end

function DB:row(stmt, ...)
  send(self, stmt, ...)
  local conn = self.conn
  if C.sdb_res_ntuples(conn) == 0 then return nil end
  local nf = C.sdb_res_nfields(conn)
  return named_row(conn, 0, nf, column_names(conn, nf))
end

function DB:value(stmt, ...)
  send(self, stmt, ...)
  local out = self.cell
  local k = C.sdb_res_value(self.conn, out)
  if k == 1 then return out.num end
  if k == 3 then return fstring(out.str, out.len) end
  if k == 2 then return out.num ~= 0 end
  return nil
end

local function unpack_row(conn, col, nf)
  if col >= nf then return end
  return cell(conn, 0, col), unpack_row(conn, col + 1, nf)
end

function DB:values(stmt, ...)
  send(self, stmt, ...)
  local conn = self.conn
  if C.sdb_res_ntuples(conn) == 0 then return nil end
  return unpack_row(conn, 0, C.sdb_res_nfields(conn))
end

local function prepare_on_server(self, name, sql)
  local idx = C.sdb_send_prepare(self.conn, name, sql)
  if idx < 0 then raise(self.conn) end
  wait(self.conn)
  return idx
end

function DB:prepare(name, sql)
  if type(name) ~= "string" or type(sql) ~= "string" then error("db:prepare(name, sql) takes two strings", 2) end
  local idx = prepare_on_server(self, name, sql)
  if not self.stmts[name] then self.stmt_list[#self.stmt_list + 1] = { name, sql } end
  self.stmts[name] = idx
end

function DB:begin(mode) return self:exec(mode and ("BEGIN " .. mode) or "BEGIN") end
function DB:commit() return self:exec("COMMIT") end
function DB:rollback() return self:exec("ROLLBACK") end
function DB:in_transaction()
  local s = C.sdb_txn_status(self.conn)
  return s == 1 or s == 2
end

function DB:connect()
  local conn = self.conn
  if C.sdb_connect(conn) < 0 then raise(conn) end
  yield()
  if C.sdb_conn_ok(conn) == 0 then raise(conn) end
  for _, s in ipairs(self.stmt_list) do self.stmts[s[1]] = prepare_on_server(self, s[1], s[2]) end
end

function DB:disconnect() C.sdb_disconnect(self.conn) end

local Copy = {}
Copy.__index = Copy

function DB:copy(target)
  local conn = self.conn
  if C.sdb_send_query(conn, "COPY " .. target .. " FROM STDIN") < 0 then raise(conn) end
  wait(conn)
  if C.sdb_res_status(conn) ~= 2 then error("COPY " .. target .. " did not start a COPY FROM STDIN", 2) end
  return setmetatable({ conn = conn, rows = 0 }, Copy)
end

function Copy:row(...)
  local conn = self.conn
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local t = type(v)
    if t == "number" then
      C.sdb_copy_num(conn, v)
    elseif t == "string" then
      C.sdb_copy_str(conn, v, #v)
    elseif v == nil then
      C.sdb_copy_null(conn)
    elseif t == "boolean" then
      C.sdb_copy_str(conn, v and "t" or "f", 1)
    else
      local s = tostring(v)
      C.sdb_copy_str(conn, s, #s)
    end
  end
  local r = C.sdb_copy_end_row(conn)
  if r == 1 then
    wait(conn)
  elseif r < 0 then
    raise(conn)
  end
  self.rows = self.rows + 1
end

function Copy:finish()
  local conn = self.conn
  if C.sdb_copy_finish(conn) < 0 then raise(conn) end
  wait(conn)
  return C.sdb_res_affected(conn)
end

-- ---- rand -------------------------------------------------------------------------------------

local Rand = {}
Rand.__index = Rand
local nurand_c = {}

local function new_rand(seed, stream)
  local r = ffi.new("sdb_rng")
  C.sdb_rng_seed(r, seed, stream)
  return setmetatable({ rng = r, buf = ffi.new("char[?]", 1024), cap = 1024 }, Rand)
end

function Rand:uniform(lo, hi) return C.sdb_rand_uniform(self.rng, lo, hi) end
function Rand:random() return C.sdb_rand_double(self.rng) end
function Rand:zipf(lo, hi, s) return C.sdb_rand_zipf(self.rng, lo, hi, s) end
function Rand:gaussian(lo, hi, p) return C.sdb_rand_gaussian(self.rng, lo, hi, p) end
function Rand:exponential(lo, hi, p) return C.sdb_rand_exponential(self.rng, lo, hi, p) end
function Rand:permute(i, size, seed) return C.sdb_rand_permute(i, size, seed or cfg.seed) end
function Rand:choice(t) return t[C.sdb_rand_uniform(self.rng, 1, #t)] end

function Rand:nurand(a, x, y, c)
  if not c then
    c = nurand_c[a]
    if not c then  -- one constant per A for the whole run, the same in every state (clause 2.1.6)
      local r = ffi.new("sdb_rng")
      C.sdb_rng_seed(r, cfg.seed, 7e6 + a)
      c = C.sdb_rand_uniform(r, 0, a)
      nurand_c[a] = c
    end
  end
  return C.sdb_rand_nurand(self.rng, a, x, y, c)
end

local function rand_string(self, min, max, kind)
  max = max or min
  if max > self.cap then
    self.cap = max
    self.buf = ffi.new("char[?]", max)
  end
  return fstring(self.buf, C.sdb_rand_string(self.rng, self.buf, min, max, kind))
end
function Rand:string(min, max) return rand_string(self, min, max, 0) end
Rand.astring = Rand.string
function Rand:nstring(min, max) return rand_string(self, min, max, 1) end
function Rand:lstring(min, max) return rand_string(self, min, max, 2) end

-- ---- ctx --------------------------------------------------------------------------------------

local Ctx = {}
Ctx.__index = Ctx
local COMMITTED, ROLLED_BACK, FAILED = C.SDB_COMMITTED, C.SDB_ROLLED_BACK, C.SDB_FAILED
local counter_ids, txn_ids = {}, {}

function Ctx:sleep(ms)
  C.sdb_sleep(self._cl, ms * 1000)
  yield()
end
function Ctx:think(ms) self._think = self._think + ms end
function Ctx:rollback_by_design()
  if self.db:in_transaction() then self.db:rollback() end
  self._outcome = ROLLED_BACK
end
function Ctx:count(name, n)
  local id = counter_ids[name]
  if not id then
    id = C.sdb_counter_id(self._cl, name)
    counter_ids[name] = id
  end
  C.sdb_count(self._cl, id, n or 1)
end
local timing_ids = {}
function Ctx:observe(name, ms)
  local id = timing_ids[name]
  if not id then
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

function Ctx:progress(rows, total) C.sdb_progress(self._cl, rows or 0, total or 0) end
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

local function new_ctx(cl, id, kind, stream)
  local ctx = setmetatable({
    _cl = cl, _think = 0, _outcome = COMMITTED,
    db = new_db(C.sdb_client_conn(cl)),
    rand = new_rand(cfg.seed, stream),
    _backoff = new_rand(cfg.seed, stream + 9e6),
    opt = cfg.opt, client_id = id, clients = cfg.clients,
    thread_id = cfg.thread_id, threads = cfg.threads, phase = cfg.phase,
    background = kind == "background",
  }, Ctx)
  return ctx
end

-- ---- transactions -----------------------------------------------------------------------------

local function reconnect(ctx)
  local delay = 100
  C.sdb_note_reconnect(ctx._cl)
  while not ctx:stopping() do
    if pcall(ctx.db.connect, ctx.db) then return true end
    ctx:sleep(delay)
    delay = math.min(delay * 2, 5000)
  end
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

-- Runs fn(ctx) as one transaction of type id: retries 40001/40P01, classifies failures, records
-- it. Neither varargs nor a loop on the common path: either would keep LuaJIT from compiling the
-- client loop around it (NYI VARG, "inner loop in root trace").
local function run_txn(ctx, id, fn)
  local cl, db = ctx._cl, ctx.db
  local tries = 1
  ctx._outcome = COMMITTED
  local ok, err = pcall(fn, ctx)
  while not ok and retryable(ctx, err, tries) do
    tries = tries + 1
    ctx._outcome = COMMITTED
    ok, err = pcall(fn, ctx)
  end
  if ok then
    if C.sdb_record(cl, id, ctx._outcome, tries - 1, nil) == 0 then return true end
    rollback_quietly(db)
    C.sdb_script_error(cl, "transaction function returned inside an open transaction block (missing commit?)")
    C.sdb_record(cl, id, FAILED, tries - 1, "script")
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
    return false
  end
  C.sdb_script_error(cl, message_of(err))
  rollback_quietly(db)
  C.sdb_record(cl, id, FAILED, tries - 1, "script")
  if C.sdb_conn_ok(db.conn) == 0 then reconnect(ctx) end
  return false
end

function Ctx:transaction(name, fn, ...)
  local id = txn_ids[name]
  if not id then
    id = C.sdb_txn_id(self._cl, name)
    txn_ids[name] = id
  end
  local n, args = select("#", ...), { ... }
  local body = n == 0 and fn or function(c) return fn(c, unpack(args, 1, n)) end
  C.sdb_txn_start(self._cl, 1)
  return run_txn(self, id, body)
end

local function call_hook(name, ctx)
  local f = rawget(_G, name)
  if type(f) ~= "function" then return true end
  local ok, err = xpcall(f, traceback, ctx)
  return ok, err
end

local function terminal_main(ctx, kind, fn_name)
  local ok, err = call_hook("client_init", ctx)
  if not ok then return "client_init failed: " .. err end
  C.sdb_barrier(ctx._cl)
  yield()
  local cl = ctx._cl
  if kind == "background" then
    local f = rawget(_G, fn_name)
    ok, err = xpcall(f, traceback, ctx)
    if not ok then return fn_name .. " failed: " .. err end
  else
    while true do
      local idx = C.sdb_next(cl)
      if idx == -2 then
        yield()
      elseif idx < 0 then
        break
      else
        if KEYING[idx + 1] > 0 and C.sdb_scheduled(cl) == 0 then
          ctx:sleep(KEYING[idx + 1])  -- keying time: the terminal's input, before the measured start
          if ctx:stopping() then break end
          C.sdb_txn_start(cl, 1)
        end
        run_txn(ctx, idx, MIX[idx + 1])
        if ctx._think > 0 then
          local ms = ctx._think
          ctx._think = 0
          ctx:sleep(ms)
        end
      end
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
    out[#out + 1] = (c.ok and "1" or "0") .. "\t" .. clean(c.name) .. "\t" .. clean(c.detail)
  end
  return table.concat(out, "\n")
end

-- Body of every client coroutine; returns (error message or nil, hook result or nil).
function M._client_main(kind, clp, id, fn_name, args)
  local cl = ffi.cast("sdb_client*", clp)
  local stream = kind == "terminal" and id or (kind == "part" and 1e5 + id or (kind == "hook" and 2e5 or 3e5 + id))
  local ctx = new_ctx(cl, id, kind, stream)
  local t = C.sdb_now_us()
  local ok, err = pcall(ctx.db.connect, ctx.db)
  if not ok then return "could not connect: " .. message_of(err) end
  if kind == "terminal" then C.sdb_connected(cl, C.sdb_now_us() - t) end
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

-- Loads the workload script into this state. conf: thread_id, threads, clients, seed, max_tries,
-- loaders, phase, options (Lua chunk text), mix_names (array).
function M._boot(conf, script)
  for k, v in pairs(conf) do cfg[k] = v end
  cfg.opt = conf.options and assert(loadstring(conf.options))() or {}
  M._options = cfg.opt
  local chunk, err = loadfile(script)
  if not chunk then error(err, 0) end
  chunk()
  if not rawget(_G, "client_init") then client_init = rawget(_G, "thread_init") end
  if not rawget(_G, "client_done") then client_done = rawget(_G, "thread_done") end
  local w = rawget(_G, "workload")
  local keying = type(w) == "table" and w.keying or nil
  if type(keying) == "function" then keying = keying(cfg.opt) end
  for i, name in ipairs(cfg.mix_names or {}) do
    MIX[i] = rawget(_G, name)
    KEYING[i] = type(keying) == "table" and tonumber(keying[name]) or 0
  end
end

function M.now() return C.sdb_now_us() end

-- Normalised description of the loaded workload for the engine (names sorted, mix resolved
-- against the options when it is a function). Raises an error naming what is malformed.
function M._describe(script)
  local w = rawget(_G, "workload")
  if w ~= nil and type(w) ~= "table" then error(script .. ": 'workload' must be a table", 0) end
  w = w or {}
  local selection = w.selection
  if type(selection) == "function" then selection = selection(cfg.opt) end
  local d = { name = w.name or script:match("([^/]+)%.lua$") or script, description = w.description or "",
    selection = selection or "random", options = {}, mix = {}, background = {}, hooks = {} }
  if d.selection ~= "random" and d.selection ~= "deck" then
    error(script .. ": workload.selection must be \"random\" or \"deck\", not \"" .. tostring(d.selection) .. "\"", 0)
  end
  for name, o in pairs(w.options or {}) do
    if type(o) ~= "table" then o = { default = o } end
    local t = type(o.default)
    if t ~= "number" and t ~= "string" and t ~= "boolean" then
      error(script .. ": option '" .. name .. "' needs a default that is a number, string or boolean", 0)
    end
    d.options[#d.options + 1] = { name = name, type = t, default = tostring(o.default), help = o.help or "",
      choices = o.choices and table.concat(o.choices, "|") or "" }
  end
  table.sort(d.options, function(a, b) return a.name < b.name end)
  local mix = w.mix
  if type(mix) == "function" then mix = mix(cfg.opt) end
  if mix == nil then
    if type(rawget(_G, "event")) ~= "function" then
      error(script .. ": define workload.mix = { name = weight, ... } or a global function event(ctx)", 0)
    end
    mix = { event = 1 }
  end
  if type(mix) ~= "table" then error(script .. ": workload.mix must be a table of name = weight", 0) end
  for name, weight in pairs(mix) do
    if type(weight) ~= "number" or weight < 0 then
      error(script .. ": workload.mix weight of '" .. tostring(name) .. "' must be a number >= 0", 0)
    end
    if type(rawget(_G, name)) ~= "function" then
      error(script .. ": workload.mix names '" .. tostring(name) .. "' but no global function " .. tostring(name) .. "(ctx) is defined", 0)
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
