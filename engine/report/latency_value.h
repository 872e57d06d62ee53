// A latency statistic of a result row by its name (metrics/latency_stats.h), for code that
// iterates over the names: JSON rows, progressive bounds.
#pragma once
#include <string_view>

#include "metrics/latency_stats.h"
#include "report/result.h"

namespace stormdb {

// The statistic called name (one of kLatencyStats) of l, in ms; throws std::out_of_range for
// another name.
double latency_stat(const LatencyMs &l, std::string_view name);

}  // namespace stormdb
