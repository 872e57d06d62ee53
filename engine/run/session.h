// A command's session: the merged config, the described workload, the plan and the server, and
// the steps commands are made of (hooks, checks, one measured run).
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "config/config.h"
#include "pg/ephemeral_server.h"
#include "pg/preflight.h"
#include "report/metrics_server.h"
#include "metrics/result.h"
#include "run/engine.h"
#include "config/workload_info.h"

namespace stormdb {

struct Session {
  Config cfg;
  WorkloadInfo info;
  RunPlan plan;
  std::unique_ptr<EphemeralServer> server;
  ServerInfo server_info;
  std::unique_ptr<MetricsServer> metrics;  // --metrics-listen
};

// Finds the script, merges the configuration, describes the workload, builds the plan, starts a
// throwaway server when no database is named and checks the server answers. Throws UsageError.
Session open_session(const CliArgs &args);
// Runs a hook if the workload defines it; prints and returns false when it failed. *out gets the
// outcome, also of a failed hook.
bool run_hook(Engine &engine, Session &s, const std::string &hook, HookOutcome *out = nullptr);
// Runs check(ctx), prints each result; returns 0, kExitCheckFailed or kExitFailure.
int run_checks(Engine &engine, Session &s, std::vector<CheckLine> &checks);
// One measured run with the engine's plan: results, summary lines, error; prints progress lines
// when asked.
RunResult measure(Engine &engine, Session &s, bool progress_lines);
// Why a run that went to its end failed all the same, "" when it did not: clients left unable to
// reconnect, or no transaction completed in the measured time (exit status 1).
std::string outcome_failure(const RunResult &r);
// For a run that neither ended early nor was interrupted: sets r.failure (outcome_failure, with
// hints) and prints it on stderr as "stormdb: <what> failed: ..."; true when the run failed.
bool note_outcome_failure(RunResult &r, const std::string &what);
// A run with its report, optional checks and JSON; returns the exit status.
int run_measurement(Engine &engine, Session &s);
// Prints each threshold as passed/FAILED; returns true when one failed.
bool report_thresholds(std::FILE *out, const std::vector<Threshold> &ts, const nlohmann::json &result);
// Adds a hint to errors whose cause is a common mistake (e.g. 42P01: prepare not run).
std::string with_hint(const std::string &error);

}  // namespace stormdb
