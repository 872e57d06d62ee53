-- Pipeline mode for ctx.db (libpq pipeline mode, pgbench's \startpipeline): statements queued on a
-- pipeline object are sent together when it runs and their results come back in order. Installed
-- into the db class by lua/stormdb_db.lua; the C side is engine/pg/pipeline.cpp.
local ffi = require("ffi")
local C = ffi.C
local yield = coroutine.yield
local select, type, setmetatable, error = select, type, setmetatable, error

local SYNC = "sync"

-- h: the helpers of stormdb_db.lua (see its install call).
return function(DB, h)
  local arg_error, check_type, error_of = h.arg_error, h.check_type, h.error_of
  local cell, named_row, column_names = h.cell, h.named_row, h.column_names

  -- While a pipeline is open (db:pipeline() called, p:run() not yet), the db's methods are
  -- refused: a statement sent on the side would run before the queued ones, and a COMMIT would
  -- end a transaction the queued statements belong to.
  local OpenDB = {}
  OpenDB.__index = function(_, k)
    local m = DB[k]
    -- in_transaction and the prelude's own _methods (reconnects, cleanup) stay available
    if k == "in_transaction" or type(m) ~= "function" or k:sub(1, 1) == "_" then return m end
    if k == "pipeline" then
      arg_error("db:pipeline: a pipeline is already open on this connection; pipelines do not nest: run it " ..
        "with p:run() before starting another")
    end
    local hint = (k == "commit" or k == "rollback" or k == "begin")
      and string.format("queue it with p:exec(\"%s\")", k == "begin" and "BEGIN" or k:upper())
      or "queue the statement on the pipeline (p:exec, p:query, p:row, p:value)"
    arg_error(string.format("db:%s: a pipeline is open on this connection; %s or run the pipeline (p:run()) first",
      k, hint))
  end

  local Pipe = {}
  Pipe.__index = Pipe

  -- arr (a cdata array of ctype with cap elements) with room for need elements: arr itself, or a
  -- copy twice as large (or need) when it is too small; returns the array and its capacity.
  local function room(arr, cap, need, ctype)
    if need <= cap then return arr, cap end
    local bigger = math.max(need, 2 * cap)
    local a = ffi.new(ctype .. "[?]", bigger)
    ffi.copy(a, arr, ffi.sizeof(ctype) * cap)
    return a, bigger
  end

  -- Binds the values of one statement at p.params[base..]. Strings are anchored in p.anchor until
  -- the pipeline runs, since the cdata keeps only their address (bind anchors the text of 64-bit
  -- integers over them).
  local function bind_at(p, base, method, ...)
    local n = select("#", ...)
    p.entries, p.entry_cap = room(p.entries, p.entry_cap, p.n + 1, "sdb_pipe_stmt")
    p.params, p.param_cap = room(p.params, p.param_cap, base + n, "sdb_param")
    local anchor = p.anchor
    for i = 1, n do anchor[base + i] = (select(i, ...)) end
    return h.bind(p.params, base, anchor, method, ...)
  end

  local function closed(method)
    arg_error(method .. ": this pipeline was already run; start another with db:pipeline()")
  end

  -- Queues one statement; kind is how its result is read (the db method of the same name).
  local function queue(p, kind, method, stmt, ...)
    if not p.open then closed(method) end
    if type(stmt) ~= "string" then check_type(method, 1, "SQL or prepared statement name", stmt, "string") end
    local db = p.db
    local idx = db.stmts[stmt]
    if not idx then
      if not stmt:find("[^%w_]") and not h.SQL_WORDS[stmt:upper()] then h.unknown_statement(db, method, stmt) end
      idx = -1
    end
    local n = bind_at(p, p.np, method, ...)
    local i = p.n
    local e = p.entries[i]
    e.stmt = idx
    e.sql = idx < 0 and stmt or nil
    e.nparams = n
    p.n, p.np, p.count = i + 1, p.np + n, p.count + 1
    p.kinds[i + 1], p.names[i + 1], p.slots[i + 1] = kind, stmt, idx
    return p
  end

  function Pipe:exec(stmt, ...) return queue(self, "exec", "p:exec", stmt, ...) end
  function Pipe:query(stmt, ...) return queue(self, "query", "p:query", stmt, ...) end
  function Pipe:row(stmt, ...) return queue(self, "row", "p:row", stmt, ...) end
  function Pipe:value(stmt, ...) return queue(self, "value", "p:value", stmt, ...) end

  -- A sync point (pgbench's \syncpipeline): the statements before it end their implicit
  -- transaction there, and an error before it does not abort the statements after it.
  function Pipe:sync()
    if not self.open then closed("p:sync") end
    self.entries, self.entry_cap = room(self.entries, self.entry_cap, self.n + 1, "sdb_pipe_stmt")
    local e = self.entries[self.n]
    e.stmt, e.sql, e.nparams = -2, nil, 0
    self.n = self.n + 1
    self.kinds[self.n], self.names[self.n], self.slots[self.n] = SYNC, SYNC, -2
    return self
  end

  -- Number of statements queued so far (sync points not counted).
  function Pipe:size() return self.count end

  local READ = {
    exec = function(conn) return C.sdb_res_affected(conn) end,
    query = function(conn)
      local nt, nf = C.sdb_res_ntuples(conn), C.sdb_res_nfields(conn)
      local names, rows = column_names(conn, nf), {}
      for r = 0, nt - 1 do rows[r + 1] = named_row(conn, r, nf, names) end
      return rows
    end,
    row = function(conn)
      if C.sdb_res_ntuples(conn) == 0 then return nil end
      local nf = C.sdb_res_nfields(conn)
      return named_row(conn, 0, nf, column_names(conn, nf))
    end,
    value = function(conn)
      if C.sdb_res_ntuples(conn) == 0 or C.sdb_res_nfields(conn) == 0 then return nil end
      return cell(conn, 0, 0)
    end,
  }

  -- Raises the SQL error value of a failed pipeline: the server's error of the first statement
  -- that failed (or the lost connection), with the statement's number (1-based, sync points not
  -- counted) and name or SQL, the pipeline's size and how many statements were aborted.
  local function raise_failed(p, conn)
    local failed = C.sdb_pipe_failed(conn)
    if failed < 0 then failed = 0 end
    local e = error_of(conn)
    local k = 0
    for i = 1, math.min(failed + 1, p.n) do
      if p.kinds[i] ~= SYNC then k = k + 1 end
    end
    local name = p.names[failed + 1] or ""
    if #name > 60 then name = name:sub(1, 57) .. "..." end  -- SQL text, shortened for the message
    e.statement, e.statement_name = math.max(k, 1), name
    e.statements, e.aborted = p.count, C.sdb_pipe_aborted(conn)
    error(e, 0)
  end

  -- A db whose named statements are used lazily (pooled, or -M extended): points the entries of
  -- named statements at what this connection runs, preparing (-M prepared) the ones it lacks
  -- first, since nothing can be prepared once the pipeline is under way.
  local function resolve_lazy(p, db, conn)
    if db.mode == "simple" then
      arg_error("p:run: pipeline mode needs -M extended or -M prepared (the simple query protocol cannot be " ..
        "pipelined, as in pgbench)")
    end
    for i = 1, p.n do
      local slot = p.slots[i]
      if slot >= 0 then
        local e, s = p.entries[i - 1], h.lazy_stmts[slot + 1]
        if db.mode == "extended" then
          e.stmt, e.sql = -1, s.sql
        elseif C.sdb_stmt_ready(conn, slot) == 0 then
          if C.sdb_send_prepare_at(conn, slot, s.name, s.sql) < 0 or yield() < 0 then error(error_of(conn), 0) end
        end
      end
    end
  end

  -- Sends the entries on conn and waits for them; raises the pipeline's error.
  local function send_all(p, conn)
    if C.sdb_pipe_run(conn, p.n, p.entries, p.params) < 0 or yield() < 0 then raise_failed(p, conn) end
  end

  -- A lazy db's pipeline: on the connection the client holds, or one it borrows and keeps for the
  -- whole pipeline (pin), given back afterwards unless a transaction is open on it.
  local function run_lazy(p, db)
    local conn = db.conn or h.borrow(db)
    db.pin = db.pin + 1
    local ok, err = pcall(function()
      resolve_lazy(p, db, conn)
      send_all(p, conn)
    end)
    db.pin = db.pin - 1
    if not ok then
      h.settle(db, conn)
      error(err, 0)
    end
    return conn
  end

  -- Sends the queued statements in pipeline mode and returns their results in order (results[i]
  -- is what db:<method> would return for the i-th statement; results.n the count, since a nil
  -- from p:row or p:value leaves a hole). Raises a SQL error value (see raise_failed).
  function Pipe:run()
    if not self.open then closed("p:run") end
    local db = self.db
    self.open = false
    db._pipe_open = false
    setmetatable(db, DB)
    local n, results = self.n, { n = self.count }
    if self.count == 0 then return results end
    local conn = db.conn
    if db.lazy then
      conn = run_lazy(self, db)
    else
      send_all(self, conn)
    end
    local kinds, k = self.kinds, 0
    for i = 1, n do
      local kind = kinds[i]
      if kind ~= SYNC then
        k = k + 1
        C.sdb_pipe_result(conn, i - 1)
        results[k] = READ[kind](conn)
      end
    end
    for i = 1, self.np do self.anchor[i] = nil end
    if db.lazy then h.settle(db, conn) end
    return results
  end

  -- Starts a pipeline on this connection and returns it (one pipeline object per connection,
  -- reused: a pipeline is open from here to its p:run()).
  function DB:pipeline()
    local p = self._pipe
    if not p then
      p = setmetatable({ db = self, entry_cap = 16, param_cap = 64, kinds = {}, names = {}, slots = {},
        anchor = {} }, Pipe)
      p.entries, p.params = ffi.new("sdb_pipe_stmt[?]", 16), ffi.new("sdb_param[?]", 64)
      self._pipe = p
    end
    p.open, p.n, p.np, p.count = true, 0, 0, 0
    self._pipe_open = true
    setmetatable(self, OpenDB)
    return p
  end

  -- For the client loop: ends a pipeline the transaction left open (queued statements are never
  -- sent) and returns the outcome to record: a script error when the function otherwise returned
  -- normally.
  function DB._close_pipeline(db, ok, err)
    db._pipe.open = false
    db._pipe_open = false
    setmetatable(db, DB)
    if ok then
      return false, "a pipeline was started (db:pipeline()) but never run (p:run()); its statements were not sent"
    end
    return ok, err
  end
end
