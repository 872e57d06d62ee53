// Commands on saved result files: `compare` (two runs side by side) and `report` (outputs and
// thresholds from a saved run).
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/session.h"
#include "report/compare_report.h"
#include "report/json_report.h"
#include "report/saved_summary.h"

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

}  // namespace

int command_compare(const CliArgs &args) {
  nlohmann::json a = load_result(args.files[0]), b = load_result(args.files[1]);
  print_comparison(stdout, a, b, args.files[0], args.files[1]);
  return 0;
}

int command_report(const CliArgs &args) {
  nlohmann::json j = load_result(args.files[0], args.thresholds.empty());
  std::vector<Threshold> ts;
  for (const auto &t : args.thresholds) {
    try {
      ts.push_back(parse_threshold(t));
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("--threshold: {}", e.what()));
    }
  }
  if (!print_saved_summary(stdout, j, args.files[0]))
    throw UsageError(fmt::format("{}: schema '{}' is not one `report` reads (stormdb.result/, stormdb.progressive/, "
                                 "stormdb.phases/)", args.files[0], j.value("schema", "")));
  if (!args.html_out.empty()) {
    try {
      write_outputs(j, "", args.html_out);
    } catch (const std::runtime_error &e) {
      throw UsageError(fmt::format("{}: {}", args.files[0], e.what()));
    }
    std::printf("wrote %s\n", args.html_out.c_str());
  }
  return report_thresholds(stdout, ts, j) ? kExitThresholdFailed : 0;
}

}  // namespace stormdb
