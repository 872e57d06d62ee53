// A latency statistic of a result row by its name (base/latency_stats.h), for code that
// iterates over the names: JSON rows, progressive bounds.
#pragma once
#include <string_view>

#include "base/latency_stats.h"
#include "metrics/result.h"

namespace stormdb {

// The statistic called name (one of kLatencyStats) of l, in ms; throws std::out_of_range for
// another name.
double latency_stat(const LatencyMs &l, std::string_view name);

}  // namespace stormdb
