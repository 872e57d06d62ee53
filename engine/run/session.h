// A command's session: the merged config, the described workload, the plan and the server, and
// the steps commands are made of (hooks, checks, one measured run).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/workload_info.h"
#include "metrics/result.h"
#include "pg/ephemeral_server.h"
#include "pg/preflight.h"
#include "run/engine.h"
#include "run/run_output.h"

namespace stormdb {

struct Session {
  Config cfg;
  WorkloadInfo info;
  RunPlan plan;
  std::unique_ptr<EphemeralServer> server;
  ServerInfo server_info;
  std::unique_ptr<IntervalListener> metrics;  // --metrics-listen (report/metrics_server)
  std::unique_ptr<RunOutput> output;          // how results are shown (report/console_output); never null in a run
  std::string given_script, config_file;      // as on the command line, for the commands stormdb suggests
};

// Runs a hook if the workload defines it; prints and returns false when it failed. *out gets the
// outcome, also of a failed hook.
bool run_hook(Engine &engine, Session &s, const std::string &hook, HookOutcome *out = nullptr);
// Runs check(ctx) and hands the results to s.output; returns 0, kExitCheckFailed or kExitFailure.
int run_checks(Engine &engine, Session &s, std::vector<CheckLine> &checks);
// One measured run with the engine's plan: results, summary lines, error; hands each interval to
// s.metrics and, when progress_lines, to s.output.
RunResult measure(Engine &engine, Session &s, bool progress_lines);
// Why a run that went to its end failed all the same, "" when it did not: clients left unable to
// reconnect, or no transaction completed in the measured time (exit status 1).
std::string outcome_failure(const RunResult &r);
// For a run that neither ended early nor was interrupted: sets r.failure (outcome_failure, with
// hints) and prints it on stderr as "stormdb: <what> failed: ..."; true when the run failed.
bool note_outcome_failure(RunResult &r, const std::string &what);
// A run with its report, optional checks and result files (through s.output); returns the exit
// status.
int run_measurement(Engine &engine, Session &s);
// Adds a hint to errors whose cause is a common mistake (e.g. 42P01: prepare not run).
std::string with_hint(const std::string &error);

}  // namespace stormdb
