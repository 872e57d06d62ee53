// Random number generation for scripts (the sdb_rand_* FFI functions): xoshiro256** plus the distributions of TPC-C and
// pgbench.
#include "rand/random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

namespace stormdb {
namespace {

// splitmix64 increment (Steele, Lea & Flood 2014).
constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;

// splitmix64 output function: a bijection of 64-bit words with good avalanche.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t splitmix64_next(uint64_t &x) {
  x += kGoldenGamma;
  return mix64(x);
}

// Lua hands every number over as a double. Integral values (the normal case) map to their integer
// so that seed 42 means 42; other values use their bit pattern so that 0.5 and 0 still differ.
uint64_t seed_bits(double d) {
  if (std::isfinite(d) && d == std::trunc(d) && d >= -0x1p63 && d < 0x1p63) {
    return static_cast<uint64_t>(static_cast<int64_t>(d));
  }
  return std::bit_cast<uint64_t>(d);
}

// Saturating double -> int64 (NaN -> 0), truncating toward zero; Lua passes integral bounds.
int64_t to_int(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 0x1p63) return std::numeric_limits<int64_t>::max();
  if (d < -0x1p63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

void seed_state(sdb_rng *r, uint64_t seed, uint64_t stream) {
  // The inner mix spreads nearby seeds apart, the odd multiplier keeps streams of one seed
  // distinct (multiplication by an odd number is a bijection), and the outer mix decorrelates
  // nearby streams before splitmix64 expands the result to 256 bits.
  uint64_t x = mix64(mix64(seed ^ 0x6A09E667F3BCC909ULL) + stream * 0xD1B54A32D192ED03ULL);
  for (auto &word : r->s) word = splitmix64_next(x);
  // xoshiro's only fixed point; four consecutive splitmix64 outputs cannot all be zero, but cheap.
  if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) r->s[0] = kGoldenGamma;
}

double next_unit(sdb_rng *r) {
  // Top 53 bits: every double in [0, 1) on the 2^-53 grid is equally likely.
  return static_cast<double>(rng_next(r) >> 11) * 0x1p-53;
}

// Uniform integer in [lo, hi]; lo when hi < lo.
int64_t uniform_int(sdb_rng *r, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;  // 0: all 2^64
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + rng_below(r, range));
}

// Maps u in [0, 1) onto [lo, hi] the way pgbench does (lo + (int64) ((max - min + 1) * u)), with a
// clamp because the product can round up to hi + 1 for huge ranges.
int64_t scale_unit(double u, int64_t lo, int64_t hi) {
  const double span = static_cast<double>(hi) - static_cast<double>(lo) + 1.0;
  const double offset = std::floor(span * u);
  if (offset >= static_cast<double>(hi) - static_cast<double>(lo)) return hi;
  return lo + static_cast<int64_t>(offset);
}

