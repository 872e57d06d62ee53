-- sysbench 1.0's Lua API over stormdb, so that sysbench scripts (the Debian package's oltp_*,
-- select_random_*, bulk_insert, and users' own) run unmodified: each sysbench thread is a stormdb
-- client with its own thread (one Lua state each, as in sysbench), event() is the transaction, and
-- every db call yields like stormdb's own. Semantics follow sysbench 1.0.20 (src/lua/internal/
-- sysbench*.lua, src/sb_rand.c, drivers/pgsql); what is missing is listed in docs/compat.md.
local ffi = require("ffi")
local C = ffi.C

local M = {}
local cfg           -- the state's boot configuration (threads, clients, seed, opt, phase)
local sb            -- the `sysbench` global once a script touched it
local R             -- random stream of the client (or loader part) running now
local current = setmetatable({}, { __mode = "k" })  -- coroutine -> its ctx

-- Raises "<what> is not supported by stormdb's sysbench compatibility" at the script's line.
local function unsupported(what, level)
  error(what .. " is not supported by stormdb's sysbench compatibility (see docs/compat.md)", (level or 1) + 1)
end

-- A table whose unknown fields raise, naming them (sysbench.<name>.<field>) at the caller's line.
local function strict(name, t)
  return setmetatable(t, { __index = function(_, k) unsupported(name .. "." .. tostring(k), 2) end })
end

local function ctx_now()
  local ctx = current[coroutine.running()]
  if not ctx then error("sysbench: a database call outside a sysbench thread (prepare, thread_init, event...)", 3) end
  return ctx
end

-- ---- sysbench.rand (sb_rand.c) ----------------------------------------------------------------

-- --rand-spec-* defaults of sysbench 1.0: 1% of the values get 75% of the draws of "special".
local SPEC_ITER, SPEC_PCT, SPEC_RES = 12, 1, 75
local function uniform(a, b) return C.sdb_rand_uniform(R.rng, a, b) end
local function special(a, b)
  if a >= b then return a end
  local t = b - a
  local range = math.floor(t * (100 / (100 - SPEC_RES)))
  local res = C.sdb_rand_uniform(R.rng, 0, range - 1)
  if res < t then
    local sum = 0
    for _ = 1, SPEC_ITER do sum = sum + C.sdb_rand_double(R.rng) end
    return a + math.floor(t * sum / SPEC_ITER)
  end
  local d = math.max(1, math.floor(t * SPEC_PCT / 100))
  return a + math.floor(res % d + (t / 2 - t * SPEC_PCT / 200))
end
local function gaussian(a, b)
  local sum, t = 0, b - a + 1
  for _ = 1, SPEC_ITER do sum = sum + C.sdb_rand_uniform(R.rng, 0, t - 1) end
  return a + math.floor(sum / SPEC_ITER)
end
local function pareto(a, b)
  local h = 0.2
  return a + math.floor((b - a + 1) * C.sdb_rand_double(R.rng) ^ (math.log(h) / math.log(1 - h)))
end
local function zipfian(a, b) return C.sdb_rand_zipf(R.rng, a, b, 0.8) end
local DISTRIBUTIONS = { uniform = uniform, special = special, gaussian = gaussian, pareto = pareto }
local DEFAULT = special  -- sysbench.rand.default: --rand-type

