// Unit tests of the one list of latency statistic names and the value each names in a row.
#include <doctest/doctest.h>

#include <stdexcept>

#include "metrics/latency_value.h"

using namespace stormdb;

TEST_CASE("every named latency statistic reads its own field, and only those names are statistics") {
  LatencyMs l;
  l.mean = 1, l.p50 = 2, l.p90 = 3, l.p95 = 4, l.p99 = 5, l.p999 = 6, l.max = 7;
  double expected = 1;
  for (auto name : kLatencyStats) {
    CHECK(is_latency_stat(name));
    CHECK(latency_stat(l, name) == expected++);
  }
  CHECK(!is_latency_stat("p98"));
  CHECK(!is_latency_stat("tps"));
  CHECK_THROWS_AS(latency_stat(l, "p98"), std::out_of_range);
}
