// Unit tests of the sdb_rand_* functions: determinism, bounds and the shape of every distribution.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rand/random.h"
#include "script/stormdb_ffi.h"

namespace {

sdb_rng seeded(double seed, double stream = 0) {
  sdb_rng r;
  sdb_rng_seed(&r, seed, stream);
  return r;
}

double chi_square(const std::vector<double> &observed, const std::vector<double> &expected) {
  double chi2 = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    chi2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  }
  return chi2;
}

// Upper 0.1% points of the chi-square distribution: a correct generator fails one in a thousand
// seeds, and the seeds are fixed.
constexpr double kChi2Df9 = 27.877;
constexpr double kChi2Df99 = 148.230;

// Generalised harmonic number H(n, s) = sum 1/k^s.
double harmonic(int n, double s) {
  double h = 0;
  for (int k = n; k >= 1; --k) h += std::pow(k, -s);
  return h;
}

}  // namespace

TEST_CASE("random: xoshiro256** matches the reference implementation") {
  // Outputs of the reference C code by Blackman and Vigna for the state {1, 2, 3, 4}.
  sdb_rng r{{1, 2, 3, 4}};
  CHECK(stormdb::rng_next(&r) == 11520ULL);
  CHECK(stormdb::rng_next(&r) == 0ULL);
  CHECK(stormdb::rng_next(&r) == 1509978240ULL);
  CHECK(stormdb::rng_next(&r) == 1215971899390074240ULL);
}

TEST_CASE("random: the same seed and stream give the same sequence, others differ") {
  sdb_rng a = seeded(42, 7);
  sdb_rng b = seeded(42, 7);
  sdb_rng other_stream = seeded(42, 8);
  sdb_rng other_seed = seeded(43, 7);
  int same_stream = 0;
  int same_seed = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t x = stormdb::rng_next(&a);
    REQUIRE(x == stormdb::rng_next(&b));
    same_stream += x == stormdb::rng_next(&other_stream);
    same_seed += x == stormdb::rng_next(&other_seed);
  }
  CHECK(same_stream == 0);
  CHECK(same_seed == 0);
  // Seed and stream must not combine symmetrically or additively: every pair of a grid differs.
  std::set<uint64_t> firsts;
  for (int seed = 0; seed < 30; ++seed) {
    for (int stream = 0; stream < 30; ++stream) {
      sdb_rng g = seeded(seed, stream);
      firsts.insert(stormdb::rng_next(&g));
    }
  }
  CHECK(firsts.size() == 900);
  // Fractional seeds are distinct seeds, not truncated.
  sdb_rng half = seeded(0.5);
  sdb_rng zero = seeded(0);
  CHECK(stormdb::rng_next(&half) != stormdb::rng_next(&zero));
}

TEST_CASE("random: nearby seeds and streams give unrelated first outputs") {
  // Unrelated 64-bit words differ in 32 bits on average; weak seeding shows as far fewer.
  double stream_bits = 0;
  double seed_bits = 0;
  constexpr int kPairs = 2000;
  for (int k = 0; k < kPairs; ++k) {
    sdb_rng s0 = seeded(1, k);
    sdb_rng s1 = seeded(1, k + 1);
    stream_bits += std::popcount(stormdb::rng_next(&s0) ^ stormdb::rng_next(&s1));
    sdb_rng t0 = seeded(k, 0);
    sdb_rng t1 = seeded(k + 1, 0);
    seed_bits += std::popcount(stormdb::rng_next(&t0) ^ stormdb::rng_next(&t1));
  }
  CHECK(stream_bits / kPairs == doctest::Approx(32.0).epsilon(0.02));
  CHECK(seed_bits / kPairs == doctest::Approx(32.0).epsilon(0.02));
}

TEST_CASE("random: doubles are in [0, 1) with mean 1/2") {
  sdb_rng r = seeded(1);
  double sum = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double d = sdb_rand_double(&r);
    REQUIRE(d >= 0.0);
    REQUIRE(d < 1.0);
    sum += d;
  }
  CHECK(sum / 100'000 == doctest::Approx(0.5).epsilon(0.01));
}