// Helpers of the rejection-inversion Zipf sampler, as in Apache Commons RNG
// RejectionInversionZipfSampler (Hörmann & Derflinger 1996, "Rejection-inversion to generate
// variates from monotone discrete distributions"). log1p(x)/x and expm1(x)/x switch to their
// Taylor series near 0 so that s == 1 (where 1 - s == 0) needs no special case.
double helper1(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

double helper2(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

// h(x) = 1/x^s, the unnormalised density.
double zipf_h(double x, double s) { return std::exp(-s * std::log(x)); }

// H(x) = (x^(1-s) - 1) / (1 - s), or log(x) when s == 1: an antiderivative of h.
double zipf_h_integral(double x, double s) {
  const double log_x = std::log(x);
  return helper2((1.0 - s) * log_x) * log_x;
}

double zipf_h_integral_inverse(double x, double s) {
  // Rounding can take t a hair below -1, where log1p is undefined.
  const double t = std::max(x * (1.0 - s), -1.0);
  return std::exp(helper1(t) * x);
}

}  // namespace

uint64_t rng_next(sdb_rng *r) {
  uint64_t *s = r->s;
  const uint64_t result = std::rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = std::rotl(s[3], 45);
  return result;
}

uint64_t rng_below(sdb_rng *r, uint64_t range) {
  if (range == 0) return rng_next(r);
  // Lemire, "Fast random integer generation in an interval" (ACM TOMACS 2019): the high word of
  // x * range is uniform once the low words below 2^64 mod range are rejected.
  unsigned __int128 m = static_cast<unsigned __int128>(rng_next(r)) * range;
  auto low = static_cast<uint64_t>(m);
  if (low < range) {
    const uint64_t threshold = (0 - range) % range;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(rng_next(r)) * range;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace stormdb

using stormdb::rng_below;
using stormdb::rng_next;
using stormdb::to_int;

extern "C" {

void sdb_rng_seed(sdb_rng *r, double seed, double stream) {
  stormdb::seed_state(r, stormdb::seed_bits(seed), stormdb::seed_bits(stream));
}

double sdb_rand_double(sdb_rng *r) { return stormdb::next_unit(r); }

// hi < lo is a caller bug; it returns lo rather than guess which bound was meant.
double sdb_rand_uniform(sdb_rng *r, double lo, double hi) {
  return static_cast<double>(stormdb::uniform_int(r, to_int(lo), to_int(hi)));
}

// TPC-C 5.11 clause 2.1.6. y < x returns x. C is normally in [0, A]; any C works since the sum is
// reduced with a non-negative modulo.
double sdb_rand_nurand(sdb_rng *r, double a, double x, double y, double c) {
  const int64_t xi = to_int(x);
  const int64_t yi = to_int(y);
  if (yi <= xi) return static_cast<double>(xi);
  const int64_t span = yi - xi + 1;
  const int64_t mixed = stormdb::uniform_int(r, 0, to_int(a)) | stormdb::uniform_int(r, xi, yi);
  int64_t v = (mixed % span + to_int(c) % span) % span;
  if (v < 0) v += span;
  return static_cast<double>(v + xi);
}

// Rank k (1-based) is returned as lo + k - 1. hi < lo returns lo; s <= 0 (or NaN) is outside the
// Zipf family and falls back to a uniform draw, its s -> 0 limit.
double sdb_rand_zipf(sdb_rng *r, double lo, double hi, double s) {
  const int64_t loi = to_int(lo);
  const int64_t hii = to_int(hi);
  if (hii <= loi) return static_cast<double>(loi);
  if (!(s > 0.0)) return static_cast<double>(stormdb::uniform_int(r, loi, hii));
  const double n = static_cast<double>(hii) - static_cast<double>(loi) + 1.0;

  using stormdb::zipf_h;
  using stormdb::zipf_h_integral;
  using stormdb::zipf_h_integral_inverse;
  // Recomputed per call because the FFI keeps no per-distribution state; a handful of log/exp.
  const double h_integral_x1 = zipf_h_integral(1.5, s) - 1.0;
  const double h_integral_n = zipf_h_integral(n + 0.5, s);
  const double squeeze = 2.0 - zipf_h_integral_inverse(zipf_h_integral(2.5, s) - zipf_h(2.0, s), s);
  for (;;) {
    // u is uniform in (h_integral_x1, h_integral_n].
    const double u = h_integral_n + stormdb::next_unit(r) * (h_integral_x1 - h_integral_n);
    const double x = zipf_h_integral_inverse(u, s);
    const double k = std::clamp(std::floor(x + 0.5), 1.0, n);
    if (k - x <= squeeze || u >= zipf_h_integral(k + 0.5, s) - zipf_h(k, s)) {
      return static_cast<double>(loi + static_cast<int64_t>(k) - 1);
    }
  }
}

// pgbench random_gaussian (PostgreSQL 14 getGaussianRand): Box-Muller, redrawn while outside
// [-param, param), mapped linearly onto [lo, hi]. param below 2.0 (pgbench's minimum) becomes 2.0.
double sdb_rand_gaussian(sdb_rng *r, double lo, double hi, double param) {
  const int64_t loi = to_int(lo);
  const int64_t hii = to_int(hi);
  if (hii <= loi) return static_cast<double>(loi);
  if (!(param >= 2.0)) param = 2.0;
  double stdev;
  do {
    // Box-Muller wants (0, 1]; log(0) would be -inf.
    const double rand1 = 1.0 - stormdb::next_unit(r);
    const double rand2 = 1.0 - stormdb::next_unit(r);
    stdev = std::sqrt(-2.0 * std::log(rand1)) * std::sin(2.0 * std::numbers::pi * rand2);
  } while (stdev < -param || stdev >= param);
  const double unit = (stdev + param) / (param * 2.0);
  return static_cast<double>(stormdb::scale_unit(unit, loi, hii));
}

// pgbench random_exponential (getExponentialRand): density proportional to exp(-param * u) on
// [0, 1), mapped onto [lo, hi]. param <= 0 (or NaN) falls back to uniform, the param -> 0 limit.
double sdb_rand_exponential(sdb_rng *r, double lo, double hi, double param) {
  const int64_t loi = to_int(lo);
  const int64_t hii = to_int(hi);
  if (hii <= loi) return static_cast<double>(loi);
  if (!(param > 0.0)) return static_cast<double>(stormdb::uniform_int(r, loi, hii));
  const double cut = std::exp(-param);
  const double uniform = 1.0 - stormdb::next_unit(r);                  // (0, 1]
  const double unit = -std::log(cut + (1.0 - cut) * uniform) / param;  // [0, 1)
  return static_cast<double>(stormdb::scale_unit(unit, loi, hii));
}

// Port of pgbench permute() (PostgreSQL 14, src/bin/pgbench/pgbench.c) with xoshiro256** in place
// of pg_prng, so the permutations differ from pgbench's but have the same construction. Every step
// is a bijection of [0, size), hence so is the whole. size < 2 returns 0; i outside [0, size) is
// reduced to its non-negative residue first.
double sdb_rand_permute(double i, double size, double seed) {
  const int64_t isize = to_int(size);
  if (isize < 2) return 0.0;
  const auto usize = static_cast<uint64_t>(isize);
  int64_t iv = to_int(i) % isize;
  if (iv < 0) iv += isize;
  uint64_t v = static_cast<uint64_t>(iv);

  sdb_rng state;
  // A stream constant of its own keeps permutations unrelated to sdb_rng_seed(seed, 0) draws.
  stormdb::seed_state(&state, stormdb::seed_bits(seed), 0x7065726D75746521ULL);

  // Work modulo the largest power of two <= size; the upper-half step then covers the rest.
  const int masklen = 63 - std::countl_zero(usize);
  const uint64_t mask = (uint64_t{1} << masklen) - 1;

  // Six rounds of: odd multiply, XOR and rotate on the lower power-of-two window, the same on the
  // upper window (counted from the top, so together they reach every value), then a random offset
  // modulo size. pgbench found six rounds enough for a random-looking spread.
  for (int round = 0; round < 6; ++round) {
    uint64_t m = (rng_next(&state) & mask) | 1;
    uint64_t r = rng_next(&state) & mask;
    if (v <= mask) {
      v = ((v * m) ^ r) & mask;
      v = ((v << 1) & mask) | (v >> (masklen - 1));
    }

    m = (rng_next(&state) & mask) | 1;
    r = rng_next(&state) & mask;
    uint64_t t = usize - 1 - v;
    if (t <= mask) {
      t = ((t * m) ^ r) & mask;
      t = ((t << 1) & mask) | (t >> (masklen - 1));
      v = usize - 1 - t;
    }

    r = rng_below(&state, usize);
    v = (v + r) % usize;
  }
  return static_cast<double>(v);
}

// min_len < 0 counts as 0; max_len < min_len writes max_len characters, never more than buf holds.
// An unknown kind draws alphanumerics.
int32_t sdb_rand_string(sdb_rng *r, char *buf, int32_t min_len, int32_t max_len, int32_t kind) {
  static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static constexpr char kDigits[] = "0123456789";
  static constexpr char kLower[] = "abcdefghijklmnopqrstuvwxyz";
  if (max_len <= 0) return 0;
  min_len = std::clamp(min_len, 0, max_len);
  const auto len = static_cast<int32_t>(stormdb::uniform_int(r, min_len, max_len));
  const char *alphabet = kAlnum;
  uint64_t size = sizeof(kAlnum) - 1;
  if (kind == 1) {
    alphabet = kDigits;
    size = sizeof(kDigits) - 1;
  } else if (kind == 2) {
    alphabet = kLower;
    size = sizeof(kLower) - 1;
  }
  for (int32_t k = 0; k < len; ++k) buf[k] = alphabet[rng_below(r, size)];
  return len;
}

}  // extern "C"
