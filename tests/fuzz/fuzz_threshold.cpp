// libFuzzer target: parse_threshold (report/thresholds) on arbitrary text, then evaluation of what parsed.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "config/thresholds.h"

namespace {
// A result with a total and one transaction type, so parsed thresholds reach every evaluation path.
const nlohmann::json &sample_result() {
  static const nlohmann::json r = nlohmann::json::parse(R"({
    "total": {"tps": 100.5, "count": 1000, "failed": 3, "retries": 2,
              "latency_ms": {"p50": 1.5, "p90": 2, "p95": 3, "p99": 4, "p99.9": 5, "max": 9, "mean": 1.7}},
    "transactions": {"new_order": {"tps": 50, "count": 500, "failed": 0, "retries": 0,
              "latency_ms": {"p50": 1, "p90": 2, "p95": 3, "p99": 4, "p99.9": 5, "max": 6, "mean": 1.2}}}})");
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  try {
    const stormdb::Threshold t = stormdb::parse_threshold(text);
    (void)stormdb::evaluate_thresholds({t}, sample_result());
  } catch (const std::invalid_argument &) {
    // Bad input: the documented outcome, with a message naming the accepted forms.
  }
  return 0;
}
