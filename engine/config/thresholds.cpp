// Parsing and evaluation of --threshold expressions against the result JSON rows.
#include "config/thresholds.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

#include "base/latency_stats.h"
#include "util/duration.h"

namespace stormdb {

Threshold parse_threshold(const std::string &text) {
  static const std::regex re(
      R"(^\s*(?:([A-Za-z_][A-Za-z0-9_]*)\.)?(p50|p90|p95|p99\.9|p99|max|mean|tps|errors|retries)\s*(<=|>=|<|>)\s*([0-9.]+)\s*([a-z%]*)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw std::invalid_argument(fmt::format(
        "invalid threshold '{}': expected [type.]metric<value, e.g. p99<20ms, new_order.p90<5s, tps>1000, errors<0.1%, "
        "retries<=10 (metrics: p50 p90 p95 p99 p99.9 max mean tps errors retries; operators < <= > >=)",
        text));
  Threshold t;
  t.text = text;
  t.type = m[1].str();
  t.metric = m[2].str();
  t.op = m[3].str();
  std::string number = m[4].str(), unit = m[5].str();
  if (is_latency_stat(t.metric)) {
    try {
      t.value = parse_duration_us(number + (unit.empty() ? "ms" : unit)) / 1e3;
    } catch (const std::invalid_argument &) {
      throw std::invalid_argument(
          fmt::format("invalid threshold '{}': {} needs a duration such as 20ms or 1.5s", text, t.metric));
    }
  } else {
    try {
      size_t used = 0;
      t.value = std::stod(number, &used);
      if (used != number.size()) throw std::invalid_argument("trailing text");  // "1.2.3"
    } catch (const std::logic_error &) {  // also stod's invalid_argument (".") and out_of_range (400 digits)
      throw std::invalid_argument(fmt::format("invalid threshold '{}': '{}' is not a number", text, number));
    }
    if (unit == "%") {
      if (t.metric == "tps")
        throw std::invalid_argument(fmt::format("invalid threshold '{}': tps is not a percentage", text));
      t.percent = true;
    } else if (!unit.empty()) {
      throw std::invalid_argument(fmt::format("invalid threshold '{}': unexpected unit '{}'", text, unit));
    }
  }
  return t;
}

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold> &ts, const nlohmann::json &result) {
  std::vector<ThresholdResult> out;
  for (const auto &t : ts) {
    ThresholdResult r;
    r.threshold = t;
    const nlohmann::json *row = nullptr;
    if (t.type.empty()) {
      if (result.contains("total")) row = &result["total"];
    } else if (result.contains("transactions") && result["transactions"].contains(t.type)) {
      row = &result["transactions"][t.type];
    }
    if (!row) {
      std::string known;
      if (result.contains("transactions"))
        for (auto it = result["transactions"].begin(); it != result["transactions"].end(); ++it)
          known += (known.empty() ? "" : ", ") + it.key();
      r.detail = fmt::format("no transaction type '{}' in this run (types: {})", t.type, known);
      out.push_back(r);
      continue;
    }
    double count = row->value("count", 0.0), failed = row->value("failed", 0.0);
    std::string unit;
    if (is_latency_stat(t.metric)) {
      r.actual = (*row)["latency_ms"].value(t.metric, 0.0);
      unit = " ms";
    } else if (t.metric == "tps") {
      r.actual = row->value("tps", 0.0);
      unit = " tps";
    } else {
      double n = t.metric == "errors" ? failed : row->value("retries", 0.0);
      double all = count + failed;
      r.actual = t.percent ? (all > 0 ? 100 * n / all : 0) : n;
      unit = t.percent ? "%" : "";
    }
    if (t.op == "<") r.ok = r.actual < t.value;
    if (t.op == "<=") r.ok = r.actual <= t.value;
    if (t.op == ">") r.ok = r.actual > t.value;
    if (t.op == ">=") r.ok = r.actual >= t.value;
    r.detail = fmt::format("{}{} = {:.3f}{}", t.type.empty() ? "" : t.type + ".", t.metric, r.actual, unit);
    out.push_back(r);
  }
  return out;
}

}  // namespace stormdb
