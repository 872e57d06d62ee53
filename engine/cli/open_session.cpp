// Opening a command's session from the parsed command line: the merged config, the described
// workload, the plan, the server, and the outputs wired to report/.
#include "cli/open_session.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/packs.h"
#include "pg/server_settings.h"
#include "report/console_output.h"
#include "report/metrics_server.h"
#include "run/capacity.h"
#include "run/signals.h"
#include "script/describe.h"
#include "util/thread_sched.h"
#include "script/lua_state.h"

namespace stormdb {

namespace {
// A workload from a pack: the pack's minimum stormdb version and the server extensions it needs.
void check_pack_requirements(const Session &s, const CliArgs &args) {
  std::string pack, min_version;
  auto ext = required_extensions(s.plan.script_path, workload_search_dirs(args.path), &pack, &min_version);
  if (!min_version.empty() && !version_at_least(STORMDB_VERSION, min_version))
    throw UsageError(fmt::format("pack {} needs stormdb {} or later; this is {}", pack, min_version, STORMDB_VERSION));
  std::vector<std::string> missing;
  try {
    missing = missing_extensions(s.cfg.conninfo, ext);
  } catch (const ConnectError &) {
    return;  // probe_server reports an unreachable server with a better message
  }
  if (!missing.empty())
    throw UsageError(
        fmt::format("workload {} (pack {}) needs the PostgreSQL extension(s) {}, which the server does not "
                    "have: install them on the server (see the pack's documentation)",
                    s.info.name, pack, fmt::join(missing, ", ")));
}
}  // namespace

std::unique_ptr<EphemeralServer> start_throwaway_server(const std::string &pg_bin, const std::string &source,
                                                        const std::map<std::string, RawValue> &settings,
                                                        std::vector<std::string> first_settings) {
  EphemeralServerOptions o;
  o.quiet = true;
  o.interrupted = [] { return signals::count() > 0; };
  o.bindir = pg_bin;
  o.stat_statements = true;
  o.settings = std::move(first_settings);
  for (const auto &[name, v] : settings) o.settings.push_back(name + "=" + v.value);
  try {
    return EphemeralServer::start(o);
  } catch (const ServerInputError &e) {
    // The options whose names the server's message quotes, else all of them.
    std::vector<std::string> given, named;
    for (const auto &[name, v] : settings) {
      given.push_back(v.source);
      if (std::string(e.what()).find('"' + name + '"') != std::string::npos) named.push_back(v.source);
    }
    if (!named.empty()) given = named;
    std::string what = e.bindir        ? (source.empty() ? "--pg-bin" : source)
                       : given.empty() ? "server settings"
                                       : fmt::format("{}", fmt::join(given, ", "));
    throw UsageError(fmt::format("{}: {}", what, e.what()));
  }
}

Session open_session(const CliArgs &args) {
  Session s;
  s.given_script = args.script;
  s.config_file = args.config_file;
  std::vector<Layer> layers;
  if (!args.config_file.empty()) layers.push_back(load_yaml_layer(args.config_file));
  std::string given = args.script;
  if (given.empty() && !layers.empty()) {
    auto it = layers[0].settings.find("workload");
    if (it != layers[0].settings.end()) given = it->second.value;
  }
  layers.push_back(env_layer());
  layers.push_back(args.layer);
  std::string script = find_script(args, given);
  try {
    s.info = describe_workload(script);
    s.cfg = merge_config(args.command, script, s.info, layers);
    std::string opts = s.cfg.options_lua(s.info);
    s.info = describe_workload(script, opts);  // mix may depend on the options
  } catch (const ScriptError &e) {
    throw UsageError(e.what());
  }
  RunPlan &p = s.plan;
  p.script_path = script;
  p.threads = s.cfg.threads;
  p.clients = s.cfg.clients;
  p.connections = s.cfg.connections;
  p.realtime = s.cfg.realtime;
  if (p.realtime) {
    std::string why = realtime_unavailable();
    if (!why.empty()) throw UsageError(fmt::format("{}: {}", s.cfg.sources["realtime"], why));
  }
  p.query_mode = s.cfg.query_mode;
  p.duration_us = static_cast<double>(s.cfg.duration_us);
  p.warmup_us = static_cast<double>(s.cfg.warmup_us);
  p.interval_us = s.cfg.report_interval_s > 0 ? s.cfg.report_interval_s * 1e6 : 1e6;
  p.transactions = s.cfg.transactions;
  if (p.transactions > 0 && !s.cfg.sources.count("duration")) p.duration_us = 0;
  p.max_tries = s.cfg.max_tries;
  p.lua_memory_limit_mb = s.cfg.lua_memory_limit_mb;
  p.rate_per_client = s.cfg.rate_per_client > 0 ? s.cfg.rate_per_client : s.cfg.rate / s.cfg.clients;
  p.poisson = s.cfg.arrival == "poisson";
  p.latency_limit_us = static_cast<double>(s.cfg.latency_limit_us);
  p.seed = static_cast<double>(s.cfg.seed);
  p.loaders = s.cfg.loaders;
  for (const auto &[name, w] : s.info.mix) {
    p.mix_names.push_back(name);
    p.mix_weights.push_back(w);
  }
  p.deck = s.info.deck;
  p.background = s.info.background;
  p.options_lua = s.cfg.options_lua(s.info);

  ConnectionNeed need = connections_needed(s.cfg, s.info, !s.cfg.database_named);
  check_fd_limit(need, s.cfg.threads);
  if (!s.cfg.database_named && (args.command == "prepare" || args.command == "cleanup") && !s.cfg.keep_server) {
    // The throwaway server is deleted when the command ends: a load into it, or a cleanup of
    // it, would be gone the moment it is done.
    throw UsageError(
        fmt::format("{}: no database named (--url, PG* variables, database: in YAML): a throwaway server "
                    "would be deleted right after, and the {} with it. Name the database, or add "
                    "--keep-server to keep the throwaway server",
                    args.command, args.command == "prepare" ? "load" : "cleanup"));
  }
  if (s.cfg.database_named && (!s.cfg.server_settings.empty() || !s.cfg.pg_bin.empty()))
    std::fprintf(stderr,
                 "stormdb: warning: a database is named, so no throwaway server starts: --pg-bin, "
                 "--server-setting and the YAML server: section are ignored\n");
  if (!s.cfg.database_named) {
    s.server = start_throwaway_server(s.cfg.pg_bin, s.cfg.sources["pg_bin"], s.cfg.server_settings,
                                      {fmt::format("max_connections={}", throwaway_max_connections(need))});
    s.cfg.conninfo = s.server->conninfo();
    std::fprintf(stderr,
                 "stormdb: no database named (--url, PG* variables, database: in YAML); started a throwaway "
                 "PostgreSQL %s in %s (%.0f ms)\n",
                 s.server->server_version().c_str(), s.server->dir().c_str(), s.server->startup_ms());
    if (s.cfg.keep_server) s.server->keep();
  }
  p.conninfo = s.cfg.conninfo;
  s.output = std::make_unique<ConsoleOutput>();
  if (!s.cfg.metrics_listen.empty()) {
    try {
      s.metrics = std::make_unique<MetricsServer>(s.cfg.metrics_listen);
    } catch (const std::runtime_error &e) {
      throw UsageError(e.what());
    }
  }
  try {
    s.server_info = probe_server(s.cfg.conninfo);
  } catch (const ConnectError &e) {
    throw UsageError(fmt::format(
        "cannot connect to the database ({}): {}",
        s.cfg.conninfo.empty() ? "libpq defaults from PG* variables" : s.cfg.redacted_conninfo(), e.what()));
  }
  check_server_slots(s.cfg.conninfo, need);
  check_pack_requirements(s, args);
  return s;
}

}  // namespace stormdb
