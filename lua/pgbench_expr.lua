-- pgbench's expression language (\set and \if of pgbench scripts) compiled to Lua closures.
-- Grammar, operator precedence, value types and functions follow pgbench(1) of PostgreSQL 15
-- (src/bin/pgbench/exprparse.y and pgbench.c): integers, doubles, booleans and NULL; integer
-- division truncates; a NULL operand makes NULL; random*() draw from the client's stream.
local ffi = require("ffi")
local bit = require("bit")
local C = ffi.C

local M = {}

-- Values: integers are Lua numbers, doubles are boxed ({ d = x } with metatable DBL) so that
-- 5 / 2 and 5.0 / 2 can differ as in pgbench, booleans are Lua booleans, NULL is M.NULL.
local DBL = {}
local NULL = setmetatable({}, { __tostring = function() return "NULL" end })
M.NULL = NULL
local function dbl(x) return setmetatable({ d = x }, DBL) end
local function is_dbl(v) return getmetatable(v) == DBL end
M.dbl, M.is_dbl = dbl, is_dbl

local function fail(where, msg) error(where .. ": " .. msg, 0) end

-- A variable's text (from -D or \gset) as pgbench reads it: an integer, a double, or an error.
local function from_text(s, where)
  if s:match("^%s*[-+]?%d+%s*$") then return tonumber(s) end
  local x = tonumber(s)
  if x then return dbl(x) end
  local l = s:lower()
  if l == "true" then return true elseif l == "false" then return false end
  fail(where, "malformed variable value '" .. s .. "' (not a number)")
end
M.from_text = from_text

-- Text of a value for SQL and \gset round trips (integers without exponent, as pgbench prints).
function M.text(v)
  local t = type(v)
  if t == "number" then
    if v == math.floor(v) and math.abs(v) < 2 ^ 63 then return string.format("%.0f", v) end
    return string.format("%.17g", v)
  elseif t == "string" then return v
  elseif t == "boolean" then return v and "true" or "false"
  elseif is_dbl(v) then return string.format("%.15g", v.d)
  end
  return ""
end

local function num(v, where)
  if type(v) == "string" then return from_text(v, where) end
  return v
end
-- C's rint() (round half to even), which pgbench's coerceToInt applies to doubles.
local function rint(x)
  local f = math.floor(x)
  local d = x - f
  if d ~= 0.5 then return d < 0.5 and f or f + 1 end
  return f % 2 == 0 and f or f + 1
end
local function as_int(v, where)
  v = num(v, where)
  if type(v) == "number" then return v end
  if is_dbl(v) then return rint(v.d) end
  if type(v) == "boolean" then return v and 1 or 0 end
  fail(where, "cannot use NULL as an integer")
end
local function as_dbl(v, where)
  v = num(v, where)
  if type(v) == "number" then return v end
  if is_dbl(v) then return v.d end
  if type(v) == "boolean" then return v and 1 or 0 end
  fail(where, "cannot use NULL as a number")
end
-- pgbench's coerceToBool: booleans, numbers (non-zero is true); NULL is false here.
function M.truth(v, where)
  v = num(v, where)
  if type(v) == "boolean" then return v end
  if v == NULL then return false end
  if is_dbl(v) then return v.d ~= 0 end
  return v ~= 0
end
local truth = M.truth

-- ---- functions --------------------------------------------------------------------------------

local int64 = ffi.typeof("int64_t")
local uint64 = ffi.typeof("uint64_t")
local function i64(x) return tonumber(ffi.cast(int64, x)) end

-- pgbench's hash_fnv1a and hash_murmur2 (src/common/hashfn and pgbench.c getHashFnv1a /
-- getHashMurmur2) on 64-bit integers; results above 2^53 lose precision as Lua numbers.
local function fnv1a(val, seed)
  local r = bit.bxor(14695981039346656037ULL, ffi.cast(uint64, ffi.cast(int64, seed)))
  local v = ffi.cast(uint64, ffi.cast(int64, val))
  for _ = 1, 8 do
    r = bit.bxor(r, bit.band(v, 0xff))
    r = r * 1099511628211ULL
    v = bit.rshift(v, 8)
  end
  return i64(r)
end
local function murmur2(val, seed)
  local mul = 0xc6a4a7935bd1e995ULL
  local r = bit.bxor(ffi.cast(uint64, ffi.cast(int64, seed)), 0x35253c9ade8f4ca8ULL)
  local k = ffi.cast(uint64, ffi.cast(int64, val))
  k = k * mul
  k = bit.bxor(k, bit.rshift(k, 47))
  k = k * mul
  r = bit.bxor(r, k)
  r = r * mul
  r = bit.bxor(r, bit.rshift(r, 47))
  r = r * mul
  r = bit.bxor(r, bit.rshift(r, 47))
  return i64(r)
end

