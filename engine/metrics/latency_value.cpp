// Values of the named latency statistics in a LatencyMs.
#include "metrics/latency_value.h"

#include <stdexcept>
#include <string>

namespace stormdb {

double latency_stat(const LatencyMs &l, std::string_view name) {
  if (name == "mean") return l.mean;
  if (name == "p50") return l.p50;
  if (name == "p90") return l.p90;
  if (name == "p95") return l.p95;
  if (name == "p99") return l.p99;
  if (name == "p99.9") return l.p999;
  if (name == "max") return l.max;
  throw std::out_of_range("no latency statistic named '" + std::string(name) + "'");
}

}  // namespace stormdb