-- sysbench.rand.string: '#' becomes a digit, '@' a lowercase letter, anything else stays. The
-- template is compiled once into runs so that long ones cost a few C calls, not one per character.
local templates = {}
local function compile_template(tpl)
  local runs = {}
  for lit, kind in tpl:gmatch("([^#@]*)([#@]*)") do
    if lit ~= "" then runs[#runs + 1] = lit end
    local i = 1
    while i <= #kind do
      local ch = kind:sub(i, i)
      local j = i
      while kind:sub(j + 1, j + 1) == ch do j = j + 1 end
      runs[#runs + 1] = { ch == "#" and 1 or 2, j - i + 1 }
      i = j + 1
    end
  end
  templates[tpl] = runs
  return runs
end
local function rand_string(tpl)
  local runs = templates[tpl] or compile_template(tpl)
  local out = {}
  for i = 1, #runs do
    local r = runs[i]
    if type(r) == "string" then
      out[i] = r
    else
      out[i] = r[1] == 1 and R:nstring(r[2], r[2]) or R:lstring(r[2], r[2])
    end
  end
  return table.concat(out)
end

-- sysbench.rand.unique: distinct 32-bit values over all threads, from a permutation of [0, 2^32)
-- indexed by (draw number * threads + thread id).
local unique_next = 0
local function unique()
  local i = unique_next * cfg.threads + (sb.tid or 0)
  unique_next = unique_next + 1
  return C.sdb_rand_permute(i % 4294967296, 4294967296, cfg.seed)
end

-- ---- sysbench.sql (the pgsql driver's behaviour) ----------------------------------------------

local ResultSet = {}
ResultSet.__index = ResultSet
setmetatable(ResultSet, { __index = function(_, k) unsupported("result set method " .. tostring(k), 2) end })

-- A result set reads the connection's current result, as sysbench's does (valid until the next
-- query); `reuse` (a statement's own) saves an allocation per execute.
local function result_set(con, reuse)
  local conn = con.db.conn
  if C.sdb_res_status(conn) ~= 1 then return nil end
  local rs = reuse or setmetatable({}, ResultSet)
  rs.conn, rs.nrows, rs.nfields, rs.row = conn, C.sdb_res_ntuples(conn), C.sdb_res_nfields(conn), 0
  return rs
end
function ResultSet:fetch_row()
  if self.row >= self.nrows then return nil end
  local out = {}
  for col = 0, self.nfields - 1 do
    if C.sdb_res_isnull(self.conn, self.row, col) == 0 then
      out[col + 1] = ffi.string(C.sdb_res_text(self.conn, self.row, col), C.sdb_res_length(self.conn, self.row, col))
    end
  end
  self.row = self.row + 1
  return out
end
function ResultSet:free() end

local Bind = {}
Bind.__index = Bind
setmetatable(Bind, { __index = function(_, k) unsupported("bind:" .. tostring(k), 2) end })
function Bind:set(v) self.value = v end
function Bind:set_rand_str(tpl) self.value = rand_string(tpl) end

local Statement = {}
Statement.__index = Statement
setmetatable(Statement, { __index = function(_, k) unsupported("statement:" .. tostring(k), 2) end })
function Statement:bind_create(btype, maxlen) return setmetatable({ type = btype, maxlen = maxlen }, Bind) end
function Statement:bind_param(...) self.binds = { ... }; self.nbinds = select("#", ...) end
function Statement:execute()
  local db, b, n = self.con.db, self.binds, self.nbinds
  if not db.stmts[self.name] then db:prepare(self.name, self.sql) end
  if n == 0 then
    db:exec(self.name)
  elseif n == 1 then
    db:exec(self.name, rawget(b[1], "value"))
  elseif n == 2 then
    db:exec(self.name, rawget(b[1], "value"), rawget(b[2], "value"))
  else
    local v = self.values
    for i = 1, n do v[i] = rawget(b[i], "value") end
    db:exec(self.name, unpack(v, 1, n))
  end
  return result_set(self.con, self.rs)
end
function Statement:close() end

-- '?' placeholders (outside quotes) become $1..$n, as sysbench's pgsql driver rewrites them.
local function dollar_params(sql)
  local n, out, quote = 0, {}, nil
  for ch in sql:gmatch(".") do
    if quote then
      if ch == quote then quote = nil end
    elseif ch == "'" or ch == '"' then
      quote = ch
    elseif ch == "?" then
      n = n + 1
      ch = "$" .. n
    end
    out[#out + 1] = ch
  end
  return table.concat(out)
end

local Connection = {}
Connection.__index = Connection
setmetatable(Connection, { __index = function(_, k) unsupported("connection:" .. tostring(k), 2) end })
local stmt_seq = 0
function Connection:query(sql)
  self.db:exec(sql)
  return result_set(self)
end
function Connection:query_row(sql)
  local rs = self:query(sql)
  local row = rs and rs:fetch_row()
  if row then return unpack(row, 1, rs.nfields) end
end
function Connection:prepare(sql)
  stmt_seq = stmt_seq + 1
  return setmetatable({ con = self, name = "sb_" .. stmt_seq, sql = dollar_params(sql), binds = {}, nbinds = 0,
    values = {}, rs = setmetatable({}, ResultSet) }, Statement)
end
-- sysbench's bulk insert: rows accumulate into one multi-row INSERT sent each ~512 KiB
-- (BULK_PACKET_SIZE of sysbench's db_driver.c) and at bulk_insert_done.
local BULK_BYTES = 524288
function Connection:bulk_insert_init(sql) self.bulk, self.bulk_n, self.bulk_bytes = { sql, " " }, 0, 0 end
function Connection:bulk_insert_next(values)
  local b = self.bulk
  if not b then unsupported("bulk_insert_next before bulk_insert_init", 2) end
  if self.bulk_n > 0 then b[#b + 1] = "," end
  b[#b + 1] = values
  self.bulk_n, self.bulk_bytes = self.bulk_n + 1, self.bulk_bytes + #values
  if self.bulk_bytes >= BULK_BYTES then
    self.db:exec(table.concat(b))
    self.bulk, self.bulk_n, self.bulk_bytes = { b[1], " " }, 0, 0
  end
end
function Connection:bulk_insert_done()
  if self.bulk and self.bulk_n > 0 then self.db:exec(table.concat(self.bulk)) end
  self.bulk, self.bulk_n = false, 0
end
-- The connection is the client's, which the engine opened and will close: these keep it.
function Connection:disconnect() end
Connection.close = Connection.disconnect
function Connection:reconnect() self.db:connect() end

local Driver = {}
Driver.__index = Driver
setmetatable(Driver, { __index = function(_, k) unsupported("driver:" .. tostring(k), 2) end })
function Driver:name() return "pgsql" end
function Driver:connect()
  local ctx = ctx_now()
  return setmetatable({ db = ctx.db, ctx = ctx, bulk = false, bulk_n = 0, bulk_bytes = 0 }, Connection)
end

-- ---- the sysbench global ----------------------------------------------------------------------

local function build()
  -- draws at the top level of a script (before any thread) come from a stream of the state's own
  R = require("stormdb_rand").new_rand(cfg.seed or 0, 4e5 + math.max(cfg.thread_id or 0, 0))
  local t = {
    version = "1.0.20", version_string = "sysbench 1.0.20 (stormdb compatibility)",
    tid = 0, hooks = {},
    cmdline = { command = cfg.phase == "describe" and "run" or cfg.phase, PARALLEL_COMMAND = true,
      script_path = cfg.script, argv = {} },
    opt = {},
    rand = strict("sysbench.rand", {
      uniform = uniform, default = function(a, b) return DEFAULT(a, b) end, special = special, gaussian = gaussian, pareto = pareto,
      zipfian = zipfian, unique = unique, string = rand_string,
      varstring = function(a, b) return R:string(a, b) end,
      uniform_uint64 = function() return C.sdb_rand_uniform(R.rng, 0, 2 ^ 53) end,
      uniform_double = function() return C.sdb_rand_double(R.rng) end,
    }),
    sql = strict("sysbench.sql", {
      driver = function(name)
        if name ~= nil and name ~= "pgsql" then unsupported("sysbench.sql.driver('" .. tostring(name) .. "')", 2) end
        return setmetatable({}, Driver)
      end,
      type = { NONE = 0, TINYINT = 1, SMALLINT = 2, INT = 3, BIGINT = 4, FLOAT = 5, DOUBLE = 6, TIME = 7, DATE = 8,
        DATETIME = 9, TIMESTAMP = 10, CHAR = 11, VARCHAR = 12 },
      error = { NONE = 0, RESTART_EVENT = 1, FATAL = 2 },
    }),
  }
  for k, v in pairs(cfg.opt) do t.opt[k] = v end
  t.opt.threads = cfg.threads
  return strict("sysbench", t)
end

-- sysbench 1.0's global helpers of the 0.5 API, still used by its own scripts (sb_rand).
local LEGACY = {
  sb_rand = function(a, b) return sb.rand.default(a, b) end,
  sb_rand_uniform = function(a, b) return uniform(a, b) end,
  sb_rand_gaussian = function(a, b) return gaussian(a, b) end,
  sb_rand_special = function(a, b) return special(a, b) end,
  sb_rand_str = function(tpl) return rand_string(tpl) end,
  sb_rand_uniq = function() return unique() end,
  sb_rnd = function() return C.sdb_rand_uniform(R.rng, 0, 4294967295) end,
}

-- Makes `sysbench` (and sb_rand & co) appear the first time a script reads them, so that stormdb
-- scripts never see them. conf: the prelude's boot configuration; script: its path.
function M.install(conf, script)
  cfg = conf
  cfg.script = script
  local mt = getmetatable(_G) or {}
  local prev = mt.__index
  mt.__index = function(t, k)
    if k == "sysbench" or LEGACY[k] then
      sb = sb or build()
      rawset(t, "sysbench", sb)
      if LEGACY[k] then
        rawset(t, k, LEGACY[k])  -- later reads are plain global reads
        return LEGACY[k]
      end
      return sb
    end
    if type(prev) == "function" then return prev(t, k) end
    if type(prev) == "table" then return prev[k] end
    return nil
  end
  setmetatable(_G, mt)
end

-- Binds the running coroutine to ctx (db calls and draws then use this client's).
local function bind(ctx, tid)
  current[coroutine.running()] = ctx
  R = ctx.rand
  sb.tid = tid
  rawset(_G, "thread_id", tid)
end

-- sysbench's options as stormdb workload options: {help, default}; a default-less option becomes a
-- string option with "" meaning unset (nil in sysbench.opt), a list one a comma-separated string.
local function workload_options()
  local out, unset, lists = {}, {}, {}
  for name, spec in pairs(rawget(sb.cmdline, "options") or {}) do
    local help, default = spec[1], spec[2]
    if default == nil then
      default, unset[name] = "", true
    elseif type(default) == "table" then
      default, lists[name] = table.concat(default, ","), true
    end
    out[name] = { default = default, help = help or "" }
    local v = sb.opt[name]
    if v == nil then v = default end
    if unset[name] and v == "" then v = nil end
    if lists[name] and type(v) == "string" then
      local items = {}
      for item in v:gmatch("[^,]+") do items[#items + 1] = item end
      v = items
    end
    rawset(sb.opt, name, v)
  end
  out.rand_type = { default = "special", choices = { "uniform", "gaussian", "special", "pareto" },
    help = "distribution of sysbench.rand.default (sysbench --rand-type)" }
  DEFAULT = DISTRIBUTIONS[sb.opt.rand_type or "special"] or special
  return out
end

-- A sysbench command (sysbench.cmdline.commands[name] or the global function name) as a stormdb
-- hook; a PARALLEL_COMMAND runs once per thread, each with its own sysbench.tid.
local function command_hook(name)
  local cmd = type(rawget(sb.cmdline, "commands")) == "table" and sb.cmdline.commands[name] or nil
  if cmd then
    local fn, parallel = cmd[1], cmd[2]
    if parallel then
      local part_fn = "_sysbench_" .. name .. "_part"
      rawset(_G, part_fn, function(ctx, part)
        bind(ctx, part - 1)
        sb.cmdline.command = name
        fn()
      end)
      return function(ctx) ctx:parallel(cfg.threads, part_fn) end
    end
    return function(ctx) bind(ctx, 0); sb.cmdline.command = name; fn() end
  end
  local fn = rawget(_G, name)
  if type(fn) ~= "function" then return nil end
  return function(ctx) bind(ctx, 0); sb.cmdline.command = name; fn() end
end

-- True when the script's text calls the sysbench API or is a sysbench script (its #! line).
local function uses_sysbench_api(path)
  local f = io.open(path, "rb")
  if not f then return false end
  local text = f:read("*a")
  f:close()
  return text:find("^#![^\n]*sysbench") ~= nil or text:find("sysbench%.[%a_]") ~= nil or text:find("sb_rand") ~= nil
end

-- After the script ran: when it used the sysbench API and declares no stormdb `workload`, turns it
-- into one (options, event as the only transaction, thread_init/thread_done as client hooks,
-- prepare). Its cleanup() is not run: stormdb cleanup drops exactly what stormdb prepare created.
function M.adapt()
  if rawget(_G, "workload") ~= nil then return end
  if not sb and uses_sysbench_api(cfg.script) then sb = build() end  -- touched only in its functions
  if not sb then return end
  local event, thread_init, thread_done = rawget(_G, "event"), rawget(_G, "thread_init"), rawget(_G, "thread_done")
  if type(event) ~= "function" then error(cfg.script .. ": a sysbench script needs a global function event()", 0) end
  if cfg.phase ~= "describe" and cfg.clients ~= cfg.threads then
    error(string.format("sysbench scripts run one client per thread, as sysbench does: give --threads=N and no " ..
      "-c/--clients (got %d clients on %d threads)", cfg.clients, cfg.threads), 0)
  end
  workload = {
    name = "sysbench",
    description = "sysbench script " .. cfg.script,
    options = workload_options(),
    mix = { event = 1 },
    one_client_per_thread = true,  -- the script's globals (con, stmt) are per sysbench thread
  }
  local prepare = command_hook("prepare")
  rawset(_G, "prepare", prepare)
  rawset(_G, "cleanup", nil)
  rawset(_G, "thread_init", nil)
  rawset(_G, "thread_done", nil)
  rawset(_G, "client_init", function(ctx)
    bind(ctx, ctx.client_id)
    sb.cmdline.command = "run"
    if thread_init then thread_init(ctx.client_id) end
  end)
  rawset(_G, "client_done", function(ctx)
    if thread_done then thread_done(ctx.client_id) end
  end)
  local tid
  rawset(_G, "event", function(ctx)
    tid = ctx.client_id
    return event(tid)
  end)
end

return M
