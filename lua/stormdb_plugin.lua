-- stormdb.plugin(name): a native plugin's script functions through LuaJIT FFI, and its COPY row
-- generators. Loaded by lua/stormdb.lua; the C side is engine/plugin/ (docs/plugins.md).
local ffi = require("ffi")
local C = ffi.C
-- The sdb_plugin_* declarations (engine/plugin/plugin_ffi.h), after the engine's own.
ffi.cdef("const char *sdb_plugin_ffi(void);")
ffi.cdef(ffi.string(C.sdb_plugin_ffi()))
-- engine/run/client_driver.h: the worker hands a client's results to a native driver.
ffi.cdef("void sdb_client_drive(sdb_client *cl, int32_t (*fn)(void *arg), void *arg);")
local drive, mix_drive = C.sdb_plugin_drive, C.sdb_plugin_mix_drive
local fstring = ffi.string
-- Captured at load time: the prelude later guards coroutine.yield against scripts.
local yield = coroutine.yield
local db_raise = require("stormdb_db").raise

local M = {}
local Plugin = {}
Plugin.__index = Plugin
local opened = {}   -- name -> { ns, plugin } in this Lua state (one instance per worker thread)
-- The functions plugin:txn made -> { handle, type, client_of, finish }, for M.native_mix.
local native_types = setmetatable({}, { __mode = "k" })

-- The values ... as an sdb_param array (numbers and strings; nil is NULL), its length, and a
-- table that keeps the strings alive while the array is in use.
local function params(what, ...)
  local n = select("#", ...)
  local args = ffi.new("sdb_param[?]", n + 1)
  local keep = { ... }
  for i = 1, n do
    local v = keep[i]
    if type(v) == "number" then
      args[i - 1].kind, args[i - 1].num = 1, v
    elseif type(v) == "string" then
      args[i - 1].kind, args[i - 1].str, args[i - 1].len = 2, v, #v
    elseif v ~= nil then
      error(what .. ": arguments for the plugin are numbers or strings, not " .. type(v), 3)
    end
  end
  return args, n, keep
end

local function script_dir(script)
  return script and script:match("^(.*)/[^/]*$") or "."
end

-- stormdb.plugin(name [, {optional = true}]) -> FFI namespace, plugin object.
-- The namespace holds the functions the plugin declared in its cdef. With optional, a plugin
-- that is not found returns nil (a file that is found but is not a valid plugin still raises).
-- Raises "plugin <file>: <mismatch>" for a file that is not a plugin, has another ABI, or
-- lacks a declared function; the engine reports that as bad input (exit 2).
function M.open(name, opts, script, worker)
  if type(name) ~= "string" then error("stormdb.plugin: name must be a string", 3) end
  local hit = opened[name]
  if hit then return hit[1], hit[2] end
  local optional = type(opts) == "table" and opts.optional and 1 or 0
  local h = C.sdb_plugin_open(name, script_dir(script), worker or -1, optional)
  if h == nil then
    local why = fstring(C.sdb_plugin_error())
    if why == "" then return nil end
    error("stormdb.plugin: " .. why, 3)
  end
  h = ffi.gc(h, C.sdb_plugin_close)
  local path = fstring(C.sdb_plugin_path(h))
  local cdef = fstring(C.sdb_plugin_cdef(h))
  local ns
  if cdef ~= "" then
    ffi.cdef(cdef)
    ns = ffi.load(path)  -- dlopen of a loaded file: the same library, the same globals
  end
  local p = setmetatable({ handle = h, path = path, name = name, gens = {} }, Plugin)
  opened[name] = { ns, p }
  return ns, p
end

-- plugin:copy(db, generator, seed, stream, first, last, ...) -> rows written.
-- One COPY of keys first..last by C generator `generator` into db's connection, drawing from
-- the engine stream (seed, stream); the extra numbers go to the generator as args.
function Plugin:copy(db, gen_name, seed, stream, first, last, ...)
  local gen = self.gens[gen_name]
  if not gen then
    gen = C.sdb_plugin_generator(self.handle, gen_name)
    if gen < 0 then error("plugin " .. self.name .. ": no COPY generator '" .. tostring(gen_name) .. "'", 2) end
    self.gens[gen_name] = gen
  end
  local args, n, keep = params("plugin:copy", ...)
  local rng = ffi.new("sdb_rng")
  C.sdb_rng_seed(rng, seed, stream)
  local state = ffi.new("uint8_t[?]", C.sdb_plugin_state_size(self.handle, gen) + 1)
  local cp = db:copy(fstring(C.sdb_plugin_target(self.handle, gen)))
  local conn = cp.conn
  local key = first
  while key <= last do
    key = C.sdb_plugin_generate(self.handle, gen, conn, rng, state, key, last, args, n)
    if key < 0 then error(fstring(C.sdb_plugin_error()), 2) end
    if key <= last and yield() < 0 then
      error("plugin " .. self.name .. ": COPY failed: " .. fstring(C.sdb_err_message(conn)), 2)
    end
  end
  local rows = cp:finish()
  keep = nil
  return rows
end

