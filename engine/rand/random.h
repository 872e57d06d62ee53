// C++ conveniences over the sdb_rand_* FFI functions (engine/rand/random.cpp), for engine code and tests.
#pragma once

#include <cstdint>
#include <string>

#include "rand/rand_ffi.h"

namespace stormdb {

// Next raw 64-bit output of the xoshiro256** stream `r` (Blackman & Vigna 2018).
uint64_t rng_next(sdb_rng *r);
// Unbiased integer in [0, range) by Lemire's multiply-shift with rejection (2019); range 0 means
// the full 2^64.
uint64_t rng_below(sdb_rng *r, uint64_t range);

// One random stream owned by C++ code; the same (seed, stream) pair gives the same draws as a Lua
// script seeding its sdb_rng with those values.
class Rng {
 public:
  Rng(double seed, double stream) { sdb_rng_seed(&state_, seed, stream); }

  // Uniform double in [0, 1).
  double next_double() { return sdb_rand_double(&state_); }
  // Uniform integer in [lo, hi], both inclusive.
  int64_t uniform(int64_t lo, int64_t hi) {
    return static_cast<int64_t>(sdb_rand_uniform(&state_, static_cast<double>(lo), static_cast<double>(hi)));
  }
  // Random string of `min_len`..`max_len` characters; kind as in sdb_rand_string.
  std::string string(int32_t min_len, int32_t max_len, int32_t kind = 0) {
    std::string s(static_cast<size_t>(max_len > 0 ? max_len : 0), '\0');
    s.resize(static_cast<size_t>(sdb_rand_string(&state_, s.data(), min_len, max_len, kind)));
    return s;
  }
  sdb_rng *state() { return &state_; }

 private:
  sdb_rng state_;
};

}  // namespace stormdb
