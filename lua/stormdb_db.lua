-- The db half of the script API: SQL error values, the connection object (queries, prepared
-- statements, transactions) and COPY writers, over the FFI surface. Loaded by lua/stormdb.lua.
local ffi = require("ffi")
local C = ffi.C
local yield = coroutine.yield
local select, type, tostring, error = select, type, tostring, error
local fstring = ffi.string

local M = {}

-- ---- errors -----------------------------------------------------------------------------------

local SQLError = {}
SQLError.__index = SQLError
SQLError.__tostring = function(e)
  local code = e.sqlstate ~= "" and ("SQLSTATE " .. e.sqlstate .. (e.name ~= "" and (" " .. e.name) or ""))
    or "connection lost"
  local s = string.format("%s%s%s (%s)", e.where and (e.where .. ": ") or "", e.statement and
    string.format("pipeline statement %d of %d (%s): ", e.statement, e.statements, e.statement_name) or "", e.message, code)
  if e.aborted and e.aborted > 0 then s = s .. string.format("; %d later statement(s) of the pipeline aborted", e.aborted) end
  if e.detail ~= "" then s = s .. "\nDETAIL: " .. e.detail end
  if e.hint ~= "" then s = s .. "\nHINT: " .. e.hint end
  return s
end

function M.is_error(v) return getmetatable(v) == SQLError end

-- Level of the first stack frame outside stormdb's own Lua files, counted from the function that
-- calls this one (1 = that function): the script's call into the db. nil when there is none.
local function script_level()
  for level = 2, 24 do
    local info = debug.getinfo(level + 1, "S")
    if not info then return nil end
    if info.what ~= "C" and not info.short_src:match("^stormdb/stormdb[%w_]*%.lua$") then return level end
  end
  return nil
end

-- file:line of the script's call into the db.
local function script_where()
  local level = script_level()
  if not level then return nil end
  local info = debug.getinfo(level, "Sl")
  return info.short_src .. ":" .. (info.currentline or 0)
end

-- Raises msg as a Lua error positioned at the script's line (not inside stormdb's files), so the
-- message and the script error counted for it point at the call to fix.
local function arg_error(msg)
  error(msg, script_level() or 1)
end

local int64_t, uint64_t = ffi.typeof("int64_t"), ffi.typeof("uint64_t")

-- A boxed 64-bit integer as decimal text (tostring gives "123LL"), or nil for any other value.
local function int64_text(v)
  if type(v) ~= "cdata" or not (ffi.istype(int64_t, v) or ffi.istype(uint64_t, v)) then return nil end
  return (tostring(v):gsub("[LU]+$", ""))
end

-- Raises the error for a value that cannot be sent: value i of method is a table, function...
local function value_error(method, i, v)
  local which = method == "writer:row" and "value %d" or "parameter $%d"
  arg_error(string.format("%s: " .. which .. " is a %s; values must be numbers, strings, booleans, nil (NULL) " ..
    "or 64-bit integer cdata", method, i, type(v)))
end

-- Raises unless v has Lua type want: argument i (what) of method, e.g. ("db:exec", 1, "sql", nil, "string").
local function check_type(method, i, what, v, want)
  if type(v) ~= want then
    arg_error(string.format("%s: argument %d (%s) must be a %s, got %s", method, i, what, want, type(v)))
  end
end

-- The SQL error value of a connection's last failed request.
local function error_of(conn)
  local e = setmetatable({
    sqlstate = fstring(C.sdb_err_sqlstate(conn)),
    message = fstring(C.sdb_err_message(conn)),
    detail = fstring(C.sdb_err_detail(conn)),
    hint = fstring(C.sdb_err_hint(conn)),
  }, SQLError)
  e.class = fstring(C.sdb_sqlstate_class(e.sqlstate))
  e.name = fstring(C.sdb_sqlstate_name(e.sqlstate))
  e.where = script_where()
  return e
end

local function raise(conn)
  error(error_of(conn), 0)
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

