// CLI11 definitions of the subcommands and their flags; raw values go into a config Layer so that
// validation (and its messages) is the same for flags, environment and YAML.
#include "cli/cli.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <map>

#include "cli/pgbench_args.h"
#include "config/foreign_flags.h"

namespace stormdb {
namespace {

struct FlagSpec {
  const char *names;  // CLI11 names
  const char *key;    // config key
  const char *help;
};

const FlagSpec kValueFlags[] = {
    {"-c,--clients", "clients", "number of clients (terminals), spread over the threads [threads]"},
    {"--connections", "connections",
     "connection pool: N connections shared by the clients, one borrowed per transaction [one per client]"},
    {"-M,--query-mode,--protocol", "query_mode",
     "how named statements are sent, as pgbench -M: simple, extended or prepared [prepared; pgbench scripts: simple]"},
    {"-j,--threads", "threads", "number of OS threads, each with its own Lua state [CPU count]"},
    {"-T,--duration", "duration", "measured duration, e.g. 30s, 2m, 1h30m [10s]"},
    {"-t,--transactions", "transactions", "transactions per client (instead of a duration)"},
    {"--warmup", "warmup", "run this long before measuring, e.g. 10s [0]"},
    {"-P,--report-interval", "report_interval", "print a progress line every N seconds"},
    {"--seed", "seed", "random seed: the same seed gives the same data and inputs [0]"},
    {"--max-tries", "max_tries", "tries per transaction on 40001/40P01 (1 = no retry) [10]"},
    {"--lua-memory-limit", "lua_memory_limit",
     "MB of memory each thread's Lua state may use; beyond it a script error [1024]"},
    {"--loaders", "loaders", "parallel loader connections in prepare [threads]"},
    {"--url", "url", "conninfo string or postgresql:// URI (libpq conventions; PG* variables also work)"},
    {"--json", "json", "write the result as JSON to FILE"},
    {"-R,--rate", "rate", "open loop: target transactions/s over all clients (fractions allowed)"},
    {"--rate-per-client", "rate_per_client", "open loop: target transactions/s per client"},
    {"--arrival", "arrival", "open-loop arrivals: poisson or uniform [poisson]"},
    {"--scale-clients", "scale_clients",
     "progressive run: one band per client count: 1,2,4 or linear:1:64:8, exponential:1:256, fibonacci:1:89"},
    {"--scale-latency-bound", "scale_latency_bound", "progressive run: report the best band meeting e.g. p95<50ms"},
    {"--cooldown", "cooldown", "progressive run: pause between bands [0]"},
    {"--csv", "csv", "write the interval time series as CSV to FILE"},
    {"--html", "html", "write a self-contained HTML report with charts to FILE"},
    {"--metrics-listen", "metrics_listen", "serve OpenMetrics (Prometheus) at HOST:PORT/metrics during the run"},
    {"--pg-stats", "pg_stats", "sample PostgreSQL statistics during the run: true or false [true]"},
    {"--pg-stats-interval", "pg_stats_interval", "PostgreSQL statistics sampling period [report interval, else 1s]"},
    {"-L,--latency-limit", "latency_limit",
     "count transactions later than this; under a rate, skip those already this late"},
    {"--pg-bin", "pg_bin",
     "throwaway server: folder of the PostgreSQL server binaries [newest /usr/lib/postgresql/*/bin]"},
};

const char *kServerSettingHelp =
    "throwaway server: a postgresql.conf setting name=value, e.g. shared_buffers=1GB (repeatable)";

// --server-setting name=value, repeatable: the last value of a name wins, as in postgresql.conf.
void add_server_settings(const std::vector<std::string> &given, Layer &layer) {
  for (const auto &s : given) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError(fmt::format("--server-setting '{}': write it as name=value, e.g. shared_buffers=1GB", s));
    std::string name = s.substr(0, eq);
    layer.server_settings[name] = RawValue{s.substr(eq + 1), "--server-setting " + name};
  }
}

// psql's connection flags; they build the conninfo with --url (config/conn_flags.h).
const FlagSpec kConnFlags[] = {
    {"-h,--host", "host", "database server host or socket directory, as psql -h (adds to --url)"},
    {"-p,--port", "port", "database server port, as psql -p"},
    {"-U,--username", "user", "database user name, as psql -U"},
    {"-d,--dbname", "dbname", "database name, or a whole conninfo or URI, as psql -d"},
};

const FlagSpec kBoolFlags[] = {
    {"--keep-server", "keep_server", "keep the throwaway server running and print how to connect"},
    {"--prepare", "prepare", "run the workload's prepare before the run"},
    {"--check", "check", "run the workload's consistency checks after the run"},
    {"--force", "force", "prepare: take over objects of the same names that stormdb did not create (drops them)"},
    {"--skip-load-check", "skip_load_check",
     "run/check: do not require a complete stormdb prepare (data loaded another way)"},
    {"--realtime", "realtime",
     "run the worker threads under SCHED_FIFO, so a saturated shared machine delays the client's timers and "
     "replies less (needs root or CAP_SYS_NICE)"},
    {"-q,--quiet", "quiet", "no progress lines"},
};

// --name=value, --name value, or --name alone (a boolean) for workload options.
void parse_extras(const std::vector<std::string> &extras, Layer &layer) {
  for (size_t i = 0; i < extras.size(); i++) {
    const std::string &a = extras[i];
    if (a.rfind("--", 0) != 0 || a.size() < 3) {
      std::string hint = foreign_flag_hint(a);
      throw UsageError(fmt::format("unexpected argument '{}'{}", a, hint.empty() ? "" : ": " + hint));
    }
    std::string body = a.substr(2);
    std::string name, value;
    size_t eq = body.find('=');
    if (eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
    } else {
      name = body;
      if (i + 1 < extras.size() && extras[i + 1].rfind("--", 0) != 0) {
        value = extras[++i];
      } else {
        value = "true";
      }
    }
    for (char &ch : name)
      if (ch == '-') ch = '_';
    layer.options[name] = RawValue{value, "--" + body.substr(0, eq == std::string::npos ? body.size() : eq)};
  }
}

}  // namespace

