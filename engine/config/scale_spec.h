// Parsing of progressive-scaling inputs: client-count lists and strategies, and latency bounds.
#pragma once
#include <string>
#include <vector>

namespace stormdb {

// "1,2,4,8", "linear:START:END:STEP", "exponential:START:END" (doubling) or "fibonacci:START:END";
// END is always included. Throws std::invalid_argument naming what is wrong.
std::vector<int> parse_scale_clients(const std::string &spec);

// "p95<50ms": a latency statistic (mean, p50, p90, p95, p99, p99.9, max) below a duration.
struct LatencyBound {
  std::string stat;
  double limit_ms = 0;
  bool set() const { return !stat.empty(); }
};
LatencyBound parse_latency_bound(const std::string &text);

}  // namespace stormdb
