// Command-line parsing (CLI11): subcommands, pgbench-familiar flags and workload --name=value options.
#pragma once
#include <string>
#include <vector>

#include "config/config.h"

namespace stormdb {

struct CliArgs {
  std::string command;             // run, prepare, cleanup, check, list, server-start, server-stop, help (NAME --help)
  std::string script;              // as given (may be a bare name such as "tpcc")
  std::string config_file;         // -f
  std::string server_dir;          // server start/stop
  Layer layer;                     // settings and workload options given on the command line
  std::vector<std::string> path;   // --path DIRs (workload search path)
  std::vector<std::string> files;  // compare A.json B.json, report RUN.json
  std::string html_out;            // report --html
  std::vector<std::string> thresholds;  // report --threshold
};

// Parses argv. Returns false after printing --help or --version output (exit 0). Throws
// UsageError for bad flags.
bool parse_cli(int argc, char **argv, CliArgs &out);

}  // namespace stormdb