-- name -> { min args, max args (nil: any), fn(st, where, args...) }. st: { vars, rand, seed }.
local FUNCS
FUNCS = {
  abs = { 1, 1, function(_, w, a)
    a = num(a, w)
    if is_dbl(a) then return dbl(math.abs(a.d)) end
    return math.abs(as_int(a, w))
  end },
  debug = { 1, 1, function(_, _, a)
    io.stderr:write("debug(script) = ", M.text(a) ~= "" and M.text(a) or tostring(a), "\n")
    return a
  end },
  double = { 1, 1, function(_, w, a) return dbl(as_dbl(a, w)) end },
  int = { 1, 1, function(_, w, a) return as_int(a, w) end },
  exp = { 1, 1, function(_, w, a) return dbl(math.exp(as_dbl(a, w))) end },
  ln = { 1, 1, function(_, w, a) return dbl(math.log(as_dbl(a, w))) end },
  sqrt = { 1, 1, function(_, w, a) return dbl(math.sqrt(as_dbl(a, w))) end },
  pi = { 0, 0, function() return dbl(math.pi) end },
  pow = { 2, 2, function(_, w, a, b) return dbl(as_dbl(a, w) ^ as_dbl(b, w)) end },
  mod = { 2, 2, function(_, w, a, b)
    local y = as_int(b, w)
    if y == 0 then fail(w, "division by zero in mod()") end
    return math.fmod(as_int(a, w), y)
  end },
  random = { 2, 2, function(st, w, a, b)
    local lo, hi = as_int(a, w), as_int(b, w)
    if lo > hi then fail(w, "random(): empty range [" .. lo .. ", " .. hi .. "]") end
    return C.sdb_rand_uniform(st.rand.rng, lo, hi)
  end },
  random_exponential = { 3, 3, function(st, w, a, b, p)
    local lo, hi, param = as_int(a, w), as_int(b, w), as_dbl(p, w)
    if param <= 0 then fail(w, "random_exponential(): parameter must be greater than 0.0") end
    return C.sdb_rand_exponential(st.rand.rng, lo, hi, param)
  end },
  random_gaussian = { 3, 3, function(st, w, a, b, p)
    local lo, hi, param = as_int(a, w), as_int(b, w), as_dbl(p, w)
    if param < 2 then fail(w, "random_gaussian(): parameter must be at least 2.0") end
    return C.sdb_rand_gaussian(st.rand.rng, lo, hi, param)
  end },
  random_zipfian = { 3, 3, function(st, w, a, b, s)
    local lo, hi, param = as_int(a, w), as_int(b, w), as_dbl(s, w)
    if param < 1.001 or param > 1000 then fail(w, "random_zipfian(): parameter must be in [1.001, 1000]") end
    return C.sdb_rand_zipf(st.rand.rng, lo, hi, param)
  end },
  permute = { 2, 3, function(st, w, i, size, seed)
    local n = as_int(size, w)
    if n <= 0 then fail(w, "permute(): size must be greater than zero") end
    return C.sdb_rand_permute(as_int(i, w) % n, n, seed ~= nil and as_int(seed, w) or st.seed)
  end },
  hash_fnv1a = { 1, 2, function(st, w, v, seed) return fnv1a(as_int(v, w), seed ~= nil and as_int(seed, w) or st.seed) end },
  hash_murmur2 = { 1, 2, function(st, w, v, seed) return murmur2(as_int(v, w), seed ~= nil and as_int(seed, w) or st.seed) end },
}
FUNCS.power = FUNCS.pow
FUNCS.hash = FUNCS.hash_murmur2
local function extreme(pick)
  return { 1, nil, function(_, w, ...)
    local any_dbl, best = false, nil
    for i = 1, select("#", ...) do
      local v = num(select(i, ...), w)
      if v == NULL then return NULL end
      any_dbl = any_dbl or is_dbl(v)
      local x = as_dbl(v, w)
      if best == nil or pick(x, best) then best = x end
    end
    return any_dbl and dbl(best) or best
  end }
end
FUNCS.greatest = extreme(function(x, b) return x > b end)
FUNCS.least = extreme(function(x, b) return x < b end)

-- ---- operators --------------------------------------------------------------------------------

local function arith(op, where)
  return function(a, b)
    a, b = num(a, where), num(b, where)
    if a == NULL or b == NULL then return NULL end
    if is_dbl(a) or is_dbl(b) or type(a) == "boolean" or type(b) == "boolean" then
      local x, y = as_dbl(a, where), as_dbl(b, where)
      if op == "+" then return dbl(x + y) elseif op == "-" then return dbl(x - y)
      elseif op == "*" then return dbl(x * y) end
      if y == 0 then fail(where, "division by zero") end
      if op == "/" then return dbl(x / y) end
      return dbl(math.fmod(x, y))
    end
    if op == "+" then return a + b elseif op == "-" then return a - b elseif op == "*" then return a * b end
    if b == 0 then fail(where, "division by zero") end
    if op == "/" then
      local q = a / b
      return q >= 0 and math.floor(q) or math.ceil(q)
    end
    return math.fmod(a, b)
  end
