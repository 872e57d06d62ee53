// Opening a command's session (run/session.h) from the parsed command line.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "run/session.h"

namespace stormdb {

// Finds the script, merges the configuration, describes the workload, builds the plan, starts a
// throwaway server when no database is named and checks the server answers; results are shown on
// the console (report/console_output), intervals served on --metrics-listen. Throws UsageError.
Session open_session(const CliArgs &args);
// Starts the throwaway server of a run or of `server start`: binaries from pg_bin (source names
// its option in messages; "" = the newest installed), pg_stat_statements preloaded and created,
// first_settings ("name=value") then the user's settings, which win. Throws UsageError naming
// the option when the server rejects a setting or pg_bin holds no server binaries.
std::unique_ptr<EphemeralServer> start_throwaway_server(const std::string &pg_bin, const std::string &source,
                                                        const std::map<std::string, RawValue> &settings,
                                                        std::vector<std::string> first_settings);

}  // namespace stormdb
