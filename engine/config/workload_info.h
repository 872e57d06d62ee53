// What a workload script declares (name, options, mix, hooks), read from its `workload` table
// (script/describe.h reads it).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace stormdb {

struct OptionDecl {
  std::string name;
  std::string type;           // "number", "string" or "boolean"
  std::string default_value;  // as text
  std::string help;
  std::vector<std::string> choices;  // empty: any value of the type
  bool integer = false;              // a number that must be whole (declared type = "integer")
  std::string min, max;              // inclusive bounds of a number, as text; empty: none
};

// The option's constraints as shown by `list` and `--help`, e.g. "integer, 1..64" or "a|b"; "" when none.
std::string option_constraints(const OptionDecl &o);

struct WorkloadInfo {
  std::string path;
  std::string name;
  std::string description;
  std::vector<OptionDecl> options;                  // sorted by name
  std::vector<std::pair<std::string, double>> mix;  // sorted by name
  bool deck = false;
  bool one_client_per_thread = false;  // workload.one_client_per_thread (sysbench scripts: globals per thread)
  std::string query_mode;  // workload.query_mode: its default -M mode ("" = prepared), e.g. simple for pgbench scripts
  std::vector<std::pair<std::string, int>> background;
  std::vector<std::string> hooks;  // hooks the script defines: prepare, cleanup, check, summary, ...

  bool has_hook(const std::string &h) const;
  const OptionDecl *option(const std::string &name) const;
};

}  // namespace stormdb
