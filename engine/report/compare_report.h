// `stormdb compare A.json B.json`: two saved runs side by side, each change beside the runs' own
// interval-to-interval noise, so that a difference inside it is flagged rather than read as a result.
#pragma once
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace stormdb {

// Prints the comparison of runs a and b (stormdb.result/ JSON read from path_a and path_b):
// per transaction type and in total, tps and latency p50/p95/p99/max with the change in %, the
// noise (each side's interval spread combined, see report/noise.h) and "within noise" when the
// change is not larger than it.
void print_comparison(std::FILE *out, const nlohmann::json &a, const nlohmann::json &b, const std::string &path_a,
                      const std::string &path_b);

}  // namespace stormdb
