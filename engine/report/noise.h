// Interval-to-interval spread of a saved run (from its JSON "intervals"), which `compare` shows
// beside each change so that a difference inside the runs' own noise is not read as a result.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace stormdb {

struct Spread {
  int intervals = 0;  // measured intervals the spread is over (full-length ones only)
  double cv_pct = 0;  // sample standard deviation / mean of the per-interval values, in %
};

// Spread of one statistic over the measured intervals of result j: stat is "tps" or a latency
// key of "latency_ms" ("p50", "p95", "p99", "max"); type is a transaction name or "" for the
// total. Intervals shorter than 90% of the longest (the last, cut by the end) are left out.
// Fewer than 3 intervals give intervals < 3 and cv_pct 0: no spread can be told.
Spread interval_spread(const nlohmann::json &j, const std::string &type, const std::string &stat);

// The noise of a difference between two runs: the two spreads combined (root of the sum of
// squares), in %; -1 when either side has fewer than 3 intervals.
double combined_noise_pct(const Spread &a, const Spread &b);

}  // namespace stormdb
