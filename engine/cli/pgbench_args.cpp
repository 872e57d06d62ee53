// pgbench's script flags (--file, -b, -S, -N, -D, -s and bench.sql arguments) mapped onto the
// pgbench workload's options (workloads/pgbench.lua, lua/pgbench_compat.lua).
#include "cli/pgbench_args.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <regex>

namespace stormdb {
namespace fs = std::filesystem;

namespace {

const char *const kBuiltins[] = {"tpcb-like", "simple-update", "select-only"};

// "bench.sql" or "bench.sql@3": a pgbench script argument.
bool is_sql_script(const std::string &a) {
  static const std::regex re(R"(.*\.sql(@[^/]*)?$)");
  return a.rfind("-", 0) != 0 && std::regex_match(a, re);
}

// Splits NAME@W; W must be a whole number >= 0 (pgbench's rule).
std::pair<std::string, std::string> split_weight(const std::string &arg, const std::string &flag) {
  size_t at = arg.rfind('@');
  if (at == std::string::npos) return {arg, "1"};
  std::string w = arg.substr(at + 1);
  if (w.empty() || w.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError(fmt::format("{} {}: the weight after @ must be a whole number >= 0, not '{}'", flag, arg, w));
  return {arg.substr(0, at), w};
}

std::string builtin_entry(const std::string &arg, const std::string &flag) {
  auto [name, w] = split_weight(arg, flag);
  std::vector<std::string> hits;
  for (const char *b : kBuiltins)
    if (std::string(b).rfind(name, 0) == 0) hits.emplace_back(b);
  if (name.empty() || hits.size() != 1)
    throw UsageError(fmt::format("{} {}: {} built-in script; pgbench's are tpcb-like, simple-update, select-only", flag,
                                 arg, hits.empty() ? "no such" : "ambiguous"));
  return fmt::format("builtin:{}@{}", hits[0], w);
}

std::string file_entry(const std::string &arg, const std::string &flag) {
  auto [path, w] = split_weight(arg, flag);
  if (!fs::is_regular_file(path))
    throw UsageError(fmt::format("{} {}: pgbench script '{}' not found", flag, arg, path));
  return fmt::format("file:{}@{}", fs::absolute(path).string(), w);
}

std::string join(const std::vector<std::string> &v) {
  std::string out;
  for (const auto &s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

}  // namespace

void add_pgbench_flags(CLI::App *sub, PgbenchArgs &a) {
  sub->add_option("--file", a.files,
                  "pgbench script FILE[@WEIGHT] (repeatable; as pgbench -f): runs the pgbench workload")
      ->allow_extra_args(false);  // one value per flag: a later positional stays the workload
  sub->add_option("-b,--builtin", a.builtins,
                  "pgbench built-in script NAME[@WEIGHT]: tpcb-like, simple-update, select-only")
      ->allow_extra_args(false);
  sub->add_flag("-S", a.select_only, "pgbench -S: the select-only built-in");
  sub->add_flag("-N", a.simple_update, "pgbench -N: the simple-update built-in");
  sub->add_option("-D,--define", a.defines, "pgbench scripts: variable NAME=VALUE (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("-s,--scale", a.scale, "the workload's --scale option (pgbench -s; :scale of pgbench scripts)");
}

std::string check_config_file(const std::string &path) {
  if (is_sql_script(path))
    return fmt::format(
        "-f is stormdb's YAML config (-f/--config); give a pgbench script as --file {} or as the "
        "workload: stormdb run {}",
        path, path);
  if (!fs::is_regular_file(path)) return fmt::format("config file '{}' not found", path);
  return "";
}

void apply_pgbench_args(const PgbenchArgs &a, CliArgs &out, std::vector<std::string> &extras) {
  std::vector<std::string> scripts;
  if (is_sql_script(out.script)) {
    scripts.push_back(file_entry(out.script, "workload"));
    out.script.clear();
  }
  for (auto it = extras.begin(); it != extras.end();) {
    if (!is_sql_script(*it)) {
      ++it;
      continue;
    }
    scripts.push_back(file_entry(*it, "argument"));
    it = extras.erase(it);
  }
  for (const auto &f : a.files) scripts.push_back(file_entry(f, "--file"));
  for (const auto &b : a.builtins) scripts.push_back(builtin_entry(b, "-b/--builtin"));
  if (a.select_only) scripts.push_back("builtin:select-only@1");
  if (a.simple_update) scripts.push_back("builtin:simple-update@1");
  if (!scripts.empty()) {
    std::string stem = fs::path(out.script).stem().string();
    if (!out.script.empty() && stem != "pgbench")
      throw UsageError(
          fmt::format("pgbench scripts (bench.sql, --file, -b, -S, -N) run as the pgbench workload, not "
                      "beside '{}': give one or the other",
                      out.script));
    if (out.script.empty()) out.script = "pgbench";
    out.layer.options["scripts"] = RawValue{join(scripts), "--file/-b"};
  }
  if (!a.defines.empty()) {
    for (const auto &d : a.defines) {
      size_t eq = d.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("-D/--define {}: expected NAME=VALUE", d));
    }
    out.layer.options["define"] = RawValue{join(a.defines), "-D/--define"};
  }
  if (!a.scale.empty()) out.layer.options["scale"] = RawValue{a.scale, "-s/--scale"};
}

}  // namespace stormdb
