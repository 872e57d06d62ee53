// k6-style pass/fail thresholds on a run's results, e.g. 'p99<20ms', 'new_order.p90<5s', 'errors<0.1%'.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stormdb {

struct Threshold {
  std::string text;    // as given
  std::string type;    // transaction type, "" for the total
  std::string metric;  // p50 p90 p95 p99 p99.9 max mean tps errors retries
  std::string op;      // < <= > >=
  double value = 0;    // ms for latencies, tps, a count, or a percentage
  bool percent = false;
};

struct ThresholdResult {
  Threshold threshold;
  bool ok = false;
  double actual = 0;
  std::string detail;  // "p99 = 3.214 ms", or why it could not be evaluated
};

// Parses one expression; throws std::invalid_argument naming what is wrong and the accepted forms.
Threshold parse_threshold(const std::string &text);
// Evaluates against a result JSON (schema stormdb.result/1: "total" and "transactions" rows).
// A missing transaction type fails the threshold with a detail naming the known types.
std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold> &ts, const nlohmann::json &result);

}  // namespace stormdb