bool parse_cli(int argc, char **argv, CliArgs &out) {
  CLI::App app{"stormdb: PostgreSQL benchmark runner with LuaJIT workloads", "stormdb"};
  app.set_version_flag("--version", std::string("stormdb ") + STORMDB_VERSION);
  app.require_subcommand(1);
  app.set_help_flag("--help", "print this help message and exit");  // -h is psql's --host
  std::map<std::string, std::string> raw;
  std::vector<std::string> thresholds, server_settings;
  std::vector<CLI::App *> workload_cmds;
  PgbenchArgs pgbench;
  const std::pair<const char *, const char *> cmds[] = {
      {"run", "run a workload and report throughput and latency"},
      {"prepare", "create the workload's schema and load its data"},
      {"cleanup", "drop what prepare created"},
      {"check", "run the workload's consistency checks"},
      {"list", "list the workloads found, or describe one with its options"},
  };
  for (const auto &[name, help] : cmds) {
    CLI::App *sub = app.add_subcommand(name, help);
    sub->allow_extras();
    sub->set_help_flag("--help", "print this help message and exit");
    sub->add_option("workload", out.script, "workload script (path, or a name found on the search path)");
    sub->add_option("-f,--config", out.config_file, "YAML configuration file (a pgbench script is --file)")
        ->check(CLI::Validator([](std::string &f) { return check_config_file(f); }, "FILE"));
    add_pgbench_flags(sub, pgbench);
    // One value per --path / --threshold (repeat the flag for more): otherwise CLI11 would take
    // the workload name that follows as another value.
    sub->add_option("--path", out.path, "extra folders to search for workloads (also STORMDB_PATH)")
        ->allow_extra_args(false);
    for (const auto &f : kValueFlags) sub->add_option(f.names, raw[f.key], f.help);
    for (const auto &f : kConnFlags) sub->add_option(f.names, raw[f.key], f.help);
    for (const auto &f : kBoolFlags) sub->add_flag(f.names, f.help);
    sub->add_option("--threshold", thresholds,
                    "pass/fail condition checked at the end, e.g. 'p99<20ms', "
                    "'new_order.p90<5s', 'errors<0.1%' (repeatable; exit 99 when one fails)")
        ->allow_extra_args(false);
    sub->add_option("--server-setting", server_settings, kServerSettingHelp);
    workload_cmds.push_back(sub);
  }
  CLI::App *compare = app.add_subcommand("compare", "compare two result JSON files side by side (change in %)");
  compare->add_option("results", out.files, "baseline.json candidate.json")->required()->expected(2);
  CLI::App *report =
      app.add_subcommand("report", "rebuild outputs from a saved result JSON (--html) and check thresholds");
  report->add_option("result", out.files, "result JSON written by --json")->required()->expected(1);
  report->add_option("--html", out.html_out, "write the HTML report to FILE");
  report
      ->add_option("--threshold", out.thresholds,
                   "pass/fail condition, e.g. 'p99<20ms' (repeatable; exit 99 when one fails)")
      ->allow_extra_args(false);
  CLI::App *server = app.add_subcommand("server", "manage a throwaway PostgreSQL (for tests and experiments)");
  server->require_subcommand(1);
  CLI::App *start = server->add_subcommand("start", "start a throwaway server; prints its conninfo");
  CLI::App *stop = server->add_subcommand("stop", "stop a throwaway server and remove its directory");
  std::string conninfo_file;
  start->add_option("--conninfo-file", out.server_dir, "also write the conninfo to this file");
  std::string start_bin;
  start->add_option("--pg-bin", start_bin,
                    "folder of the PostgreSQL server binaries [newest /usr/lib/postgresql/*/bin]");
  start->add_option("--server-setting", server_settings, kServerSettingHelp);
  stop->add_option("dir", out.server_dir, "the server's directory (printed by server start)")->required();
  CLI::App *plugin = app.add_subcommand("plugin", "native plugins: what is found, and checks of a plugin file");
  plugin->require_subcommand(1);
  CLI::App *plugin_list = plugin->add_subcommand("list", "list the plugins found: name, ABI, file");
  plugin_list->add_option("--path", out.path, "extra folders to search for workload packs (also STORMDB_PATH)");
  CLI::App *plugin_check = plugin->add_subcommand("check", "load a plugin file and check it (exit 2 when unusable)");
  plugin_check->add_option("file", out.files, "the plugin .so")->required()->expected(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    app.exit(e);
    // `run NAME --help`: the workload's own options follow (main describes the script).
    for (CLI::App *sub : workload_cmds) {
      if (!sub->parsed() || out.script.empty()) continue;
      out.command = "help";
      return true;
    }
    return false;
  } catch (const CLI::CallForAllHelp &e) {
    app.exit(e);
    return false;
  } catch (const CLI::Success &e) {
    app.exit(e);
    return false;
  } catch (const CLI::ParseError &e) {
    throw UsageError(e.what());
  }
  if (compare->parsed() || report->parsed()) {
    out.command = compare->parsed() ? "compare" : "report";
    return true;
  }
  add_server_settings(server_settings, out.layer);
  if (start->parsed()) {
    out.command = "server-start";
    if (!start_bin.empty()) out.layer.settings["pg_bin"] = RawValue{start_bin, "--pg-bin"};
    return true;
  }
  if (stop->parsed()) {
    out.command = "server-stop";
    return true;
  }
  if (plugin->parsed()) {
    out.command = plugin_list->parsed() ? "plugin-list" : "plugin-check";
    return true;
  }
  for (CLI::App *sub : workload_cmds) {
    if (!sub->parsed()) continue;
    out.command = sub->get_name();
    for (const auto &f : kValueFlags) {
      std::string first = std::string(f.names).substr(std::string(f.names).rfind(',') + 1);
      std::string shown = f.names;
      std::replace(shown.begin(), shown.end(), ',', '/');
      if (sub->count(first) > 0) out.layer.settings[f.key] = RawValue{raw[f.key], shown};
    }
    for (const auto &f : kConnFlags) {
      std::string names = f.names;
      std::replace(names.begin(), names.end(), ',', '/');
      if (sub->count(names.substr(names.find('/') + 1)) > 0) out.layer.conn_flags[f.key] = RawValue{raw[f.key], names};
    }
    for (const auto &f : kBoolFlags) {
      std::string first = std::string(f.names).substr(std::string(f.names).rfind(',') + 1);
      if (sub->count(first) > 0) out.layer.settings[f.key] = RawValue{"true", first};
    }
    if (!thresholds.empty()) {
      std::string all;
      for (const auto &t : thresholds) all += (all.empty() ? "" : "\n") + t;
      out.layer.settings["thresholds"] = RawValue{all, "--threshold"};
    }
    // "--warehouses 4" with no workload argument: CLI11 takes the 4 as the workload, so give it
    // back to the option when it directly follows an option CLI11 did not know.
    std::vector<std::string> extras = sub->remaining();
    if (!out.script.empty() && !std::filesystem::exists(out.script)) {
      for (int i = 2; i < argc; i++) {
        std::string prev = argv[i - 1];
        if (out.script != argv[i] || prev.rfind("--", 0) != 0 || prev.find('=') != std::string::npos) continue;
        auto it = std::find(extras.begin(), extras.end(), prev);
        if (it == extras.end() || (it + 1 != extras.end() && (it + 1)->rfind("--", 0) != 0)) continue;
        extras.insert(it + 1, out.script);
        out.script.clear();
        break;
      }
    }
    apply_pgbench_args(pgbench, out, extras);
    parse_extras(extras, out.layer);
  }
  return true;
}

}  // namespace stormdb
