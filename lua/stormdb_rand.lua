-- ctx.rand: a client's random streams (uniform, NURand, zipf, gaussian, exponential, strings,
-- permute) over the C generators of engine/rand. Loaded by lua/stormdb.lua.
local ffi = require("ffi")
local C = ffi.C
local fstring = ffi.string

-- ---- rand -------------------------------------------------------------------------------------

local Rand = {}
Rand.__index = Rand
local nurand_c = {}

-- A stream seeded from (seed, stream): the same pair always gives the same draws.
local function new_rand(seed, stream)
  local r = ffi.new("sdb_rng")
  C.sdb_rng_seed(r, seed, stream)
  return setmetatable({ rng = r, seed = seed, buf = ffi.new("char[?]", 1024), cap = 1024 }, Rand)
end

function Rand:uniform(lo, hi) return C.sdb_rand_uniform(self.rng, lo, hi) end
function Rand:random() return C.sdb_rand_double(self.rng) end
function Rand:zipf(lo, hi, s) return C.sdb_rand_zipf(self.rng, lo, hi, s) end
function Rand:gaussian(lo, hi, p) return C.sdb_rand_gaussian(self.rng, lo, hi, p) end
function Rand:exponential(lo, hi, p) return C.sdb_rand_exponential(self.rng, lo, hi, p) end
function Rand:permute(i, size, seed) return C.sdb_rand_permute(i, size, seed or self.seed) end
function Rand:choice(t) return t[C.sdb_rand_uniform(self.rng, 1, #t)] end

function Rand:nurand(a, x, y, c)
  if not c then
    c = nurand_c[a]
    if not c then  -- one constant per A for the whole run, the same in every state (clause 2.1.6)
      local r = ffi.new("sdb_rng")
      C.sdb_rng_seed(r, self.seed, 7e6 + a)
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

return { new_rand = new_rand }
