// Unit tests of the interval spread `compare` shows: coefficient of variation over full measured
// intervals, the short last interval and warmup left out, and no spread from too few intervals.
#include <doctest/doctest.h>

#include <cmath>

#include "report/noise.h"

using namespace stormdb;

namespace {
nlohmann::json run(std::initializer_list<double> tps, double last_span = 1.0) {
  nlohmann::json j;
  j["intervals"] = nlohmann::json::array();
  j["intervals"].push_back({{"phase", "warmup"}, {"span_s", 1.0}, {"total", {{"tps", 1e6}, {"count", 1}}}});
  size_t i = 0;
  for (double x : tps) {
    double span = ++i == tps.size() ? last_span : 1.0;
    nlohmann::json row{{"tps", x}, {"count", 10}, {"latency_ms", {{"p99", x / 100}}}};
    j["intervals"].push_back(
        {{"phase", "measure"}, {"span_s", span}, {"total", row}, {"transactions", {{"get", row}}}});
  }
  return j;
}
}  // namespace

TEST_CASE("interval spread is the coefficient of variation of full measured intervals") {
  Spread s = interval_spread(run({90, 100, 110, 5}, 0.2), "", "tps");  // the 0.2 s tail is left out
  CHECK(s.intervals == 3);
  CHECK(s.cv_pct == doctest::Approx(10.0));  // sd 10 around 100
  CHECK(interval_spread(run({90, 100, 110}), "get", "p99").cv_pct == doctest::Approx(10.0));
  CHECK(interval_spread(run({100, 100, 100}), "", "tps").cv_pct == 0);
  CHECK(interval_spread(run({90, 110}), "", "tps").intervals == 2);
  CHECK(interval_spread(nlohmann::json::object(), "", "tps").intervals == 0);
}

TEST_CASE("combined noise of two runs, or none when a side has too few intervals") {
  Spread a{5, 3}, b{5, 4}, few{2, 0};
  CHECK(combined_noise_pct(a, b) == doctest::Approx(5.0));
  CHECK(combined_noise_pct(a, few) == -1);
}