end

local function compare(op, where)
  return function(a, b)
    a, b = num(a, where), num(b, where)
    if a == NULL or b == NULL then return NULL end
    local x, y = as_dbl(a, where), as_dbl(b, where)
    if op == "=" then return x == y elseif op == "<>" or op == "!=" then return x ~= y
    elseif op == "<" then return x < y elseif op == "<=" then return x <= y
    elseif op == ">" then return x > y end
    return x >= y
  end
end

local function bitwise(op, where)
  return function(a, b)
    a, b = num(a, where), num(b, where)
    if a == NULL or b == NULL then return NULL end
    local x, y = ffi.cast(int64, as_int(a, where)), ffi.cast(int64, as_int(b, where))
    local r
    if op == "&" then r = bit.band(x, y) elseif op == "|" then r = bit.bor(x, y)
    elseif op == "#" then r = bit.bxor(x, y) elseif op == "<<" then r = bit.lshift(x, tonumber(y))
    else r = bit.arshift(x, tonumber(y)) end
    return tonumber(r)
  end
end

-- ---- lexer and parser -------------------------------------------------------------------------

local KEYWORDS = { ["and"] = true, ["or"] = true, ["not"] = true, ["is"] = true, isnull = true, notnull = true,
  ["true"] = true, ["false"] = true, null = true, case = true, when = true, ["then"] = true, ["else"] = true,
  ["end"] = true }

