// Entry points of the subcommands, called by main with the parsed command line.
#pragma once
#include <string>

#include "cli/cli.h"
#include "run/exit_status.h"

namespace stormdb {

// run, prepare, cleanup, check. Returns the exit status.
int command_workload(const CliArgs &args);
int command_list(const CliArgs &args);
// After CLI11's help of `run NAME --help` (and prepare/cleanup/check/list): the workload's
// description and options. Exit status 0, or 2 when the script cannot be found or loaded.
int command_workload_help(const CliArgs &args);
// compare A.json B.json: per-type throughput and latency side by side with the change in %.
int command_compare(const CliArgs &args);
// report RUN.json [--html FILE] [--threshold ...]: outputs rebuilt from a saved run.
int command_report(const CliArgs &args);
int command_server(const CliArgs &args);
// plugin list | plugin check FILE (engine/cli/plugin_commands.cpp).
int command_plugin(const CliArgs &args);
// Resolves a workload given by path or by name on the search path; throws UsageError.
std::string find_script(const CliArgs &args, const std::string &given);

}  // namespace stormdb
