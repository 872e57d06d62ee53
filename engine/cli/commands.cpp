// The subcommands: find the script, open the session, and hand it to run/ (workload commands) or
// report/ (saved results).
#include "cli/commands.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/open_session.h"
#include "cli/packs.h"
#include "plugin/plugin_path.h"
#include "report/saved_results.h"
#include "run/signals.h"
#include "run/workload_command.h"
#include "script/describe.h"
#include "script/lua_state.h"

namespace stormdb {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> search_dirs(const CliArgs &args) { return workload_search_dirs(args.path); }

std::vector<std::string> workload_names(const std::vector<std::string> &dirs) {
  std::vector<std::string> names;
  for (const auto &d : dirs) {
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(d, ec))
      if (e.path().extension() == ".lua") names.push_back(e.path().stem().string());
  }
  return names;
}

}  // namespace

std::string find_script(const CliArgs &args, const std::string &given) {
  if (given.empty()) throw UsageError("no workload given: stormdb run <workload.lua> (see stormdb list)");
  if (fs::is_regular_file(given)) return given;
  // "kv" beside kv.lua: the file in the current folder, as `run kv.lua` would take it
  if (fs::path(given).extension() != ".lua" && fs::is_regular_file(given + ".lua")) return given + ".lua";
  auto dirs = search_dirs(args);
  std::string name = fs::path(given).filename().string();
  if (fs::path(name).extension() != ".lua") name += ".lua";
  for (const auto &d : dirs) {
    fs::path p = fs::path(d) / name;
    if (fs::is_regular_file(p)) return p.string();
  }
  std::string near = closest(fs::path(name).stem().string(), workload_names(dirs));
  throw UsageError(fmt::format("workload '{}' not found (looked for the file, then for {} in {}){}", given, name,
                               fmt::join(dirs, ", "), near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
}

int command_workload(const CliArgs &args) {
  Session s = open_session(args);
  return run_workload_command(s);
}

int command_compare(const CliArgs &args) { return compare_results(args.files[0], args.files[1]); }

int command_report(const CliArgs &args) { return report_saved(args.files[0], args.thresholds, args.html_out); }

namespace {
void print_workload_options(const WorkloadInfo &w) {
  std::printf("  options:\n");
  for (const auto &o : w.options) {
    std::string c = option_constraints(o);
    std::printf("    --%-22s %s [%s]%s\n", (o.name + "=" + (o.type == "boolean" ? "true|false" : "")).c_str(),
                o.help.c_str(), o.default_value.c_str(), c.empty() ? "" : fmt::format(" ({})", c).c_str());
  }
}

// Describes the named workload for `list NAME` and `NAME --help`.
int describe_one(const CliArgs &args) {
  WorkloadInfo w;
  try {
    w = describe_workload(find_script(args, args.script));
  } catch (const ScriptError &e) {
    throw UsageError(e.what());
  }
  std::printf("%s: %s\n  script: %s\n", w.name.c_str(), w.description.c_str(), w.path.c_str());
  std::printf("  transactions:");
  for (const auto &[n, weight] : w.mix) std::printf(" %s (weight %g)", n.c_str(), weight);
  std::printf("\n  query mode: %s (-M/--query-mode: simple, extended or prepared)\n",
              w.query_mode.empty() ? "prepared" : w.query_mode.c_str());
  print_workload_options(w);
  return 0;
}
}  // namespace

int command_workload_help(const CliArgs &args) {
  std::printf("\nworkload ");
  std::fflush(stdout);
  return describe_one(args);
}

int command_list(const CliArgs &args) {
  if (!args.script.empty()) return describe_one(args);
  int rc = 0;
  for (const auto &d : search_dirs(args)) {
    if (!fs::is_directory(d)) continue;
    Pack pack;
    try {
      pack = load_pack(d);
    } catch (const UsageError &e) {
      // One broken manifest must not hide the other packs: name it, list the rest, exit 2.
      std::printf("pack in %s: cannot be listed\n", d.c_str());
      std::fprintf(stderr, "stormdb: error: %s\n", e.what());
      rc = kExitUsage;
      continue;
    }
    auto names = pack_workloads(pack);
    if (names.empty()) continue;
    std::printf("%s\n", fmt::format("pack {}{} ({}){}", pack.name, pack.version.empty() ? "" : " " + pack.version,
                                    pack.dir, pack.description.empty() ? "" : ": " + pack.description)
                            .c_str());
    if (!pack.min_stormdb.empty() && !version_at_least(STORMDB_VERSION, pack.min_stormdb))
      std::printf("  (needs stormdb %s or later; this is %s)\n", pack.min_stormdb.c_str(), STORMDB_VERSION);
    for (const auto &n : names) {
      std::string path = (fs::path(d) / (n + ".lua")).string();
      try {
        WorkloadInfo w = describe_workload(path);
        std::vector<std::string> opts{"-M " + (w.query_mode.empty() ? std::string("prepared") : w.query_mode)};
        for (const auto &o : w.options) opts.push_back("--" + o.name + "=" + o.default_value);
        std::printf("  %-18s %s\n", n.c_str(), w.description.c_str());
        for (const auto &pw : pack.workloads)
          for (const auto &plugin : pw.name == n ? pw.plugins : std::vector<std::string>{})
            if (find_plugin(plugin, plugin_search_dirs({pack.dir})).empty())
              std::printf("  %-18s (plugin %s is not built)\n", "", plugin.c_str());
        std::printf("  %-18s %s\n", "", fmt::format("{}", fmt::join(opts, " ")).c_str());
      } catch (const std::exception &e) {
        std::printf("  %-18s (cannot load: %s)\n", n.c_str(), e.what());
      }
    }
  }
  return rc;
}

int command_server(const CliArgs &args) {
  if (args.command == "server-stop") {
    std::fprintf(stderr, "stormdb: %s\n", EphemeralServer::remove(args.server_dir).c_str());
    return 0;
  }
  auto bin = args.layer.settings.find("pg_bin");
  auto server = start_throwaway_server(bin == args.layer.settings.end() ? "" : bin->second.value, "--pg-bin",
                                       args.layer.server_settings, {});
  server->keep();
  std::printf("%s\n", server->conninfo().c_str());
  std::fprintf(stderr, "stormdb: started PostgreSQL %s in %s; stop it with: stormdb server stop %s\n",
               server->server_version().c_str(), server->dir().c_str(), server->dir().c_str());
  if (!args.server_dir.empty()) {
    std::ofstream f(args.server_dir);
    f << server->conninfo() << "\n" << server->dir() << "\n";
  }
  return 0;
}

}  // namespace stormdb
