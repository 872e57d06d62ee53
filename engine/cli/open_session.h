// Opening a command's session (run/session.h) from the parsed command line.
#pragma once

#include "cli/cli.h"
#include "run/session.h"

namespace stormdb {

// Finds the script, merges the configuration, describes the workload, builds the plan, starts a
// throwaway server when no database is named and checks the server answers; results are shown on
// the console (report/console_output), intervals served on --metrics-listen. Throws UsageError.
Session open_session(const CliArgs &args);

}  // namespace stormdb
