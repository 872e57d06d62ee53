-- pgbench custom scripts (and pgbench's built-in scripts) compiled into stormdb transactions:
-- SQL commands with :variable interpolation, the meta-commands \set \sleep \if \elif \else \endif
-- \gset \aset (\setshell \shell only when allowed), -D variables, :scale and :client_id, per-command
-- timings like pgbench -r. Used by workloads/pgbench.lua; rules follow pgbench(1) of PostgreSQL 15.
local expr = require("pgbench_expr")
local stormdb = require("stormdb")

local M = {}

-- pgbench's built-in scripts, as pgbench.c of PostgreSQL 15 spells them.
local BUILTINS = {
  ["tpcb-like"] = [[
\set aid random(1, 100000 * :scale)
\set bid random(1, 1 * :scale)
\set tid random(1, 10 * :scale)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
END;
]],
  ["select-only"] = [[
\set aid random(1, 100000 * :scale)
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
]],
}
-- simple-update is tpcb-like without the tellers and branches updates (pgbench.c).
BUILTINS["simple-update"] = BUILTINS["tpcb-like"]:gsub("UPDATE pgbench_tellers[^\n]*\n", ""):gsub("UPDATE pgbench_branches[^\n]*\n", "")
M.BUILTINS = BUILTINS

local function fail(where, msg) error(where .. ": " .. msg, 0) end

-- ---- parsing ----------------------------------------------------------------------------------

-- SQL text split at :name references: { literal, name, literal, name, ..., literal }. "::" casts
-- stay literal, as in pgbench.
local function split_vars(sql)
  local parts, i = {}, 1
  while true do
    local s, e = sql:find("%f[:]:[%w_]+", i)
    if not s then break end
    parts[#parts + 1] = sql:sub(i, s - 1)
    parts[#parts + 1] = sql:sub(s + 1, e)
    i = e + 1
  end
  parts[#parts + 1] = sql:sub(i)
  return parts
end

local PIPELINE = { startpipeline = true, endpipeline = true, syncpipeline = true }

-- One meta-command line (without the backslash) -> a command table, or raises naming where.
local function meta_command(line, where, opts)
  local name, rest = line:match("^(%a+)%s*(.-)%s*$")
  if not name then fail(where, "malformed meta-command '\\" .. line .. "'") end
  name = name:lower()
  if name == "set" then
    local var, e = rest:match("^([%w_]+)%s+(.+)$")
    if not var then fail(where, "\\set needs a variable name and an expression") end
    return { op = "set", var = var, expr = expr.compile(e, where) }
  elseif name == "sleep" then
    local n, unit = rest:match("^(:?[%w_.]+)%s*(%a*)$")
    if not n then fail(where, "\\sleep needs a duration: \\sleep N [us|ms|s]") end
    local scale = ({ us = 1e-3, ms = 1, s = 1000, [""] = 1000 })[unit:lower()]
    if not scale then fail(where, "\\sleep unit must be us, ms or s, not '" .. unit .. "'") end
    if n:sub(1, 1) ~= ":" and not tonumber(n) then fail(where, "\\sleep duration must be a number or a :variable") end
    return { op = "sleep", value = n, scale = scale }
  elseif name == "if" or name == "elif" then
    if rest == "" then fail(where, "\\" .. name .. " needs a condition") end
    return { op = name, expr = expr.compile(rest, where) }
  elseif name == "else" or name == "endif" then
    return { op = name }
  elseif name == "setshell" or name == "shell" then
    if not opts.allow_shell then
      fail(where, "\\" .. name .. " runs a shell command on the client; stormdb refuses it unless --allow-shell is given " ..
        "(it blocks the client's thread while the command runs)")
    end
    local words = {}
    for w in rest:gmatch("%S+") do words[#words + 1] = w end
    if name == "setshell" and #words < 2 then fail(where, "\\setshell needs a variable and a command") end
    if name == "shell" and #words < 1 then fail(where, "\\shell needs a command") end
    return { op = name, words = words }
  elseif PIPELINE[name] then
    if rest ~= "" then fail(where, "\\" .. name .. " takes no argument") end
    return { op = name }
  elseif name == "gset" or name == "aset" then
    fail(where, "\\" .. name .. " must end an SQL command (in place of its semicolon)")
  end
  fail(where, "unknown meta-command '\\" .. name .. "' (see docs/compat.md for the supported ones)")
end

-- Reads one SQL command starting at text position i; returns the command and the position after
-- it. Ends at an unquoted ';', at \gset/\aset, at a meta-command line, or at the end of the text.
local function sql_command(text, i, where)
  local n, out, start = #text, {}, i
  local function finish(j, gset_kind, prefix)
    local sql = table.concat(out):gsub("^%s+", ""):gsub("%s+$", "")
    return { op = "sql", sql = sql, parts = split_vars(sql), gset = gset_kind, prefix = prefix or "", where = where }, j
  end
  while i <= n do
    local c = text:sub(i, i)
    if c == "'" or c == '"' then
      local e = i + 1
      while e <= n do
        if text:sub(e, e) == c then
          if text:sub(e + 1, e + 1) == c then e = e + 1 else break end
        end
        e = e + 1
      end
      out[#out + 1] = text:sub(i, e)
      i = e + 1
    elseif c == "$" and text:find("^%$[%a_]*[%w_]*%$", i) then
      local tag = text:match("^(%$[%a_]*[%w_]*%$)", i)
      local _, e = text:find(tag, i + #tag, true)
      e = e or n
      out[#out + 1] = text:sub(i, e)
      i = e + 1
    elseif c == "-" and text:sub(i + 1, i + 1) == "-" then
      local e = text:find("\n", i, true) or n
      i = e + 1
      out[#out + 1] = "\n"
    elseif c == "/" and text:sub(i + 1, i + 1) == "*" then
      local _, e = text:find("*/", i + 2, true)
      i = (e or n) + 1
    elseif c == ";" then
      return finish(i + 1)
    elseif c == "\\" then
      local nxt = text:sub(i + 1, i + 1)
      if nxt == ";" then
        out[#out + 1] = ";"
        i = i + 2
      else
        local word, prefix, e = text:match("^\\(%a+)[ \t]*([%w_]*)[ \t]*()", i)
        word = word and word:lower()
        if word == "gset" or word == "aset" then return finish(e, word, prefix) end
        -- another meta-command ends the SQL command (pgbench's lexer does the same)
        return finish(i)
      end
    else
      out[#out + 1] = c
      i = i + 1
    end
  end
  return finish(i)
end

-- Pipeline rules, checked in script order as pgbench does: \startpipeline ... \endpipeline do not
-- nest, \syncpipeline and \endpipeline need an open pipeline, \gset/\aset cannot be used in one
-- (the results arrive at \endpipeline). (The simple query protocol cannot be pipelined either:
-- checked when the pipeline starts, where the run's -M is known.)
-- pipe: the open \startpipeline command (which collects its SQL commands in .sql) or nil.
local function check_pipeline(c, pipe, opts)
  local op, where = c.op, c.where
  if op == "startpipeline" then
    if pipe then fail(where, "\\startpipeline: already in a pipeline (started at " .. pipe.where .. "); pipelines do not nest") end
    c.sql = {}
    return c
  elseif op == "endpipeline" or op == "syncpipeline" then
    if not pipe then fail(where, "\\" .. op .. " without a \\startpipeline") end
    return op == "syncpipeline" and pipe or nil
  elseif op == "sql" and pipe then
    if c.gset then fail(where, "\\" .. c.gset .. " cannot be used inside a pipeline (its results arrive at \\endpipeline)") end
    pipe.sql[#pipe.sql + 1] = c
  end
  return pipe
end

-- Parses a pgbench script into a flat program: SQL and meta-commands with \if blocks turned into
-- conditional jumps ("cond" jumps to target when false, "goto" always). name labels errors.
function M.parse(text, name, opts)
  local prog, stack, i, n = {}, {}, 1, #text
  local pipe
  local function line_of(pos)
    local _, count = text:sub(1, pos):gsub("\n", "")
    return count + 1
  end
  local function emit(c)
    pipe = check_pipeline(c, pipe, opts)
    prog[#prog + 1] = c
    return c
  end
  while i <= n do
    local s = text:find("%S", i)
    if not s then break end
    i = s
    local where = name .. ":" .. line_of(i)
    if text:sub(i, i + 1) == "--" then
      i = (text:find("\n", i, true) or n) + 1
    elseif text:sub(i, i) == "\\" then
      local e = i
      local line = {}
      repeat  -- a meta-command continues on the next line after a trailing backslash
        local nl = text:find("\n", e, true) or (n + 1)
        local piece = text:sub(e, nl - 1)
        local cont = piece:sub(-1) == "\\"
        line[#line + 1] = cont and piece:sub(1, -2) or piece
        e = nl + 1
      until not cont or e > n
      i = e
      local c = meta_command(table.concat(line, " "):sub(2), where, opts)
      c.where = where
      if c.op == "if" then
        local cond = emit({ op = "cond", expr = c.expr, where = where, text = "\\if" })
        stack[#stack + 1] = { cond = cond, gotos = {}, where = where }
      elseif c.op == "elif" or c.op == "else" then
        local top = stack[#stack]
        if not top then fail(where, "\\" .. c.op .. " without a matching \\if") end
        if top.else_seen then fail(where, "\\" .. c.op .. " after \\else") end
        top.gotos[#top.gotos + 1] = emit({ op = "goto" })
        top.cond.target = #prog + 1
        if c.op == "elif" then
          top.cond = emit({ op = "cond", expr = c.expr, where = where, text = "\\elif" })
        else
          top.cond, top.else_seen = nil, true
        end
      elseif c.op == "endif" then
        local top = table.remove(stack)
        if not top then fail(where, "\\endif without a matching \\if") end
        if top.cond then top.cond.target = #prog + 1 end
        for _, g in ipairs(top.gotos) do g.target = #prog + 1 end
      else
        c.text = "\\" .. table.concat(line, " "):sub(2):gsub("%s+", " ")
        emit(c)
      end
    else
      local c, e = sql_command(text, i, where)
      i = e
      if c.sql ~= "" then
        c.text = c.sql:gsub("%s+", " ")
        emit(c)
      elseif c.gset then
        fail(where, "\\" .. c.gset .. " must follow an SQL command")
      end
    end
  end
  if #stack > 0 then fail(stack[#stack].where, "\\if without \\endif") end
  if pipe then fail(pipe.where, "\\startpipeline without \\endpipeline") end
  return prog
end

-- ---- running ----------------------------------------------------------------------------------

local text_of = expr.text

-- The SQL of command c for this client: simple mode substitutes the values as text (an unknown
-- variable stays as written, as pgbench leaves it); the other modes send $n parameters.
local function simple_sql(c, vars)
  local parts = c.parts
  if #parts == 1 then return parts[1] end
  local out = {}
  for k = 1, #parts do
    if k % 2 == 1 then
      out[k] = parts[k]
    else
      local v = vars[parts[k]]
      out[k] = v == nil and (":" .. parts[k]) or text_of(v)
    end
  end
  return table.concat(out)
end

local function param_value(v, c, name)
  if v == nil then fail(c.where, "undefined variable '" .. name .. "'") end
  if v == expr.NULL then return nil end
  if type(v) == "number" or type(v) == "string" then return v end
  return text_of(v)
end

-- Extended/prepared form of c: SQL with $1..$n (one per distinct variable) and the names in order.
local function param_form(c)
  if c.psql then return c.psql, c.pnames end
  local out, names, index = {}, {}, {}
  for k = 1, #c.parts do
    if k % 2 == 1 then
      out[#out + 1] = c.parts[k]
    else
      local nm = c.parts[k]
      if not index[nm] then names[#names + 1] = nm; index[nm] = #names end
      out[#out + 1] = "$" .. index[nm]
    end
  end
  c.psql, c.pnames = table.concat(out), names
  return c.psql, c.pnames
end

local function store_row(vars, row, prefix)
  for col, v in pairs(row) do
    if type(v) == "boolean" then v = v and 1 or 0 end
    vars[prefix .. col] = v
  end
end

local function run_sql(ctx, st, c)
  local db, vars, mode = ctx.db, st.vars, st.mode
  local rows
  if mode == "simple" then
    local sql = simple_sql(c, vars)
    if c.gset then rows = db:query(sql) else db:exec(sql) end
  else
    local sql, names = param_form(c)
    local args = {}
    for k = 1, #names do args[k] = param_value(vars[names[k]], c, names[k]) end
    if mode == "prepared" then
      local pname = c.pname
      if not db.stmts[pname] then db:prepare(pname, sql) end
      sql = pname
    end
    if st.pipe then
      st.pipe:exec(sql, unpack(args, 1, #names))
      return
    end
    if c.gset then rows = db:query(sql, unpack(args, 1, #names)) else db:exec(sql, unpack(args, 1, #names)) end
  end
  if c.gset == "gset" then
    if #rows ~= 1 then fail(c.where, "\\gset expects one row, got " .. #rows) end
    store_row(vars, rows[1], c.prefix)
  elseif c.gset == "aset" then
    for _, r in ipairs(rows) do store_row(vars, r, c.prefix) end
  end
end

local function shell_words(c, vars, from)
  local out = {}
  for k = from, #c.words do
    local w = c.words[k]
    if w:sub(1, 1) == ":" and vars[w:sub(2)] ~= nil then w = text_of(vars[w:sub(2)]) end
    out[#out + 1] = w
  end
  return table.concat(out, " ")
end

-- \startpipeline prepares the pipeline's statements first (-M prepared), as no statement can be
-- prepared while a pipeline is open.
local function run_pipeline_meta(ctx, st, c)
  local op = c.op
  if op == "startpipeline" then
    -- the run's -M is known in the client states only, not when the script is first read
    if st.mode == "simple" then
      fail(c.where, "\\startpipeline: pipeline mode needs the extended or prepared query protocol: run with " ..
        "-M extended or -M prepared (as pgbench)")
    end
    if st.mode == "prepared" then
      for _, q in ipairs(c.sql) do
        if not ctx.db.stmts[q.pname] then ctx.db:prepare(q.pname, (param_form(q))) end
      end
    end
    st.pipe = ctx.db:pipeline()
  elseif op == "syncpipeline" then
    st.pipe:sync()
  else
    local p = st.pipe
    st.pipe = nil
    p:run()
  end
end

local function run_meta(ctx, st, c)
  local op, vars = c.op, st.vars
  if PIPELINE[op] then
    run_pipeline_meta(ctx, st, c)
  elseif op == "set" then
    vars[c.var] = c.expr(st)
  elseif op == "sleep" then
    local n = c.value
    if n:sub(1, 1) == ":" then
      local v = vars[n:sub(2)]
      if v == nil then fail(c.where, "undefined variable '" .. n:sub(2) .. "'") end
      n = text_of(v)
    end
    local x = tonumber(n)
    if not x then fail(c.where, "\\sleep: '" .. n .. "' is not a number") end
    ctx:sleep(x * c.scale)
  elseif op == "setshell" then
    local f = io.popen(shell_words(c, vars, 2))
    local out = f:read("*a")
    f:close()
    local v = tonumber(out:match("^%s*([-+]?%d+)%s*$"))
    if not v then fail(c.where, "\\setshell: the command printed '" .. out:gsub("%s+$", "") .. "', not an integer") end
    vars[c.words[1]] = v
  elseif op == "shell" then
    os.execute(shell_words(c, vars, 1))
  end
end

-- One execution of a compiled script: one transaction of the mix. Every command's time goes into
-- the timing "<script>:<line> <command>", as pgbench -r reports per-command latencies.
local function run_script(ctx, st, prog, labels)
  local pc, n, now = 1, #prog, stormdb.now
  st.pipe = nil  -- a pipeline an earlier failed execution left open is gone with it
  while pc <= n do
    local c = prog[pc]
    local op = c.op
    if op == "cond" then
      pc = expr.truth(c.expr(st), c.where) and pc + 1 or c.target
    elseif op == "goto" then
      pc = c.target
    else
      local t0 = now()
      if op == "sql" then run_sql(ctx, st, c) else run_meta(ctx, st, c) end
      ctx:observe(labels[pc], (now() - t0) / 1000)
      pc = pc + 1
    end
  end
end

-- ---- the workload -----------------------------------------------------------------------------

-- "file:PATH@W" and "builtin:NAME@W" entries, one a line (the CLI writes them from --file, -b and
-- bench.sql arguments); none means pgbench's default, tpcb-like.
local function entries(list)
  local out = {}
  for line in (list or ""):gmatch("[^\n]+") do
    local kind, rest = line:match("^(%a+):(.+)$")
    if not kind then error("pgbench: malformed script entry '" .. line .. "'", 0) end
    local what, w = rest:match("^(.*)@(%d+)$")
    out[#out + 1] = { kind = kind, what = what or rest, weight = tonumber(w) or 1 }
  end
  if #out == 0 then out[1] = { kind = "builtin", what = "tpcb-like", weight = 1 } end
  return out
end

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then error("cannot read pgbench script " .. tostring(err), 0) end
  local s = f:read("*a")
  f:close()
  return s
end

-- Transaction name of a script: the file's stem or the built-in's name, as a Lua-friendly word.
local function txn_name(e, taken)
  local base = e.kind == "builtin" and e.what or (e.what:match("([^/]+)$"):gsub("%.[^.]*$", ""))
  base = base:gsub("[^%w_]", "_")
  if base:match("^%d") then base = "s_" .. base end
  local name, k = base, 2
  while taken[name] or rawget(_G, name) ~= nil do name = base .. "_" .. k; k = k + 1 end
  taken[name] = true
  return name
end

-- Defines the pgbench workload in the calling state: the `workload` table, one global transaction
-- function per script, client_init (variables, :scale). Raises with file:line on a bad script.
function M.define()
  local opt = stormdb._options or {}
  local allow_shell = opt.allow_shell == true
  local mix, uses_builtin, taken, scripts = {}, false, {}, {}
  for _, e in ipairs(entries(opt.scripts)) do
    local text
    if e.kind == "builtin" then
      text = BUILTINS[e.what]
      if not text then error("pgbench: no built-in script '" .. e.what .. "' (tpcb-like, simple-update, select-only)", 0) end
      uses_builtin = true
    else
      text = read_file(e.what)
    end
    local name = txn_name(e, taken)
    local prog = M.parse(text, e.kind == "builtin" and ("builtin " .. e.what) or e.what, { allow_shell = allow_shell })
    local labels = {}
    for pc, c in ipairs(prog) do labels[pc] = string.format("%s:%s %s", name, c.where and c.where:match(":(%d+)$") or pc, (c.text or ""):sub(1, 60)) end
    for pc, c in ipairs(prog) do c.pname = "pgb_" .. name .. "_" .. pc end
    mix[name] = e.weight
    scripts[#scripts + 1] = name
    _G[name] = function(ctx) return run_script(ctx, ctx._pgbench, prog, labels) end
  end
  local defines = {}
  for line in (opt.define or ""):gmatch("[^\n]+") do
    local k, v = line:match("^([%w_]+)=(.*)$")
    if not k then error("-D/--define: '" .. line .. "' is not NAME=VALUE", 0) end
    defines[k] = v
  end
  workload = {
    name = "pgbench",
    description = "pgbench custom scripts (stormdb run bench.sql, --file F@W) and built-ins (-b tpcb-like|simple-update|select-only)",
    options = {
      scripts = { default = "", help = "pgbench scripts, one a line: file:PATH@W or builtin:NAME@W (the CLI fills it from bench.sql, --file, -b)" },
      define = { default = "", help = "variables NAME=VALUE, one a line (the CLI fills it from -D NAME=VALUE)" },
      scale = { default = 0, help = ":scale (-s); 0: 1 for custom scripts, count(*) of pgbench_branches with a built-in" },
      allow_shell = { default = false, help = "allow \\setshell and \\shell (they block the client's thread)" },
    },
    mix = mix,
    query_mode = "simple",  -- pgbench's default -M; the run's -M/--query-mode is read below
  }
  function client_init(ctx)
    local scale = opt.scale or 0
    if scale == 0 and uses_builtin then
      local ok, n = pcall(ctx.db.value, ctx.db, "SELECT count(*) FROM pgbench_branches")
      if not ok then
        error("pgbench's built-in scripts need pgbench's tables: run `stormdb prepare tpcb_like --scale=N` or " ..
          "`pgbench -i` first (" .. tostring(n) .. ")", 0)
      end
      scale = n
    end
    if scale == 0 then scale = 1 end
    local vars = { scale = scale, client_id = ctx.client_id, random_seed = ctx.rand.seed, default_seed = ctx.rand.seed }
    for k, v in pairs(defines) do vars[k] = v end
    ctx._pgbench = { vars = vars, rand = ctx.rand, seed = ctx.rand.seed, mode = stormdb.query_mode() }
  end
end

return M
