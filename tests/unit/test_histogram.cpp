// Unit tests of the latency histogram: percentile accuracy against exact sorting, merge, clamping, reset.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "metrics/histogram.h"

using stormdb::Histogram;

namespace {

// Percentiles in thousandths of a percent, so the exact rank is computed with integers only.
constexpr int64_t kPercentilesMilli[] = {0,     1000,  10000, 25000, 50000, 75000,
                                         90000, 99000, 99900, 99990, 99999, 100000};

// The ceil(p/100 * n)-th smallest sample (at least the first), by exact integer arithmetic.
int64_t exact_percentile(const std::vector<int64_t> &sorted, int64_t p_milli) {
  const auto n = static_cast<int64_t>(sorted.size());
  int64_t rank = (p_milli * n + 99'999) / 100'000;
  rank = std::clamp<int64_t>(rank, 1, n);
  return sorted[static_cast<size_t>(rank - 1)];
}

// Checks every percentile of `h` against the sorted samples, 0.1% relative tolerance.
void check_percentiles(const Histogram &h, std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  for (const int64_t p_milli : kPercentilesMilli) {
    const double p = static_cast<double>(p_milli) / 1000.0;
    const int64_t exact = exact_percentile(values, p_milli);
    const int64_t got = h.percentile(p);
    CAPTURE(p);
    CAPTURE(exact);
    CAPTURE(got);
    CHECK(std::abs(static_cast<double>(got - exact)) <= 0.001 * static_cast<double>(exact));
  }
}

double exact_mean(const std::vector<int64_t> &values) {
  long double sum = 0;
  for (int64_t v : values) sum += static_cast<long double>(v);
  return static_cast<double>(sum / static_cast<long double>(values.size()));
}

double exact_stddev(const std::vector<int64_t> &values) {
  const long double mean = exact_mean(values);
  long double squares = 0;
  for (int64_t v : values) squares += (v - mean) * (v - mean);
  return static_cast<double>(std::sqrt(squares / static_cast<long double>(values.size())));
}

// Log-uniform latencies from 1 us to 1 h.
std::vector<int64_t> log_uniform_values(uint64_t seed, size_t n) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> exponent(0.0, std::log(3.6e9));
  std::vector<int64_t> values(n);
  for (auto &v : values) v = std::max<int64_t>(1, std::llround(std::exp(exponent(gen))));
  return values;
}

}  // namespace

TEST_CASE("histogram: an empty histogram reports zeros") {
  Histogram h;
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.stddev() == 0.0);
  CHECK(h.percentile(0) == 0);
  CHECK(h.percentile(50) == 0);
  CHECK(h.percentile(100) == 0);
  CHECK(h.nonzero_buckets().empty());
}

