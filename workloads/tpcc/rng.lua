-- Deterministic random stream for TPC-C data generation, so that loaded data depends only on (seed, warehouse).
--
-- Why not ctx.rand? A ctx:parallel part's ctx.rand is seeded from (--seed, part), so data drawn
-- from it would change with --loaders. The loader instead opens one of these streams per
-- warehouse (and per ITEM chunk), seeded from a value drawn once in prepare() from --seed: the
-- same --seed gives byte-identical random values whatever --loaders is.
--
-- Generator: xoshiro128** (Blackman & Vigna), 32-bit state words kept as LuaJIT bit-op integers,
-- seeded through splitmix32 of (seed, stream). It only has to be fast and well mixed; it is not
-- used for anything security related.
local bit = require("bit")
local ffi = require("ffi")

local band, bxor, lshift, rshift, rol, tobit = bit.band, bit.bxor, bit.lshift, bit.rshift, bit.rol, bit.tobit
local floor = math.floor

local TWO32 = 4294967296

local M = {}
local Rng = {}
Rng.__index = Rng

-- 32-bit multiply modulo 2^32 without losing precision in doubles (operands < 2^32, product < 2^64).
local function mul32(a, b)
  a = a % TWO32
  local lo = band(a, 0xFFFF)
  local hi = (a - lo) / 65536
  return tobit((lo * b + (hi * b % 65536) * 65536) % TWO32)
end

-- splitmix32 step: returns (new state, output), both as tobit integers.
local function splitmix32(x)
  x = tobit(x + 0x9E3779B9)
  local z = x
  z = mul32(bxor(z, rshift(z, 16)), 0x85EBCA6B)
  z = mul32(bxor(z, rshift(z, 13)), 0xC2B2AE35)
  z = bxor(z, rshift(z, 16))
  return x, z
end

-- new(seed, stream): seed and stream are integers (any sign, |v| < 2^31 each is safest).
function M.new(seed, stream)
  local x = tobit(seed % TWO32)
  local y
  x, y = splitmix32(bxor(x, mul32(stream % TWO32, 0x27D4EB2F)))
  local s = setmetatable({}, Rng)
  x, s.a = splitmix32(x + y)
  x, s.b = splitmix32(x)
  x, s.c = splitmix32(x)
  x, s.d = splitmix32(x)
  if s.a == 0 and s.b == 0 and s.c == 0 and s.d == 0 then s.d = 1 end
  return s
end

-- Next 32 random bits as a signed 32-bit integer (LuaJIT bit-op convention).
function Rng:bits()
  local a, b, c, d = self.a, self.b, self.c, self.d
  -- tobit() is exact for |x| < 2^51, so small multipliers need no mul32.
  local result = tobit(rol(tobit(b * 5), 7) * 9)
  local t = lshift(b, 9)
  c = bxor(c, a)
  d = bxor(d, b)
  b = bxor(b, c)
  a = bxor(a, d)
  c = bxor(c, t)
  d = rol(d, 11)
  self.a, self.b, self.c, self.d = a, b, c, d
  return result
end

-- Uniform double in [0, 1).
function Rng:random()
  return (self:bits() % TWO32) / TWO32
end

-- Uniform integer in [lo, hi] (inclusive). floor(u * n) has a relative bias below n / 2^32
-- (< 3e-5 for the largest TPC-C range, 100,000), far below anything the benchmark can see.
function Rng:uniform(lo, hi)
  return lo + floor((self:bits() % TWO32) * (hi - lo + 1) / TWO32)
end

-- TPC-C 5.11 clause 2.1.6: NURand(A, x, y) = (((random(0, A) | random(x, y)) + C) % (y - x + 1)) + x.
function Rng:nurand(a, x, y, c)
  return (bit.bor(self:uniform(0, a), self:uniform(x, y)) + c) % (y - x + 1) + x
end

local buf = ffi.new("uint8_t[?]", 1024)   -- strings are <= 500 bytes; fill_alnum may write 3 past n
local ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
-- Byte b of a draw maps to CHAR[b] = ALNUM[b % 62] and is kept when KEEP[b] = 1, i.e. b < 248:
-- rejecting 248..255 makes every character exactly uniform over the 62 symbols.
local CHAR, KEEP = ffi.new("uint8_t[256]"), ffi.new("uint8_t[256]")
for b = 0, 255 do
  CHAR[b] = ALNUM:byte(b % 62 + 1)
  KEEP[b] = b < 248 and 1 or 0
end

-- Fills buf[0 .. n-1] with alphanumerics, four bytes per 32-bit draw, without branches.
local function fill_alnum(self, n)
  local i = 0
  while i < n do
    local x = self:bits()
    local b = band(x, 255)
    buf[i] = CHAR[b]; i = i + KEEP[b]
    b = band(rshift(x, 8), 255)
    buf[i] = CHAR[b]; i = i + KEEP[b]
    b = band(rshift(x, 16), 255)
    buf[i] = CHAR[b]; i = i + KEEP[b]
    b = rshift(x, 24)
    buf[i] = CHAR[b]; i = i + KEEP[b]
  end
end

-- TPC-C 4.3.2.2 random a-string [lo .. hi]: random alphanumerics, length uniform in [lo, hi].
function Rng:astring(lo, hi)
  local n = lo == hi and lo or self:uniform(lo, hi)
  fill_alnum(self, n)
  return ffi.string(buf, n)
end

-- TPC-C 4.3.2.2 random n-string [lo .. hi]: random digits.
function Rng:nstring(lo, hi)
  local n = lo == hi and lo or self:uniform(lo, hi)
  for i = 0, n - 1 do buf[i] = 48 + self:uniform(0, 9) end
  return ffi.string(buf, n)
end

-- n random upper-case letters (W_STATE, D_STATE, C_STATE: 4.3.3.1 "random a-string of 2 letters").
function Rng:letters(n)
  for i = 0, n - 1 do buf[i] = 65 + self:uniform(0, 25) end
  return ffi.string(buf, n)
end

-- a-string [lo .. hi] of which 10% of the rows (chosen at random) hold "ORIGINAL" at a random
-- position (4.3.3.1 for I_DATA and S_DATA).
function Rng:data_string(lo, hi)
  local n = self:uniform(lo, hi)
  fill_alnum(self, n)
  if self:uniform(1, 10) == 1 then
    local pos = self:uniform(0, n - 8)
    ffi.copy(buf + pos, "ORIGINAL", 8)
  end
  return ffi.string(buf, n)
end

-- Random permutation of 1..n (Fisher-Yates), e.g. O_C_ID per district (4.3.3.1).
function Rng:permutation(n)
  local p = {}
  for i = 1, n do p[i] = i end
  for i = n, 2, -1 do
    local j = self:uniform(1, i)
    p[i], p[j] = p[j], p[i]
  end
  return p
end

return M