local function lex(text, where)
  local toks, i, n = {}, 1, #text
  while i <= n do
    local c = text:sub(i, i)
    if c:match("%s") then
      i = i + 1
    else
      local s, e = text:find("^%d+%.?%d*[eE][-+]?%d+", i)
      if not s then s, e = text:find("^%d*%.%d+", i) end
      if not s then s, e = text:find("^%d+%.%d*", i) end
      if s then
        toks[#toks + 1] = { k = "num", v = dbl(tonumber(text:sub(s, e))) }
      else
        s, e = text:find("^%d+", i)
        if s then
          toks[#toks + 1] = { k = "num", v = tonumber(text:sub(s, e)) }
        else
          s, e = text:find("^:[%w_]+", i)
          if s then
            toks[#toks + 1] = { k = "var", v = text:sub(s + 1, e) }
          else
            s, e = text:find("^[%a_][%w_]*", i)
            if s then
              local w = text:sub(s, e)
              toks[#toks + 1] = KEYWORDS[w:lower()] and { k = w:lower() } or { k = "id", v = w }
            else
              s, e = text:find("^[<>!]=", i)
              if not s then s, e = text:find("^<[<>]", i) end
              if not s then s, e = text:find("^>>", i) end
              if not s then s, e = text:find("^[-+*/%%(),<>=&|#~]", i) end
              if not s then fail(where, "unexpected character '" .. c .. "' in expression") end
              toks[#toks + 1] = { k = text:sub(s, e) }
            end
          end
        end
      end
      i = e + 1
    end
  end
  toks[#toks + 1] = { k = "eof" }
  return toks
end

-- The parser: P = { toks, pos, where }; each level returns a closure function(st) -> value.
local function peek(P) return P.toks[P.pos].k end
local function take(P, k)
  local t = P.toks[P.pos]
  if k and t.k ~= k then fail(P.where, "expected '" .. k .. "' in expression, found '" .. (t.v or t.k) .. "'") end
  P.pos = P.pos + 1
  return t
end
local expr

local function call(P, name)
  local where, f = P.where, FUNCS[name:lower()]
  if not f then fail(where, "unknown function '" .. name .. "' in expression (pgbench functions: see docs/compat.md)") end
  take(P, "(")
  local args = {}
  if peek(P) ~= ")" then
    args[1] = expr(P)
    while peek(P) == "," do take(P, ","); args[#args + 1] = expr(P) end
  end
  take(P, ")")
  if #args < f[1] or (f[2] and #args > f[2]) then
    fail(where, string.format("%s() takes %s argument(s), got %d", name, f[2] == f[1] and f[1] or
      (f[1] .. (f[2] and (" to " .. f[2]) or " or more")), #args))
  end
  local fn, n = f[3], #args
  local a1, a2, a3 = args[1], args[2], args[3]
  if n == 0 then return function(st) return fn(st, where) end end
  if n == 1 then return function(st) return fn(st, where, a1(st)) end end
  if n == 2 then return function(st) return fn(st, where, a1(st), a2(st)) end end
  if n == 3 then return function(st) return fn(st, where, a1(st), a2(st), a3(st)) end end
  return function(st)
    local vals = {}
    for i = 1, n do vals[i] = args[i](st) end
    return fn(st, where, unpack(vals, 1, n))
  end
end

local function case_expr(P)
  local where, whens = P.where, {}
  while peek(P) == "when" do
    take(P, "when")
    local cond = expr(P)
    take(P, "then")
    whens[#whens + 1] = { cond, expr(P) }
  end
  if #whens == 0 then fail(where, "CASE needs at least one WHEN") end
  local otherwise = function() return NULL end
  if peek(P) == "else" then take(P, "else"); otherwise = expr(P) end
  take(P, "end")
  return function(st)
    for _, wt in ipairs(whens) do
      if truth(wt[1](st), where) then return wt[2](st) end
    end
    return otherwise(st)
  end
end

local function primary(P)
  local t, where = take(P), P.where
  if t.k == "num" then local v = t.v; return function() return v end end
  if t.k == "var" then
    local name = t.v
    return function(st)
      local v = st.vars[name]
      if v == nil then fail(where, "undefined variable '" .. name .. "'") end
      return v
    end
  end
  if t.k == "true" then return function() return true end end
  if t.k == "false" then return function() return false end end
  if t.k == "null" then return function() return NULL end end
  if t.k == "case" then return case_expr(P) end
  if t.k == "id" then return call(P, t.v) end
  if t.k == "(" then
    local e = expr(P)
    take(P, ")")
    return e
  end
  fail(where, "unexpected '" .. (t.v or t.k) .. "' in expression")
end

local function unary(P)
  local k = peek(P)
  if k == "-" then take(P); local e = unary(P); local sub = arith("-", P.where); return function(st) return sub(0, e(st)) end end
  if k == "+" then take(P); return unary(P) end
  if k == "~" then take(P); local e = unary(P); local x = bitwise("#", P.where); return function(st) return x(-1, e(st)) end end
  return primary(P)
end

-- A left-associative level of binary operators ops over next_level; make(op, where) builds one.
local function binary(next_level, ops, make)
  return function(P)
    local left = next_level(P)
    while ops[peek(P)] do
      local op = take(P).k
      local right, f, l = next_level(P), make(op, P.where), left
      left = function(st) return f(l(st), right(st)) end
    end
    return left
  end
end
local mul = binary(unary, { ["*"] = true, ["/"] = true, ["%"] = true }, arith)
local add = binary(mul, { ["+"] = true, ["-"] = true }, arith)
local bits = binary(add, { ["&"] = true, ["|"] = true, ["#"] = true, ["<<"] = true, [">>"] = true }, bitwise)
local COMPARE = { ["="] = true, ["<>"] = true, ["!="] = true, ["<"] = true, ["<="] = true, [">"] = true, [">="] = true }

local function cmp(P)
  local left = bits(P)
  local k = peek(P)
  if not COMPARE[k] then return left end
  take(P)
  local right, f = bits(P), compare(k, P.where)
  return function(st) return f(left(st), right(st)) end
end

local function is_expr(P)
  local e, where = cmp(P), P.where
  local k = peek(P)
  if k == "isnull" or k == "notnull" then
    take(P)
    local want = k == "isnull"
    return function(st) return (e(st) == NULL) == want end
  end
  if k ~= "is" then return e end
  take(P)
  local negate = peek(P) == "not"
  if negate then take(P) end
  local what = take(P).k
  if what ~= "null" and what ~= "true" and what ~= "false" then fail(where, "IS must be followed by NULL, TRUE or FALSE") end
  return function(st)
    local v, r = e(st), nil
    if what == "null" then r = v == NULL else r = v ~= NULL and truth(v, where) == (what == "true") end
    return r ~= negate
  end
end

local function not_expr(P)
  if peek(P) ~= "not" then return is_expr(P) end
  take(P)
  local e, where = not_expr(P), P.where
  return function(st) return not truth(e(st), where) end
end

local function and_expr(P)
  local left, where = not_expr(P), P.where
  if peek(P) ~= "and" then return left end
  take(P)
  local right = and_expr(P)
  return function(st) return truth(left(st), where) and truth(right(st), where) end
end

function expr(P)
  local left, where = and_expr(P), P.where
  if peek(P) ~= "or" then return left end
  take(P)
  local right = expr(P)
  return function(st) return truth(left(st), where) or truth(right(st), where) end
end

-- Compiles expression text into function(st) -> value. where ("file:line") prefixes every error,
-- at compile time (syntax, unknown function, argument count) and at run time (NULL, division).
function M.compile(text, where)
  local P = { toks = lex(text, where), pos = 1, where = where }
  local e = expr(P)
  if peek(P) ~= "eof" then
    local t = P.toks[P.pos]
    fail(where, "unexpected '" .. (t.v and M.text(t.v) or t.k) .. "' after the expression")
  end
  return e
end

return M
