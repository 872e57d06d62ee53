// Interval-to-interval spread of saved runs, for `compare`.
#include "report/noise.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace stormdb {

Spread interval_spread(const nlohmann::json &j, const std::string &type, const std::string &stat) {
  Spread s;
  if (!j.contains("intervals") || !j["intervals"].is_array()) return s;
  double longest = 0;
  for (const auto &iv : j["intervals"])
    if (iv.value("phase", "") == "measure") longest = std::max(longest, iv.value("span_s", 0.0));
  std::vector<double> v;
  for (const auto &iv : j["intervals"]) {
    if (iv.value("phase", "") != "measure" || iv.value("span_s", 0.0) < 0.9 * longest) continue;
    const nlohmann::json *row = nullptr;
    if (type.empty() && iv.contains("total")) row = &iv["total"];
    if (!type.empty() && iv.contains("transactions") && iv["transactions"].contains(type))
      row = &iv["transactions"][type];
    if (!row) continue;
    if (stat == "tps") {
      v.push_back(row->value("tps", 0.0));
    } else if (row->contains("latency_ms") && row->value("count", 0) > 0) {
      v.push_back((*row)["latency_ms"].value(stat, 0.0));
    }
  }
  s.intervals = static_cast<int>(v.size());
  if (v.size() < 3) return s;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  s.cv_pct = mean > 0 ? 100 * std::sqrt(ss / static_cast<double>(v.size() - 1)) / mean : 0;
  return s;
}

double combined_noise_pct(const Spread &a, const Spread &b) {
  if (a.intervals < 3 || b.intervals < 3) return -1;
  return std::sqrt(a.cv_pct * a.cv_pct + b.cv_pct * b.cv_pct);
}

}  // namespace stormdb
