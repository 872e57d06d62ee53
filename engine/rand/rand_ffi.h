// The sdb_rand_* functions of the FFI surface (implemented in engine/rand/random.cpp); the text
// between the FFI markers is part of the ffi.cdef (script/stormdb_ffi.h includes it there).
#pragma once
#include <stdint.h>

#include "base/ffi_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
/* ---- random numbers (engine/rand/random.cpp) ---------------------------------------------------
   All integer draws take and return doubles so Lua sees plain numbers (exact up to 2^53). */
/* Seeds `r` from (seed, stream) through splitmix64: the same pair always gives the same sequence. */
void sdb_rng_seed(sdb_rng *r, double seed, double stream);
/* Uniform double in [0, 1). */
double sdb_rand_double(sdb_rng *r);
/* Uniform integer in [lo, hi], both inclusive, without modulo bias. */
double sdb_rand_uniform(sdb_rng *r, double lo, double hi);
/* TPC-C NURand(A, x, y) = (((random(0,A) | random(x,y)) + C) % (y-x+1)) + x (TPC-C 5.11 clause 2.1.6). */
double sdb_rand_nurand(sdb_rng *r, double a, double x, double y, double c);
/* Zipfian integer in [lo, hi]: P(lo+k-1) proportional to 1/k^s, s > 0 (rejection-inversion sampling). */
double sdb_rand_zipf(sdb_rng *r, double lo, double hi, double s);
/* Truncated gaussian in [lo, hi] centred on the middle, cut at +-param stddevs (pgbench
   random_gaussian semantics; param >= 2.0). */
double sdb_rand_gaussian(sdb_rng *r, double lo, double hi, double param);
/* Truncated exponential in [lo, hi] (pgbench random_exponential semantics; param > 0). */
double sdb_rand_exponential(sdb_rng *r, double lo, double hi, double param);
/* Pseudorandom permutation of [0, size): i -> position, bijective for a given seed (pgbench permute()). */
double sdb_rand_permute(double i, double size, double seed);
/* Writes a random string of uniform length in [min_len, max_len] into buf (no NUL), returns its length.
   kind 0: alphanumeric (TPC-C a-string), 1: digits (n-string), 2: lowercase letters. */
int32_t sdb_rand_string(sdb_rng *r, char *buf, int32_t min_len, int32_t max_len, int32_t kind);

/* FFI-END */

#ifdef __cplusplus
}
#endif
