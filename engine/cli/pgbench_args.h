// pgbench's script flags (--file, -b, -S, -N, -D, -M, -s and bench.sql arguments) mapped onto the
// pgbench workload's options (workloads/pgbench.lua, lua/pgbench_compat.lua).
#pragma once
#include <string>
#include <vector>

#include "cli/cli.h"

namespace CLI {
class App;
}

namespace stormdb {

struct PgbenchArgs {
  std::vector<std::string> files;     // --file FILE[@W]
  std::vector<std::string> builtins;  // -b NAME[@W]
  std::vector<std::string> defines;   // -D NAME=VALUE
  std::string scale;                  // -s/--scale
  bool select_only = false;           // -S
  bool simple_update = false;         // -N
};

// Declares the flags on a workload subcommand.
void add_pgbench_flags(CLI::App *sub, PgbenchArgs &a);

// The validator of -f/--config: an existing file that is not a pgbench script (a .sql there gets
// an error naming --file, since -f is stormdb's YAML config).
std::string check_config_file(const std::string &path);

// After parsing: bench.sql[@W] as the workload or among the extra arguments (removed from
// `extras`), --file, -b, -S, -N become the pgbench workload with its `scripts` option, -D/-M/-s its
// define/scale options (-M/--query-mode is the engine's, read by the compat layer). Throws UsageError naming the flag:
// a missing script file, a bad
// @weight, an unknown built-in (pgbench accepts unambiguous prefixes), scripts beside another workload.
void apply_pgbench_args(const PgbenchArgs &a, CliArgs &out, std::vector<std::string> &extras);

}  // namespace stormdb
