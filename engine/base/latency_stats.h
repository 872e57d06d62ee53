// The latency statistics stormdb reports, named in one place: the JSON keys of latency_ms,
// service_ms and timings, and the metrics of --threshold and --scale-latency-bound.
#pragma once
#include <algorithm>
#include <array>
#include <string_view>

namespace stormdb {

// Every named latency statistic, in the order tables print them.
inline constexpr std::array<std::string_view, 7> kLatencyStats = {"mean", "p50", "p90", "p95", "p99", "p99.9", "max"};

// True for a name of kLatencyStats.
inline bool is_latency_stat(std::string_view name) {
  return std::find(kLatencyStats.begin(), kLatencyStats.end(), name) != kLatencyStats.end();
}

}  // namespace stormdb
