// Commands on saved result files: `compare` (two runs side by side) and `report` (outputs and
// thresholds from a saved run).
#include "report/saved_results.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "report/compare_report.h"
#include "report/console.h"
#include "report/json_report.h"
#include "report/saved_summary.h"
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
  if (!j.is_object())
    throw UsageError(fmt::format("{}: not a stormdb result (the top level must be a JSON object)", path));
  std::string schema = j.value("schema", "");
  if (any_schema && schema.rfind("stormdb.", 0) == 0) return j;
  if (schema.rfind("stormdb.result/", 0) != 0)
    throw UsageError(
        fmt::format("{}: schema '{}' is not a stormdb run result (stormdb.result/1, written by --json)", path, schema));
  return j;
}

}  // namespace

int compare_results(const std::string &a_path, const std::string &b_path) {
  nlohmann::json a = load_result(a_path), b = load_result(b_path);
  print_comparison(stdout, a, b, a_path, b_path);
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
  if (!print_saved_summary(stdout, j, path))
    throw UsageError(
        fmt::format("{}: schema '{}' is not one `report` reads (stormdb.result/, stormdb.progressive/, "
                    "stormdb.phases/)",
                    path, j.value("schema", "")));
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