TEST_CASE("histogram: percentiles of log-uniform latencies are within 0.1% of the exact ones") {
  for (const uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    CAPTURE(seed);
    const auto values = log_uniform_values(seed, 100'000);
    Histogram h;
    for (int64_t v : values) h.record(v);
    CHECK(h.count() == values.size());
    CHECK(h.min() == *std::min_element(values.begin(), values.end()));
    CHECK(h.max() == *std::max_element(values.begin(), values.end()));
    CHECK(h.mean() == doctest::Approx(exact_mean(values)).epsilon(1e-12));
    CHECK(h.stddev() == doctest::Approx(exact_stddev(values)).epsilon(1e-9));
    check_percentiles(h, values);
  }
}

TEST_CASE("histogram: exact sequences") {
  SUBCASE("values below 2048 are exact") {
    Histogram h;
    std::vector<int64_t> values;
    for (int64_t v = 1; v <= 1000; ++v) {
      h.record(v);
      values.push_back(v);
    }
    CHECK(h.percentile(50) == 500);
    CHECK(h.percentile(99.9) == 999);
    CHECK(h.percentile(99.95) == 1000);
    CHECK(h.percentile(0) == 1);
    CHECK(h.percentile(0.1) == 1);
    CHECK(h.percentile(100) == 1000);
    CHECK(h.mean() == doctest::Approx(500.5).epsilon(1e-15));
    check_percentiles(h, values);
  }
  SUBCASE("one to ten thousand") {
    Histogram h;
    std::vector<int64_t> values;
    for (int64_t v = 1; v <= 10'000; ++v) {
      h.record(v);
      values.push_back(v);
    }
    // 5000 lies in the 4-wide sub-bucket 5000..5003 (4096 <= v < 8192).
    CHECK(h.percentile(50) == 5003);
    check_percentiles(h, values);
  }
  SUBCASE("a single repeated value is reported exactly at every percentile") {
    Histogram h;
    h.record_n(123'456'789, 1000);
    for (double p : {0.0, 1.0, 50.0, 99.0, 100.0}) CHECK(h.percentile(p) == 123'456'789);
    CHECK(h.stddev() == doctest::Approx(0.0));
  }
  SUBCASE("percentiles never leave [min, max]") {
    Histogram h;
    h.record(1);
    h.record((int64_t{1} << 31) + 12'345);  // inside a 2^21-wide sub-bucket
    CHECK(h.percentile(50) == 1);
    CHECK(h.percentile(50.1) == (int64_t{1} << 31) + 12'345);
    CHECK(h.percentile(99) == (int64_t{1} << 31) + 12'345);
  }
  SUBCASE("powers of two and their neighbours") {
    Histogram h;
    std::vector<int64_t> values;
    for (int shift = 0; shift <= 32; ++shift) {
      for (int64_t delta : {-1, 0, 1}) {
        const int64_t v = (int64_t{1} << shift) + delta;
        if (v < 1 || v > Histogram::kMaxTrackable) continue;
        h.record(v);
        values.push_back(v);
      }
    }
    check_percentiles(h, values);
  }
}

TEST_CASE("histogram: every value shares its counter only with values within 1/1024") {
  for (int64_t v = 1; v <= Histogram::kMaxTrackable; v = v + v / 7 + 1) {
    const int64_t low = Histogram::lowest_equivalent(v);
    const int64_t high = Histogram::highest_equivalent(v);
    CAPTURE(v);
    CHECK(low <= v);
    CHECK(v <= high);
    CHECK(high - low + 1 <= std::max<int64_t>(1, v / 1024));
    if (high + 1 <= Histogram::kMaxTrackable) {
      CHECK(Histogram::lowest_equivalent(high + 1) == high + 1);  // next counter starts right after
    }
  }
}

TEST_CASE("histogram: p100 is the exact maximum") {
  Histogram h;
  h.record(10);
  h.record(1'234'567);
  CHECK(h.percentile(100) == 1'234'567);
  CHECK(h.percentile(100.0) == h.max());
  CHECK(h.percentile(250) == 1'234'567);  // out-of-range p is clamped
  CHECK(h.percentile(-5) == 10);
}

TEST_CASE("histogram: merging equals recording everything in one histogram") {
  const auto a_values = log_uniform_values(11, 20'000);
  const auto b_values = log_uniform_values(12, 30'000);
  Histogram a, b, all;
  for (int64_t v : a_values) {
    a.record(v);
    all.record(v);
  }
  for (int64_t v : b_values) {
    b.record(v);
    all.record(v);
  }
  Histogram merged;
  merged.merge(a);
  merged.merge(b);
  merged.merge(Histogram{});  // merging an empty histogram changes nothing
  CHECK(merged.count() == all.count());
  CHECK(merged.min() == all.min());
  CHECK(merged.max() == all.max());
  CHECK(merged.mean() == all.mean());
  CHECK(merged.stddev() == doctest::Approx(all.stddev()).epsilon(1e-12));
  for (int64_t p_milli : kPercentilesMilli) {
    const double p = static_cast<double>(p_milli) / 1000.0;
    CHECK(merged.percentile(p) == all.percentile(p));
  }
  const auto mb = merged.nonzero_buckets();
  const auto ab = all.nonzero_buckets();
  REQUIRE(mb.size() == ab.size());
  for (size_t i = 0; i < mb.size(); ++i) {
    CHECK(mb[i].low == ab[i].low);
    CHECK(mb[i].high == ab[i].high);
    CHECK(mb[i].count == ab[i].count);
  }
}

TEST_CASE("histogram: values outside the trackable range are clamped") {
  Histogram h;
  h.record(Histogram::kMaxTrackable * 10);
  h.record(Histogram::kMaxTrackable + 1);
  h.record(Histogram::kMaxTrackable);
  CHECK(h.count() == 3);
  CHECK(h.clamped_count() == 2);
  CHECK(h.max() == Histogram::kMaxTrackable);
  CHECK(h.percentile(100) == Histogram::kMaxTrackable);
  CHECK(h.percentile(50) == Histogram::kMaxTrackable);
  CHECK(h.mean() == doctest::Approx(static_cast<double>(Histogram::kMaxTrackable)));

  Histogram low;
  low.record(-5);
  low.record(0);
  CHECK(low.count() == 2);
  CHECK(low.min() == 0);
  CHECK(low.max() == 0);
  CHECK(low.percentile(100) == 0);
  REQUIRE(low.nonzero_buckets().size() == 1);
  CHECK(low.nonzero_buckets()[0].low == 0);
  CHECK(low.nonzero_buckets()[0].count == 2);
}

TEST_CASE("histogram: record_n equals n records") {
  Histogram a, b;
  a.record_n(777'777, 5);
  a.record_n(3, 0);  // no-op
  for (int i = 0; i < 5; ++i) b.record(777'777);
  CHECK(a.count() == 5);
  CHECK(a.min() == b.min());
  CHECK(a.max() == b.max());
  CHECK(a.mean() == b.mean());
  CHECK(a.percentile(50) == b.percentile(50));
}

TEST_CASE("histogram: nonzero buckets are ascending and hold every sample") {
  const auto values = log_uniform_values(5, 10'000);
  Histogram h;
  for (int64_t v : values) h.record(v);
  const auto buckets = h.nonzero_buckets();
  REQUIRE(!buckets.empty());
  uint64_t total = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    CHECK(buckets[i].low <= buckets[i].high);
    CHECK(buckets[i].count > 0);
    if (i > 0) CHECK(buckets[i - 1].high < buckets[i].low);
    total += buckets[i].count;
  }
  CHECK(total == h.count());
  CHECK(buckets.front().low <= h.min());
  CHECK(buckets.back().high >= h.max());
  // Every sample falls into one of the listed buckets.
  for (int64_t v : values) {
    const auto it = std::lower_bound(buckets.begin(), buckets.end(), v,
                                     [](const Histogram::Bucket &b, int64_t x) { return b.high < x; });
    REQUIRE(it != buckets.end());
    CHECK(it->low <= v);
  }
}

TEST_CASE("histogram: reset empties the histogram and it can be reused") {
  Histogram h;
  for (int64_t v : log_uniform_values(7, 1000)) h.record(v);
  h.reset();
  CHECK(h.count() == 0);
  CHECK(h.min() == 0);
  CHECK(h.max() == 0);
  CHECK(h.mean() == 0.0);
  CHECK(h.clamped_count() == 0);
  CHECK(h.nonzero_buckets().empty());
  CHECK(h.percentile(99) == 0);
  h.record(42);
  h.record(43);
  CHECK(h.count() == 2);
  CHECK(h.min() == 42);
  CHECK(h.percentile(100) == 43);
  CHECK(h.nonzero_buckets().size() == 2);
}

TEST_CASE("histogram: a copy holds the same samples and stays independent of the original") {
  Histogram h;
  std::vector<int64_t> values = log_uniform_values(11, 5000);
  for (int64_t v : values) h.record(v);
  Histogram copy(h);
  check_percentiles(copy, values);
  CHECK(copy.nonzero_buckets().size() == h.nonzero_buckets().size());
  CHECK(copy.mean() == h.mean());
  Histogram assigned;
  assigned.record(7);
  assigned = h;
  check_percentiles(assigned, values);
  h.reset();
  h.record(0);
  check_percentiles(copy, values);  // the copy kept its own counters
  copy.merge(h);
  CHECK(copy.count() == values.size() + 1);
  CHECK(copy.min() == 0);
}
