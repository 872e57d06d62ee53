// What orchestration hands to rendering: run/ decides what runs and in which order, an
// implementation in report/ (wired by cli/) decides how it looks. run/ may not include report/.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "metrics/result.h"
#include "metrics/stats.h"

namespace stormdb {

struct Session;
struct PhaseRun;
struct Band;
struct Scaling;

// The output of a command's runs, called on the main thread in the order the user sees it.
class RunOutput {
 public:
  virtual ~RunOutput() = default;
  // One interval of a measured run, when progress lines are on (report_interval > 0, not quiet).
  virtual void progress(const IntervalRow &row) = 0;
  // The results of check(ctx).
  virtual void checks(const std::vector<CheckLine> &checks) = 0;
  // The report of a finished single run. progress_lines: progress lines came before it.
  virtual void run_report(const RunResult &r, const Config &cfg, bool progress_lines) = 0;
  // The result files of a finished single run (--json, --html, --csv), then its --threshold
  // lines; returns true when a threshold failed. Throws std::runtime_error when a file cannot be
  // written.
  virtual bool run_files(const RunResult &r, const Config &cfg) = 0;
  // The header before phase `index` (0-based) of `count`, run with `clients` at `tps_target`
  // (0: closed loop).
  virtual void phase_start(const PhaseConfig &phase, size_t index, size_t count, int clients, double tps_target) = 0;
  // The report of a finished phase.
  virtual void phase_report(const PhaseRun &phase) = 0;
  // After the last phase: the phases' result files (schema stormdb.phases/1) when asked for.
  virtual void phases_done(const Session &s, const std::vector<PhaseRun> &phases) = 0;
  // The line of finished band `index` (0-based) of `count`.
  virtual void band(const Band &band, size_t index, size_t count) = 0;
  // After the last band: the table, the USL fit, the best band, and the result files
  // (schema stormdb.progressive/1) when asked for.
  virtual void bands_done(const Session &s, const Scaling &scaling) = 0;
};

// Live intervals for a listener outside the run (the --metrics-listen endpoint), fed on the main
// thread as each interval completes.
class IntervalListener {
 public:
  virtual ~IntervalListener() = default;
  // A complete interval (any phase); names index its transaction types.
  virtual void add_interval(const IntervalStats &iv, const std::vector<std::string> &names) = 0;
  // The PostgreSQL sampler's record over that interval (see docs/outputs.md "postgres").
  virtual void set_postgres(const nlohmann::json &record) = 0;
};

}  // namespace stormdb