-- Statements named by db:prepare when they are prepared lazily (pooled clients, -M simple or
-- extended): one table per Lua state (thread), so that the number of a statement is the same on
-- every connection of the thread. slot (0-based, the C side's number) -> { name =, sql = }.
local lazy_stmts, lazy_slot = {}, {}

-- The slot of (name, sql); a name prepared again with other SQL gets a slot of its own, under a
-- server-side name of its own. The entry's `checked` is "pending" while its SQL is being prepared
-- on one of the thread's pool connections (check_on_pool), true once it was.
local function lazy_register(name, sql)
  local key = name .. "\0" .. sql
  local slot = lazy_slot[key]
  if slot then return slot end
  slot = #lazy_stmts
  local taken = false
  for _, s in pairs(lazy_stmts) do if s.name == name then taken = true end end
  lazy_stmts[slot + 1] = { name = taken and (name .. "_" .. slot) or name, sql = sql }
  lazy_slot[key] = slot
  return slot
end

-- conn: the client's own connection, or nil for a pooled client (it borrows one per transaction:
-- cl is its sdb_client). mode: the run's query mode (-M) for named statements.
local function new_db(conn, cl, mode)
  local pooled = cl ~= nil and C.sdb_pooled(cl) ~= 0
  if pooled then conn = nil end  -- Lua nil, not a NULL pointer (which is true in `self.conn or ...`)
  return setmetatable({ conn = conn, stmts = {}, stmt_list = {}, params = ffi.new("sdb_param[?]", 8), param_cap = 8,
    anchor = {}, cell = ffi.new("sdb_cell"), cl = cl, pooled = pooled, pin = 0, mode = mode or "prepared",
    lazy = pooled or (mode ~= nil and mode ~= "prepared") }, DB)
end

-- The db's parameter array with room for n values. It starts small and grows up to MAX_PARAMS
-- (bind rejects more): MAX_PARAMS slots per client were ~6 KB of zeroed pages each at start-up.
local function params_for(self, n)
  if n <= self.param_cap then return self.params end
  local cap = math.min(math.max(n, self.param_cap * 2), MAX_PARAMS)
  self.params, self.param_cap = ffi.new("sdb_param[?]", cap), cap
  return self.params
end

-- Binds the values into p[base..] (a sdb_param array); the text of a 64-bit integer is anchored in
-- anchor[base + i] until the request is sent.
local function bind(p, base, anchor, method, ...)
  local n = select("#", ...)
  if n > MAX_PARAMS then
    arg_error(string.format("%s: %d parameters, at most %d are allowed", method, n, MAX_PARAMS))
  end
  for i = 1, n do
    local v = select(i, ...)
    local slot = p[base + i - 1]
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
      local s = int64_text(v) or value_error(method, i, v)
      anchor[base + i] = s
      slot.kind = 2; slot.str = s; slot.len = #s
    end
  end
  return n
end

-- Suspends the client until its request is done; the engine resumes it with the request's status.
local function wait(conn)
  if yield() < 0 then raise(conn) end
end

-- One-word strings that are SQL statements on their own; any other one-word string passed as a
-- statement is taken for the name of a prepared statement (a typo must not become a syntax error).
local SQL_WORDS = { BEGIN = true, COMMIT = true, ROLLBACK = true, END = true, ABORT = true, START = true,
  CHECKPOINT = true, VACUUM = true, ANALYZE = true, ANALYSE = true, CLUSTER = true, SELECT = true,
  DISCARD = true, RESET = true, SHOW = true, REINDEX = true, LISTEN = true, UNLISTEN = true, [""] = true }