-- plugin:txn(name [, args_fn]) -> function(ctx): C transaction type `name` as a mix entry, e.g.
--   native_insert = plugin:txn("native_insert")   -- with workload.mix = { native_insert = 1, ... }
-- args_fn(ctx), when given, returns the values (numbers, strings) handed to the type's
-- client_init on the client's first use (after client_init of the script).
-- The client loop picks, times, retries and records it like a Lua transaction. The type's
-- statements are prepared on the client's connection on first use (and after reconnects, as
-- any db:prepare). The C steps run from the worker's event loop as the results arrive; the
-- coroutine yields once per transaction. A failed outcome raises the connection's SQL error.
function Plugin:txn(name, args_fn)
  local t = C.sdb_plugin_txn_type(self.handle, name)
  if t < 0 then error("plugin " .. self.name .. ": no transaction type '" .. tostring(name) .. "'", 2) end
  local h, pname = self.handle, self.name
  local nstmt = C.sdb_plugin_txn_statements(h, t)
  local stmt_names, stmt_sql = {}, {}
  for i = 0, nstmt - 1 do
    stmt_names[i] = name .. "_" .. i
    stmt_sql[i] = fstring(C.sdb_plugin_txn_sql(h, t, i))
  end
  local clients = setmetatable({}, { __mode = "k" })   -- ctx -> { state, stmts }
  local outcome = ffi.new("int32_t[1]")
  local function setup(ctx)
    -- The C steps send on the client's own connection by statement index: a pooled client has
    -- none between transactions, and -M simple/extended prepares nothing.
    if ctx.db.lazy then
      error("plugin " .. pname .. ": transaction " .. name .. " needs a connection of the client's own with its " ..
        "statements prepared: it cannot run with --connections (a pool) nor -M simple/extended yet", 0)
    end
    for i = 0, nstmt - 1 do ctx.db:prepare(stmt_names[i], stmt_sql[i]) end
    local args, n, keep = params("plugin:txn", (args_fn or function() end)(ctx))
    local state = C.sdb_plugin_txn_init(h, t, ctx._cl, args, n)   -- released with the instance
    keep = nil
    local c = { state = state, stmts = ffi.new("int32_t[?]", nstmt + 1) }
    clients[ctx] = c
    return c
  end
  -- The client's state and statement indexes (indexes change on reconnect).
  local function client_of(ctx)
    local c = clients[ctx] or setup(ctx)
    local db_stmts, stmts = ctx.db.stmts, c.stmts
    for i = 0, nstmt - 1 do stmts[i] = db_stmts[stmt_names[i]] end
    return c
  end
  -- The end of a transaction with outcome o, as the script sees it.
  local function finish(ctx, o)
    if o == C.SDB_ROLLED_BACK then return ctx:rollback_by_design() end
    if o ~= C.SDB_COMMITTED then
      local conn = ctx.db.conn
      if fstring(C.sdb_err_message(conn)) ~= "" then db_raise(conn) end
      error("plugin " .. pname .. ": transaction " .. name .. " failed", 0)
    end
  end
  local fn = function(ctx)
    local c = client_of(ctx)
    local cl = ctx._cl
    local d = C.sdb_plugin_txn_start(h, t, c.state, cl, ctx.db.conn, c.stmts, ctx.rand.rng, outcome)
    local o = outcome[0]
    if d ~= nil then   -- the C steps run from the worker's loop; one resume when it is done
      C.sdb_client_drive(cl, drive, d)
      yield()
      o = C.sdb_plugin_drive_outcome(d)
    end
    return finish(ctx, o)
  end
  native_types[fn] = { handle = h, type = t, client_of = client_of, finish = finish }
  return fn
end

-- The runner of a terminal whose whole mix (mix: index -> transaction function) is C types of
-- plugin:txn, without keying times; nil otherwise. runner(ctx) runs and records transactions in C
-- (sdb_plugin_mix_drive, from the worker's loop, with no coroutine resume per transaction) and
-- returns -1 when the run ended, or the mix index and first try of a transaction whose end needs
-- the Lua client loop (a failure to classify, retry or reconnect after): that function re-raises
-- its outcome.
function M.native_mix(ctx, mix, keying)
  local n = #mix
  if n == 0 or ctx.db.lazy then return nil end
  for i = 1, n do
    if not native_types[mix[i]] or keying[i] > 0 then return nil end
  end
  local cl = ctx._cl
  local m = ffi.gc(C.sdb_plugin_mix_new(cl, ctx.rand.rng, n), C.sdb_plugin_mix_free)
  local outcome = ffi.new("int32_t[1]")
  return function(ctx)
    for i = 1, n do
      local e = native_types[mix[i]]
      local c = e.client_of(ctx)
      C.sdb_plugin_mix_set(m, i - 1, e.handle, e.type, c.state, c.stmts)
    end
    if C.sdb_plugin_mix_drive(m) ~= 0 then
      C.sdb_client_drive(cl, mix_drive, m)
      yield()
    end
    local idx = C.sdb_plugin_mix_handed(m, outcome)
    if idx < 0 then return -1 end
    local o, finish = outcome[0], native_types[mix[idx + 1]].finish
    return idx, function(c) return finish(c, o) end
  end
end

return M
