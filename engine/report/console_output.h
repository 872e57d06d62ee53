// The console and result-file rendering of a command's runs (run/run_output.h): what the user sees
// on stdout and what --json/--html/--csv and --threshold produce.
#pragma once

#include "run/run_output.h"

namespace stormdb {

// Renders on stdout and into the configured result files; cli/ hands one to each session.
class ConsoleOutput final : public RunOutput {
 public:
  void progress(const IntervalRow &row) override;
  void checks(const std::vector<CheckLine> &checks) override;
  void run_report(const RunResult &r, const Config &cfg, bool progress_lines) override;
  bool run_files(const RunResult &r, const Config &cfg) override;
  void phase_start(const PhaseConfig &phase, size_t index, size_t count, int clients, double tps_target) override;
  void phase_report(const PhaseRun &phase) override;
  void phases_done(const Session &s, const std::vector<PhaseRun> &phases) override;
  void band(const Band &band, size_t index, size_t count) override;
  void bands_done(const Session &s, const Scaling &scaling) override;
};

}  // namespace stormdb