-- Raises the argument error for a one-word statement that names no prepared statement, with the
-- closest prepared name when there is one.
local function unknown_statement(self, method, name)
  local best, best_d
  for known in pairs(self.stmts) do
    local d = 0
    for i = 1, math.max(#known, #name) do
      if known:sub(i, i) ~= name:sub(i, i) then d = d + 1 end
    end
    if not best_d or d < best_d then best, best_d = known, d end
  end
  arg_error(string.format("%s: no prepared statement named '%s' on this connection (db:prepare it first, in " ..
    "client_init)%s", method, name, best and best_d <= math.max(2, #name / 3) and
    string.format("; did you mean '%s'?", best) or ""))
end

-- A pooled client's connection for its next statement: the one it holds, else a free one of its
-- thread's pool, else it waits in the queue (yields) until one is handed to it.
local function borrow(self)
  local cl = self.cl
  local conn = C.sdb_borrow(cl)
  if conn == nil then
    yield()
    conn = C.sdb_client_conn(cl)
  end
  self.conn = conn
  return conn
end

-- A pooled client gives its connection back once no transaction is open on it (nor while it is
-- being set up: pin > 0). A lost connection (status 3) stays with the client, which reconnects it.
local function settle(self, conn)
  if self.pooled and self.pin == 0 and C.sdb_txn_status(conn) == 0 then
    C.sdb_give_back(self.cl)
    self.conn = nil
  end
end

-- Waits for the request on a lazily used connection, settles it, then raises the request's error.
local function wait_settle(self, conn, rc)
  local status = rc
  if rc >= 0 then status = yield() end
  local err = status < 0 and error_of(conn) or nil  -- before the connection may change hands
  settle(self, conn)
  if err then error(err, 0) end
end

-- Sends named statement slot as the run's query mode says: prepared (prepared on this connection
-- first if it is not yet), extended (unnamed) or simple (values inlined as quoted literals).
local function send_named(self, conn, slot, n)
  local s = lazy_stmts[slot + 1]
  local mode = self.mode
  if mode == "prepared" then
    if C.sdb_stmt_ready(conn, slot) == 0 then
      local rc = C.sdb_send_prepare_at(conn, slot, s.name, s.sql)
      if rc < 0 then raise(conn) end
      if yield() < 0 then raise(conn) end
    end
    return C.sdb_send_prepared(conn, slot, n, self.params)
  elseif mode == "extended" then
    return C.sdb_send_params(conn, s.sql, n, self.params)
  end
  return C.sdb_send_literal(conn, s.sql, n, self.params)
end

-- send() for pooled clients and the -M modes other than prepared: returns the connection used.
local function send_lazy(self, method, stmt, ...)
  local n = bind(params_for(self, select("#", ...)), 0, self.anchor, method, ...)
  local slot = self.stmts[stmt]
  if not slot and not stmt:find("[^%w_]") and not SQL_WORDS[stmt:upper()] then unknown_statement(self, method, stmt) end
  local conn = self.conn or borrow(self)
  self.pin = self.pin + 1  -- a lazy prepare and its statement go on one connection
  local ok, rc = pcall(function()
    if slot then return send_named(self, conn, slot, n) end
    if n == 0 then return C.sdb_send_query(conn, stmt) end
    return C.sdb_send_params(conn, stmt, n, self.params)
  end)
  self.pin = self.pin - 1
  if not ok then
    settle(self, conn)
    error(rc, 0)
  end
  wait_settle(self, conn, rc)
  return conn
end

-- Sends a statement. method names the db method for argument errors (a constant: no allocation
-- per call). Returns the connection the statement runs on, whose result is read before the next
-- db call, and true when the request is done already (the lazy path waits itself); else the
-- caller waits. The db methods below tail-call a fixed-arity function that waits: a vararg
-- frame below the yield would keep LuaJIT from compiling anything after it ("NYI: return to
-- lower frame" when the vararg function returns), so the transaction loop ran interpreted.
local function send(self, method, stmt, ...)
  if type(stmt) ~= "string" then check_type(method, 1, "SQL or prepared statement name", stmt, "string") end
  local conn = self.conn
  if self.lazy then return send_lazy(self, method, stmt, ...), true end
  local n = bind(params_for(self, select("#", ...)), 0, self.anchor, method, ...)
  local idx = self.stmts[stmt]
  local rc
  -- SQL_WORDS[stmt] first: BEGIN and COMMIT as db:begin/db:commit send them skip the pattern
  -- (LuaJIT does not compile string.find with a pattern, and upper() makes a string per call).
  if idx then
    rc = C.sdb_send_prepared(conn, idx, n, self.params)
  elseif not SQL_WORDS[stmt] and not stmt:find("[^%w_]") and not SQL_WORDS[stmt:upper()] then
    unknown_statement(self, method, stmt)
  elseif n == 0 then
    rc = C.sdb_send_query(conn, stmt)
  else
    rc = C.sdb_send_params(conn, stmt, n, self.params)
  end
  if rc < 0 then raise(conn) end
  return conn, false
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

local function exec_result(self, conn, done)
  if not done then wait(conn) end
  return C.sdb_res_affected(conn)
end

function DB:exec(stmt, ...)
  return exec_result(self, send(self, "db:exec", stmt, ...))
end

local function query_result(self, conn, done)
  if not done then wait(conn) end
  local nt, nf = C.sdb_res_ntuples(conn), C.sdb_res_nfields(conn)
  local names, rows = column_names(conn, nf), {}
  for r = 0, nt - 1 do rows[r + 1] = named_row(conn, r, nf, names) end
  return rows
end

function DB:query(stmt, ...)
  return query_result(self, send(self, "db:query", stmt, ...))
end

local function row_result(self, conn, done)
  if not done then wait(conn) end
  if C.sdb_res_ntuples(conn) == 0 then return nil end
  local nf = C.sdb_res_nfields(conn)
  return named_row(conn, 0, nf, column_names(conn, nf))
end

function DB:row(stmt, ...)
  return row_result(self, send(self, "db:row", stmt, ...))
end

local function value_result(self, conn, done)
  if not done then wait(conn) end
  local out = self.cell
  local k = C.sdb_res_value(conn, out)
  if k == 1 then return out.num end
  if k == 3 then return fstring(out.str, out.len) end
  if k == 2 then return out.num ~= 0 end
  return nil
end

function DB:value(stmt, ...)
  return value_result(self, send(self, "db:value", stmt, ...))
end

local function unpack_row(conn, col, nf)
  if col >= nf then return end
  return cell(conn, 0, col), unpack_row(conn, col + 1, nf)
end

local function values_result(self, conn, done)
  if not done then wait(conn) end
  if C.sdb_res_ntuples(conn) == 0 then return nil end
  return unpack_row(conn, 0, C.sdb_res_nfields(conn))
end

function DB:values(stmt, ...)
  return values_result(self, send(self, "db:values", stmt, ...))
end

local function prepare_on_server(self, name, sql)
  local idx = C.sdb_send_prepare(self.conn, name, sql)
  if idx < 0 then raise(self.conn) end
  wait(self.conn)
  return idx
end

-- A pooled client's db:prepare (-M prepared) prepares lazy statement slot on one connection of the
-- pool the first time its thread registers it, so that bad SQL fails db:prepare at the script's
-- line, as without a pool, not the first transaction that uses it. That connection keeps it
-- prepared; the others prepare it on first use (send_named). Raises the prepare's SQL error.
local function check_on_pool(self, slot)
  local s = lazy_stmts[slot + 1]
  local conn = self.conn or borrow(self)
  -- Nothing between the borrow and wait_settle can raise or give the connection back, so unlike
  -- send_lazy this needs no pin.
  if C.sdb_stmt_ready(conn, slot) == 0 then
    wait_settle(self, conn, C.sdb_send_prepare_at(conn, slot, s.name, s.sql))
  else
    settle(self, conn)
  end
  s.checked = true
end

function DB:prepare(name, sql)
  check_type("db:prepare", 1, "name", name, "string")
  check_type("db:prepare", 2, "sql", sql, "string")
  -- Lazily: on each connection the first time it runs there (pooled), or never (-M simple/extended).
  local idx
  if self.lazy then
    idx = lazy_register(name, sql)
    local s = lazy_stmts[idx + 1]
    if self.pooled and self.mode == "prepared" and not s.checked then
      -- Claimed before the check yields, so that the thread's other clients, whose client_init
      -- runs meanwhile, do not prepare it on another connection too. A failed check fails
      -- client_init, which ends the run.
      s.checked = "pending"
      check_on_pool(self, idx)
    end
  else
    idx = prepare_on_server(self, name, sql)
  end
  if not self.stmts[name] then self.stmt_list[#self.stmt_list + 1] = { name, sql } end
  self.stmts[name] = idx
end

function DB:begin(mode)
  if mode ~= nil then check_type("db:begin", 1, "mode", mode, "string") end
  return self:exec(mode and ("BEGIN " .. mode) or "BEGIN")
end
function DB:commit() return self:exec("COMMIT") end
function DB:rollback() return self:exec("ROLLBACK") end
function DB:in_transaction()
  if self.conn == nil then return false end  -- pooled, between transactions
  local s = C.sdb_txn_status(self.conn)
  return s == 1 or s == 2
end

-- Opens the connection (the engine's first connect and each reconnect attempt); raises a SQL
-- error value when it fails. Prepares nothing: on_connect runs first (see DB:connect).
function DB:_open()
  local conn = self.conn
  if C.sdb_connect(conn) < 0 then raise(conn) end
  yield()
  if C.sdb_conn_ok(conn) == 0 then raise(conn) end
end

-- Prepares again, on a new connection, every statement db:prepare made on the old one. Runs
-- after on_connect, so that session settings (search_path ...) apply to the statements.
function DB:_reprepare()
  if self.lazy then return end  -- prepared again on first use
  for _, s in ipairs(self.stmt_list) do self.stmts[s[1]] = prepare_on_server(self, s[1], s[2]) end
end

-- Connects again (after db:disconnect()): opens the connection, runs the script's on_connect
-- hook (self.on_connect, set by ctx), then re-prepares the statements. Raises a SQL error value
-- when the connection or a statement fails, and on_connect's error when it fails.
function DB:connect()
  self:_open()
  if self.on_connect then self.on_connect() end
  self:_reprepare()
end

function DB:disconnect() C.sdb_disconnect(self.conn) end

local Copy = {}
Copy.__index = Copy

function DB:copy(target)
  check_type("db:copy", 1, "target", target, "string")
  local conn, done = send(self, "db:copy", "COPY " .. target .. " FROM STDIN")  -- a pooled client holds it until finish
  if not done then wait(conn) end
  if C.sdb_res_status(conn) ~= 2 then arg_error("db:copy: COPY " .. target .. " did not start a COPY FROM STDIN") end
  return setmetatable({ conn = conn, rows = 0, db = self }, Copy)
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
      local s = int64_text(v) or value_error("writer:row", i, v)
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
  if self.db.lazy then
    wait_settle(self.db, conn, C.sdb_copy_finish(conn))
    return C.sdb_res_affected(conn)
  end
  if C.sdb_copy_finish(conn) < 0 then raise(conn) end
  wait(conn)
  return C.sdb_res_affected(conn)
end

-- A pooled client is done with its transaction: the connection goes back unless it is lost (the
-- caller reconnects it first) or a transaction is still open on it (the caller rolled it back).
function DB:_give_back()
  if self.pooled and self.conn ~= nil and self.pin == 0 and C.sdb_txn_status(self.conn) ~= 1 and
      C.sdb_txn_status(self.conn) ~= 2 then
    C.sdb_give_back(self.cl)
    self.conn = nil
  end
end

require("stormdb_pipeline")(DB, { arg_error = arg_error, check_type = check_type, error_of = error_of,
  cell = cell, named_row = named_row, column_names = column_names, bind = bind, unknown_statement = unknown_statement,
  SQL_WORDS = SQL_WORDS, MAX_PARAMS = MAX_PARAMS, borrow = borrow, settle = settle, lazy_stmts = lazy_stmts })

M.new_db = new_db
M.raise = raise   -- the SQL error of a connection's last request (stormdb_plugin.lua)
M.check_type = check_type
M.is_connection_loss = is_connection_loss
M.message_of = message_of
M.traceback = traceback
return M
