-- The TPC-C loader's value generators over the engine's random streams (engine/rand: xoshiro256**).
--
-- native/tpcc_native.c draws exactly the same values in the same order from the same streams
-- (it reaches them through the plugin host table): a seed loads identical rows whichever side
-- generates them. Change one side only together with the other.
--
-- A stream is seeded from (data_seed, stream id); see load.lua for the ids.
local ffi = require("ffi")
local C = ffi.C
local fstring = ffi.string

local M = {}
local Rng = {}
Rng.__index = Rng

local buf = ffi.new("char[512]")   -- the longest TPC-C string is C_DATA, 500 characters
local ORIGINAL = "ORIGINAL"

function M.new(seed, stream)
  local r = ffi.new("sdb_rng")
  C.sdb_rng_seed(r, seed, stream)
  return setmetatable({ r = r }, Rng)
end

-- Uniform integer in [lo, hi] (inclusive).
function Rng:uniform(lo, hi) return C.sdb_rand_uniform(self.r, lo, hi) end

-- TPC-C 5.11 clause 2.1.6: NURand(A, x, y) with constant c.
function Rng:nurand(a, x, y, c) return C.sdb_rand_nurand(self.r, a, x, y, c) end

-- TPC-C 4.3.2.2 random a-string [lo .. hi]: random alphanumerics, length uniform in [lo, hi].
function Rng:astring(lo, hi) return fstring(buf, C.sdb_rand_string(self.r, buf, lo, hi, 0)) end

-- TPC-C 4.3.2.2 random n-string [lo .. hi]: random digits.
function Rng:nstring(lo, hi) return fstring(buf, C.sdb_rand_string(self.r, buf, lo, hi, 1)) end

-- Two random upper-case letters (W_STATE, D_STATE, C_STATE).
function Rng:state()
  local a = self:uniform(65, 90)
  return string.char(a, self:uniform(65, 90))
end

-- a-string [lo .. hi] of which 10% of the rows (chosen at random) hold "ORIGINAL" at a random
-- position (4.3.3.1 for I_DATA and S_DATA).
function Rng:data_string(lo, hi)
  local n = self:uniform(lo, hi)
  C.sdb_rand_string(self.r, buf, n, n, 0)
  if self:uniform(1, 10) == 1 then
    ffi.copy(buf + self:uniform(0, n - 8), ORIGINAL, 8)
  end
  return fstring(buf, n)
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
