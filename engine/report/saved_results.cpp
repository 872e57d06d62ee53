// Commands on saved result files: `compare` (two runs side by side) and `report` (outputs and
// thresholds from a saved run).
#include "report/saved_results.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "report/console.h"
#include "report/json_report.h"
#include "run/exit_status.h"

namespace stormdb {
namespace {

nlohmann::json load_result(const std::string &path, bool any_schema = false) {
  std::ifstream f(path);
  if (!f) throw UsageError(fmt::format("{}: cannot read the file", path));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::parse_error &e) {
    throw UsageError(fmt::format("{}: not a JSON file: {}", path, e.what()));
  }
  if (!j.is_object()) throw UsageError(fmt::format("{}: not a stormdb result (the top level must be a JSON object)", path));
  std::string schema = j.value("schema", "");
  if (any_schema && schema.rfind("stormdb.", 0) == 0) return j;
  if (schema.rfind("stormdb.result/", 0) != 0)
    throw UsageError(fmt::format("{}: schema '{}' is not a stormdb run result (stormdb.result/1, written by --json)", path,
                                 schema));
  return j;
}

std::string change(double a, double b) {
  if (a == 0) return b == 0 ? "0.0%" : "n/a";
  return fmt::format("{:+.1f}%", 100 * (b - a) / a);
}

void compare_row(const std::string &name, const nlohmann::json *a, const nlohmann::json *b) {
  auto num = [](const nlohmann::json *r, const char *k) { return r ? r->value(k, 0.0) : 0.0; };
  auto lat = [](const nlohmann::json *r, const char *k) {
    return r && r->contains("latency_ms") ? (*r)["latency_ms"].value(k, 0.0) : 0.0;
  };
  std::printf("%s\n", fmt::format("{:<16} {:>12.1f} {:>12.1f} {:>8}", name, num(a, "tps"), num(b, "tps"),
                                  change(num(a, "tps"), num(b, "tps"))).c_str());
  for (const char *p : {"p50", "p95", "p99", "max"})
    std::printf("%s\n", fmt::format("  {:<14} {:>10.3f}ms {:>10.3f}ms {:>8}", p, lat(a, p), lat(b, p),
                                    change(lat(a, p), lat(b, p))).c_str());
  std::printf("%s\n", fmt::format("  {:<14} {:>12.0f} {:>12.0f} {:>8}", "failed", num(a, "failed"), num(b, "failed"),
                                  change(num(a, "failed"), num(b, "failed"))).c_str());
}

}  // namespace

int compare_results(const std::string &a_path, const std::string &b_path) {
  nlohmann::json a = load_result(a_path), b = load_result(b_path);
  std::printf("A: %s (%s, %s clients, %.1f s)\nB: %s (%s, %s clients, %.1f s)\n\n", a_path.c_str(),
              a["workload"].value("name", "?").c_str(), a["config"].value("clients", nlohmann::json(0)).dump().c_str(),
              a.value("elapsed_s", 0.0), b_path.c_str(), b["workload"].value("name", "?").c_str(),
              b["config"].value("clients", nlohmann::json(0)).dump().c_str(), b.value("elapsed_s", 0.0));
  std::printf("%s\n", fmt::format("{:<16} {:>12} {:>12} {:>8}", "transaction", "A tps", "B tps", "change").c_str());
  std::vector<std::string> names;
  for (const auto *j : {&a, &b})
    if (j->contains("transactions"))
      for (auto it = (*j)["transactions"].begin(); it != (*j)["transactions"].end(); ++it)
        if (std::find(names.begin(), names.end(), it.key()) == names.end()) names.push_back(it.key());
  auto row = [](const nlohmann::json &j, const std::string &n) -> const nlohmann::json * {
    return j.contains("transactions") && j["transactions"].contains(n) ? &j["transactions"][n] : nullptr;
  };
  for (const auto &n : names) compare_row(n, row(a, n), row(b, n));
  compare_row("total", &a["total"], &b["total"]);
  return 0;
}

int report_saved(const std::string &path, const std::vector<std::string> &thresholds, const std::string &html_out) {
  nlohmann::json j = load_result(path, thresholds.empty());
  std::vector<Threshold> ts;
  for (const auto &t : thresholds) {
    try {
      ts.push_back(parse_threshold(t));
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("--threshold: {}", e.what()));
    }
  }
  const auto &total = j.contains("total") ? j["total"] : nlohmann::json::object();
  if (j.contains("total")) std::printf("%s\n", fmt::format("{}: {} transactions in {:.3f} s, {:.1f} tps, p99 {:.3f} ms, {} failed",
                                  path, total.value("count", 0), j.value("elapsed_s", 0.0), total.value("tps", 0.0),
                                  total["latency_ms"].value("p99", 0.0), total.value("failed", 0)).c_str());
  if (!html_out.empty()) {
    try {
      write_outputs(j, "", html_out);
    } catch (const std::runtime_error &e) {
      throw UsageError(fmt::format("{}: {}", path, e.what()));
    }
    std::printf("wrote %s\n", html_out.c_str());
  }
  return report_thresholds(stdout, ts, j) ? kExitThresholdFailed : 0;
}

}  // namespace stormdb