TEST_CASE("random: uniform integers pass a chi-square test and hit both bounds") {
  sdb_rng r = seeded(2024);
  SUBCASE("ten values") {
    std::vector<double> observed(10, 0);
    for (int i = 0; i < 100'000; ++i) {
      const double v = sdb_rand_uniform(&r, 0, 9);
      REQUIRE(v >= 0);
      REQUIRE(v <= 9);
      REQUIRE(v == std::floor(v));
      observed[static_cast<size_t>(v)] += 1;
    }
    CHECK(chi_square(observed, std::vector<double>(10, 10'000)) < kChi2Df9);
  }
  SUBCASE("a thousand values in ten bins") {
    std::vector<double> observed(10, 0);
    for (int i = 0; i < 100'000; ++i) {
      observed[static_cast<size_t>((sdb_rand_uniform(&r, 1, 1000) - 1) / 100)] += 1;
    }
    CHECK(chi_square(observed, std::vector<double>(10, 10'000)) < kChi2Df9);
  }
  SUBCASE("bounds are inclusive") {
    std::set<double> seen;
    for (int i = 0; i < 10'000; ++i) {
      const double v = sdb_rand_uniform(&r, -3, 3);
      REQUIRE(v >= -3);
      REQUIRE(v <= 3);
      seen.insert(v);
    }
    CHECK(seen.size() == 7);
    CHECK(*seen.begin() == -3);
    CHECK(*seen.rbegin() == 3);
  }
  SUBCASE("degenerate and huge ranges") {
    CHECK(sdb_rand_uniform(&r, 5, 5) == 5);
    CHECK(sdb_rand_uniform(&r, 9, 2) == 9);  // hi < lo is a caller bug: lo
    const double top = 0x1p53;
    double sum = 0;
    bool high_half = false;
    for (int i = 0; i < 10'000; ++i) {
      const double v = sdb_rand_uniform(&r, 0, top);
      REQUIRE(v >= 0);
      REQUIRE(v <= top);
      high_half |= v > top / 2;
      sum += v;
    }
    CHECK(high_half);
    CHECK(sum / 10'000 / top == doctest::Approx(0.5).epsilon(0.03));
  }
}

TEST_CASE("random: NURand stays in range and concentrates on the values TPC-C favours") {
  sdb_rng r = seeded(3);
  constexpr int kDraws = 200'000;
  for (const int c : {0, 100, 977}) {
    CAPTURE(c);
    std::vector<int> counts(1000, 0);
    for (int i = 0; i < kDraws; ++i) {
      const double v = sdb_rand_nurand(&r, 255, 0, 999, c);
      REQUIRE(v >= 0);
      REQUIRE(v <= 999);
      counts[static_cast<size_t>(v)] += 1;
    }
    // random(0,255) | random(0,999) is most often a value whose low 8 bits are all set (255, 511,
    // 767: each ~2.56%, 25.6 times the uniform 0.1%), then C shifts it modulo 1000.
    std::vector<int> order(1000);
    for (int i = 0; i < 1000; ++i) order[static_cast<size_t>(i)] = i;
    std::partial_sort(order.begin(), order.begin() + 3, order.end(),
                      [&](int a, int b) { return counts[static_cast<size_t>(a)] > counts[static_cast<size_t>(b)]; });
    std::set<int> top(order.begin(), order.begin() + 3);
    CHECK(top == std::set<int>{(255 + c) % 1000, (511 + c) % 1000, (767 + c) % 1000});
    const double uniform_expectation = kDraws / 1000.0;
    CHECK(counts[static_cast<size_t>(order[0])] > 15 * uniform_expectation);
  }
  // TPC-C customer ids: NURand(1023, 1, 3000).
  for (int i = 0; i < 10'000; ++i) {
    const double v = sdb_rand_nurand(&r, 1023, 1, 3000, 259);
    REQUIRE(v >= 1);
    REQUIRE(v <= 3000);
  }
}

TEST_CASE("random: Zipf frequencies follow 1/k^s") {
  for (const double s : {1.0, 0.8, 1.5}) {
    CAPTURE(s);
    sdb_rng r = seeded(99, s * 10);
    constexpr int kN = 100;
    constexpr int kDraws = 400'000;
    std::vector<double> observed(kN, 0);
    for (int i = 0; i < kDraws; ++i) {
      const double v = sdb_rand_zipf(&r, 1, kN, s);
      REQUIRE(v >= 1);
      REQUIRE(v <= kN);
      observed[static_cast<size_t>(v) - 1] += 1;
    }
    const double h = harmonic(kN, s);
    std::vector<double> expected(kN);
    for (int k = 1; k <= kN; ++k) expected[static_cast<size_t>(k) - 1] = kDraws * std::pow(k, -s) / h;
    for (const int k : {1, 2, 10}) {
      CAPTURE(k);
      const size_t i = static_cast<size_t>(k) - 1;
      CHECK(observed[i] == doctest::Approx(expected[i]).epsilon(0.05));
    }
    CHECK(chi_square(observed, expected) < kChi2Df99);
  }
}

TEST_CASE("random: Zipf maps rank 1 to lo and respects bounds") {
  sdb_rng r = seeded(5);
  std::map<double, int> counts;
  for (int i = 0; i < 50'000; ++i) {
    const double v = sdb_rand_zipf(&r, 1000, 1099, 1.2);
    REQUIRE(v >= 1000);
    REQUIRE(v <= 1099);
    counts[v] += 1;
  }
  CHECK(counts.begin()->first == 1000);
  CHECK(counts[1000] > counts[1001]);
  CHECK(counts[1001] > counts[1010]);
  // A huge range: rank 1 has probability 1/H(n, 1) with H(n, 1) ~ ln n + Euler's gamma.
  const double n = 1e12;
  int ones = 0;
  constexpr int kDraws = 200'000;
  for (int i = 0; i < kDraws; ++i) {
    const double v = sdb_rand_zipf(&r, 1, n, 1.0);
    REQUIRE(v >= 1);
    REQUIRE(v <= n);
    ones += v == 1;
  }
  CHECK(ones == doctest::Approx(kDraws / (std::log(n) + 0.5772156649)).epsilon(0.05));
  CHECK(sdb_rand_zipf(&r, 7, 7, 1.0) == 7);
}

TEST_CASE("random: truncated gaussian has pgbench's shape") {
  // pgbench documents that about 67% of draws fall in the middle 1.0/param of the range and 95%
  // in the middle 2.0/param; exactly erf(k/sqrt 2) / erf(param/sqrt 2) for k stddevs.
  constexpr double kParam = 5.0;
  constexpr double kLo = 0;
  constexpr double kHi = 999'999;
  constexpr int kDraws = 200'000;
  sdb_rng r = seeded(6);
  int within_one = 0, within_two = 0, below_mid = 0;
  double sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double v = sdb_rand_gaussian(&r, kLo, kHi, kParam);
    REQUIRE(v >= kLo);
    REQUIRE(v <= kHi);
    within_one += v >= 400'000 && v < 600'000;
    within_two += v >= 300'000 && v < 700'000;
    below_mid += v < 500'000;
    sum += v;
  }
  const double norm = std::erf(kParam / std::sqrt(2.0));
  CHECK(within_one / double(kDraws) == doctest::Approx(std::erf(1 / std::sqrt(2.0)) / norm).epsilon(0.01));
  CHECK(within_two / double(kDraws) == doctest::Approx(std::erf(2 / std::sqrt(2.0)) / norm).epsilon(0.005));
  CHECK(below_mid / double(kDraws) == doctest::Approx(0.5).epsilon(0.01));
  CHECK(sum / kDraws == doctest::Approx(499'999.5).epsilon(0.002));

  SUBCASE("small ranges reach both ends") {
    std::set<double> seen;
    for (int i = 0; i < 20'000; ++i) seen.insert(sdb_rand_gaussian(&r, 1, 10, 2.0));
    CHECK(seen.size() == 10);
    CHECK(*seen.begin() == 1);
    CHECK(*seen.rbegin() == 10);
  }
  SUBCASE("a param below 2 acts as 2") {
    sdb_rng a = seeded(8);
    sdb_rng b = seeded(8);
    for (int i = 0; i < 1000; ++i) REQUIRE(sdb_rand_gaussian(&a, 1, 100, 1.0) == sdb_rand_gaussian(&b, 1, 100, 2.0));
  }
}

TEST_CASE("random: truncated exponential has the analytic mean") {
  constexpr double kLo = 1;
  constexpr double kHi = 1000;
  constexpr int kDraws = 200'000;
  for (const double param : {0.5, 5.0, 20.0}) {
    CAPTURE(param);
    // P(offset k) = (e^{-p k/N} - e^{-p (k+1)/N}) / (1 - e^{-p}) for the N values of the range.
    const double n = kHi - kLo + 1;
    double mean = 0;
    for (int k = 0; k < n; ++k) {
      mean += k * (std::exp(-param * k / n) - std::exp(-param * (k + 1) / n)) / (1 - std::exp(-param));
    }
    mean += kLo;
    sdb_rng r = seeded(9, param);
    double sum = 0;
    int lowest = 0;
    for (int i = 0; i < kDraws; ++i) {
      const double v = sdb_rand_exponential(&r, kLo, kHi, param);
      REQUIRE(v >= kLo);
      REQUIRE(v <= kHi);
      sum += v;
      lowest += v == kLo;
    }
    CHECK(sum / kDraws == doctest::Approx(mean).epsilon(0.02));
    // The first value is the most likely one: p/N of the mass, roughly.
    const double p_lowest = (1 - std::exp(-param / n)) / (1 - std::exp(-param));
    CHECK(lowest / double(kDraws) == doctest::Approx(p_lowest).epsilon(0.2));
  }
}

TEST_CASE("random: permute is a bijection and not the identity") {
  for (const double size : {1.0, 2.0, 7.0, 1000.0, 65537.0}) {
    int identities = 0;
    const double seeds[] = {0, 1, 42, -7, 123456789, 0.25};
    for (const double seed : seeds) {
      CAPTURE(size);
      CAPTURE(seed);
      const auto n = static_cast<size_t>(size);
      std::vector<char> hit(n, 0);
      bool identity = true;
      size_t fixed_points = 0;
      for (size_t i = 0; i < n; ++i) {
        const double p = sdb_rand_permute(static_cast<double>(i), size, seed);
        REQUIRE(p >= 0);
        REQUIRE(p < size);
        REQUIRE(!hit[static_cast<size_t>(p)]);
        hit[static_cast<size_t>(p)] = 1;
        identity &= p == static_cast<double>(i);
        fixed_points += p == static_cast<double>(i);
      }
      identities += identity;
      if (size >= 1000) CHECK(fixed_points < 20);  // a random permutation has one on average
    }
    if (size >= 2) CHECK(identities < static_cast<int>(std::size(seeds)));
  }
  // Indexes outside [0, size) wrap; different seeds give different permutations.
  CHECK(sdb_rand_permute(1003, 1000, 5) == sdb_rand_permute(3, 1000, 5));
  CHECK(sdb_rand_permute(-1, 1000, 5) == sdb_rand_permute(999, 1000, 5));
  int same = 0;
  for (int i = 0; i < 1000; ++i) same += sdb_rand_permute(i, 1000, 1) == sdb_rand_permute(i, 1000, 2);
  CHECK(same < 20);
  CHECK(sdb_rand_permute(5, 0, 1) == 0);
}

TEST_CASE("random: strings have the requested length and alphabet") {
  sdb_rng r = seeded(10);
  char buf[32];
  SUBCASE("alphanumeric") {
    std::set<char> seen;
    std::set<int> lengths;
    for (int i = 0; i < 5000; ++i) {
      std::fill(std::begin(buf), std::end(buf), '#');
      const int32_t len = sdb_rand_string(&r, buf, 8, 16, 0);
      REQUIRE(len >= 8);
      REQUIRE(len <= 16);
      lengths.insert(len);
      for (int k = 0; k < len; ++k) {
        REQUIRE(std::isalnum(static_cast<unsigned char>(buf[k])));
        seen.insert(buf[k]);
      }
      for (int k = len; k < 32; ++k) REQUIRE(buf[k] == '#');  // nothing written past the string
    }
    CHECK(seen.size() == 62);
    CHECK(lengths.size() == 9);
  }
  SUBCASE("digits") {
    std::set<char> seen;
    for (int i = 0; i < 1000; ++i) {
      const int32_t len = sdb_rand_string(&r, buf, 16, 16, 1);
      REQUIRE(len == 16);
      for (int k = 0; k < len; ++k) {
        REQUIRE(std::isdigit(static_cast<unsigned char>(buf[k])));
        seen.insert(buf[k]);
      }
    }
    CHECK(seen.size() == 10);
  }
  SUBCASE("lowercase") {
    std::set<char> seen;
    for (int i = 0; i < 1000; ++i) {
      const int32_t len = sdb_rand_string(&r, buf, 1, 10, 2);
      for (int k = 0; k < len; ++k) {
        REQUIRE(std::islower(static_cast<unsigned char>(buf[k])));
        seen.insert(buf[k]);
      }
    }
    CHECK(seen.size() == 26);
  }
  SUBCASE("odd lengths never overrun the buffer") {
    std::fill(std::begin(buf), std::end(buf), '#');
    CHECK(sdb_rand_string(&r, buf, 20, 4, 0) == 4);  // max_len < min_len: max_len
    CHECK(buf[4] == '#');
    CHECK(sdb_rand_string(&r, buf, -3, 0, 0) == 0);
    CHECK(stormdb::Rng(1, 2).string(5, 5).size() == 5);
  }
}
