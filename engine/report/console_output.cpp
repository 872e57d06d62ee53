// Console and result-file rendering of single runs, phases and bands, in the order run/ calls it.
#include "report/console_output.h"

#include <fmt/format.h>

#include <cstdio>

#include "report/console.h"
#include "report/csv_report.h"
#include "report/json_report.h"
#include "report/progressive_report.h"
#include "run/phases.h"

namespace stormdb {

void ConsoleOutput::progress(const IntervalRow &row) { print_progress(stdout, row); }

void ConsoleOutput::checks(const std::vector<CheckLine> &checks) { print_checks(stdout, checks); }

void ConsoleOutput::run_report(const RunResult &r, const Config &cfg, bool progress_lines) {
  if (progress_lines) std::printf("\n");
  print_report(stdout, r, cfg);
}

bool ConsoleOutput::run_files(const RunResult &r, const Config &cfg) {
  nlohmann::json j = result_json(r, cfg);
  write_outputs(j, cfg.json_path, cfg.html_path);
  if (!cfg.csv_path.empty()) write_csv(cfg.csv_path, r);
  return report_thresholds(stdout, cfg.thresholds, j);
}

void ConsoleOutput::phase_start(const PhaseConfig &ph, size_t index, size_t count, int clients, double tps_target) {
  std::printf("%s\n", fmt::format("== phase {} ({}/{}): {} clients, {}", ph.name, index + 1, count, clients,
                                  tps_target > 0 ? fmt::format("{:.2f} tps target", tps_target) : "closed loop")
                          .c_str());
  std::fflush(stdout);
}

void ConsoleOutput::phase_report(const PhaseRun &phase) {
  print_report(stdout, phase.result, phase.cfg);
  std::printf("\n");
}

void ConsoleOutput::phases_done(const Session &s, const std::vector<PhaseRun> &phases) {
  if (s.cfg.json_path.empty() && s.cfg.html_path.empty()) return;
  nlohmann::json runs = nlohmann::json::array();
  for (const auto &ph : phases) {
    nlohmann::json j = result_json(ph.result, ph.cfg);
    j["phase"] = ph.name;
    runs.push_back(j);
  }
  nlohmann::json j;
  j["schema"] = "stormdb.phases/1";
  j["stormdb_version"] = STORMDB_VERSION;
  j["workload"] = {{"name", s.info.name}, {"script", s.plan.script_path}};
  j["phases"] = runs;
  write_outputs(j, s.cfg.json_path, s.cfg.html_path);
}

void ConsoleOutput::band(const Band &b, size_t index, size_t count) { print_band(b, index, count); }

void ConsoleOutput::bands_done(const Session &s, const Scaling &sc) {
  print_scaling(s.cfg, sc);
  if (!s.cfg.json_path.empty() || !s.cfg.html_path.empty()) write_progressive_json(s, sc);
}

}  // namespace stormdb
