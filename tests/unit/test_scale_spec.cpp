// Unit tests of --scale-clients strategies and --scale-latency-bound parsing.
#include <doctest/doctest.h>

#include <stdexcept>

#include "config/scale_spec.h"

using namespace stormdb;

TEST_CASE("client-count strategies") {
  CHECK(parse_scale_clients("1,2,4,8") == std::vector<int>{1, 2, 4, 8});
  CHECK(parse_scale_clients("8,1,4,4") == std::vector<int>{1, 4, 8});
  CHECK(parse_scale_clients("linear:1:64:8") == std::vector<int>{1, 9, 17, 25, 33, 41, 49, 57, 64});
  CHECK(parse_scale_clients("exponential:1:256") == std::vector<int>{1, 2, 4, 8, 16, 32, 64, 128, 256});
  CHECK(parse_scale_clients("exponential:3:20") == std::vector<int>{3, 6, 12, 20});
  CHECK(parse_scale_clients("fibonacci:1:89") == std::vector<int>{1, 2, 3, 5, 8, 13, 21, 34, 55, 89});
  CHECK_THROWS_WITH_AS(parse_scale_clients("1,x"), doctest::Contains("invalid client count 'x'"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_scale_clients("linear:1:8"), doctest::Contains("linear:START:END:STEP"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_scale_clients("cubic:1:8"), doctest::Contains("expected a list"), std::invalid_argument);
  CHECK_THROWS_AS(parse_scale_clients("0,1"), std::invalid_argument);
}

TEST_CASE("latency bounds") {
  LatencyBound b = parse_latency_bound("p95<50ms");
  CHECK(b.stat == "p95");
  CHECK(b.limit_ms == doctest::Approx(50));
  CHECK(parse_latency_bound("p99.9<1s").limit_ms == doctest::Approx(1000));
  CHECK_THROWS_WITH_AS(parse_latency_bound("p97<5ms"), doctest::Contains("p95<50ms"), std::invalid_argument);
  CHECK_THROWS_AS(parse_latency_bound("p95>5ms"), std::invalid_argument);
}
