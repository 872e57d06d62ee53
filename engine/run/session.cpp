// Session steps shared by the commands: opening (config, workload, server), hooks, checks, a run.
#include "cli/session.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "cli/capacity.h"
#include "cli/commands.h"
#include "report/console.h"
#include "cli/packs.h"
#include "monitor/pg_sampler.h"
#include "report/csv_report.h"
#include "report/json_report.h"
#include "run/progress.h"
#include "run/signals.h"
#include "run/snapshot.h"
#include "script/describe.h"
#include "script/lua_state.h"
#include "script/summary_hook.h"

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
    throw UsageError(fmt::format("workload {} (pack {}) needs the PostgreSQL extension(s) {}, which the server does not "
                                 "have: install them on the server (see the pack's documentation)",
                                 s.info.name, pack, fmt::join(missing, ", ")));
}
}  // namespace

Session open_session(const CliArgs &args) {
  Session s;
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
  if (!s.cfg.database_named) {
    EphemeralServerOptions o;
    o.quiet = true;
    o.interrupted = [] { return signals::count() > 0; };
    o.settings.push_back(fmt::format("max_connections={}", throwaway_max_connections(need)));
    s.server = EphemeralServer::start(o);
    s.cfg.conninfo = s.server->conninfo();
    std::fprintf(stderr, "stormdb: no database named (--url, PG* variables, database: in YAML); started a throwaway "
                 "PostgreSQL %s in %s (%.0f ms)\n", s.server->server_version().c_str(), s.server->dir().c_str(),
                 s.server->startup_ms());
    if (s.cfg.keep_server) s.server->keep();
  }
  p.conninfo = s.cfg.conninfo;
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
    throw UsageError(fmt::format("cannot connect to the database ({}): {}",
                                 s.cfg.conninfo.empty() ? "libpq defaults from PG* variables" : s.cfg.redacted_conninfo(),
                                 e.what()));
  }
  check_server_slots(s.cfg.conninfo, need);
  check_pack_requirements(s, args);
  return s;
}

std::string with_hint(const std::string &error) {
  if (error.find("42P01") != std::string::npos)
    return error + "\nhint: a table is missing: run `stormdb prepare` for this workload first (or pass --prepare)";
  return error;
}

// Runs a hook; returns false (after printing the error) when it failed.
bool run_hook(Engine &engine, Session &s, const std::string &hook, HookOutcome *out) {
  if (!s.info.has_hook(hook)) return true;
  auto t0 = std::chrono::steady_clock::now();
  if (!s.cfg.quiet) std::fprintf(stderr, "stormdb: %s %s ...\n", hook.c_str(), s.info.name.c_str());
  progress::reset(!s.cfg.quiet);
  HookOutcome o = engine.run_hook(hook);
  progress::finish();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out) *out = o;
  if (!o.ok) {
    if (signals::count() > 0) {
      std::fprintf(stderr, "stormdb: %s interrupted\n", hook.c_str());
    } else {
      std::fprintf(stderr, "stormdb: %s failed: %s\n", hook.c_str(), with_hint(o.error).c_str());
    }
    return false;
  }
  if (!s.cfg.quiet) std::fprintf(stderr, "stormdb: %s done in %.2f s\n", hook.c_str(), secs);
  return true;
}

namespace {
std::vector<CheckLine> parse_checks(const std::string &text) {
  std::vector<CheckLine> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t e = text.find('\n', start);
    std::string l = text.substr(start, e == std::string::npos ? std::string::npos : e - start);
    size_t t1 = l.find('\t'), t2 = l.find('\t', t1 + 1);
    if (t1 != std::string::npos)
      out.push_back(CheckLine{l.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1), l[0] == '1',
                              t2 == std::string::npos ? "" : l.substr(t2 + 1)});
    if (e == std::string::npos) break;
    start = e + 1;
  }
  return out;
}

}  // namespace

int run_checks(Engine &engine, Session &s, std::vector<CheckLine> &checks) {
  if (!s.info.has_hook("check")) {
    std::fprintf(stderr, "stormdb: workload %s defines no check(ctx)\n", s.info.name.c_str());
    return 0;
  }
  HookOutcome o;
  if (!run_hook(engine, s, "check", &o)) return kExitFailure;
  checks = parse_checks(o.result);
  print_checks(stdout, checks);
  for (const auto &c : checks)
    if (!c.ok) return kExitCheckFailed;
  return 0;
}

namespace {
// The sampler's records with times relative to the start barrier (t_s, as run intervals) and the
// phase they fall in, plus the window over the measured time.
nlohmann::json postgres_json(const PgSampler &sampler, Engine &engine, double elapsed_s) {
  nlohmann::json pg;
  pg["server_version_num"] = sampler.server_version();
  pg["notes"] = sampler.notes();
  nlohmann::json intervals = sampler.intervals();
  for (auto &rec : intervals) {
    double t = rec.value("t_us", 0.0);
    rec["t_s"] = (t - engine.t0()) / 1e6;
    rec["phase"] = t <= engine.t0() ? "setup" : (t <= engine.measure_start() ? "warmup" : "measure");
  }
  pg["intervals"] = intervals;
  double from = engine.measure_start();
  pg["window"] = sampler.window(from, from + elapsed_s * 1e6);
  return pg;
}
}  // namespace

RunResult measure(Engine &engine, Session &s, bool progress_lines) {
  RunResult r;
  r.workload = s.info.name;
  r.script = s.plan.script_path;
  r.command = "run";
  r.server_version = s.server_info.version;
  r.throwaway = s.server != nullptr;
  r.server_where = s.server ? s.server->dir() : s.cfg.redacted_conninfo();
  r.started_unix = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::unique_ptr<PgSampler> sampler;
  if (s.cfg.pg_stats) {
    sampler = std::make_unique<PgSampler>(PgSamplerOptions{engine.plan().conninfo, s.cfg.pg_stats_interval_s, 10});
    sampler->set_clock(now_us);
    sampler->start();  // on failure it only notes why; the run goes on without PostgreSQL statistics
  }
  r.error = engine.run([&](const IntervalStats &iv) {
    if (s.metrics) {
      s.metrics->add_interval(iv, engine.txn_names());
      if (sampler) s.metrics->set_postgres(sampler->window(iv.start_us, iv.end_us));
    }
    IntervalRow row = interval_row(iv, engine);
    if (progress_lines) print_progress(stdout, row);
    r.intervals.push_back(std::move(row));
  });
  r.interrupted = signals::count() > 0;
  r.cut_short = engine.cut_short();
  if (!r.error.empty()) r.error = with_hint(r.error);
  fill_totals(r, engine);
  if (sampler) {
    sampler->stop();
    r.postgres = postgres_json(*sampler, engine, r.elapsed_s);
  }
  r.summary = run_summary_hook(engine.plan(), r);
  return r;
}

std::string outcome_failure(const RunResult &r) {
  std::vector<std::string> why;
  if (r.clients_gave_up > 0) {
    std::string since;
    if (!r.outages.empty() && r.outages.back().open)
      since = fmt::format(" (the database has been unreachable since {:.3f} s)", r.outages.back().start_s);
    why.push_back(fmt::format("{} client(s) could not reconnect before the end of the run{}", r.clients_gave_up, since));
  }
  if (r.total.count == 0) {
    std::vector<std::string> codes;
    for (const auto &[code, n] : r.total.failures) codes.push_back(fmt::format("{} x{}", code, n));
    why.push_back(fmt::format("no transaction completed in the measured time ({} failed{}{})", r.total.failed,
                              codes.empty() ? "" : ": ", fmt::join(codes, ", ")));
  }
  return fmt::format("{}", fmt::join(why, "; "));
}

bool note_outcome_failure(RunResult &r, const std::string &what) {
  if (!r.error.empty() || r.interrupted) return false;
  r.failure = with_hint(outcome_failure(r));
  if (r.failure.empty()) return false;
  std::fflush(stdout);  // after the report it concludes
  std::fprintf(stderr, "stormdb: %s failed: %s\n", what.c_str(), r.failure.c_str());
  return true;
}

int run_measurement(Engine &engine, Session &s) {
  bool progress_lines = s.cfg.report_interval_s > 0 && !s.cfg.quiet;
  RunResult r = measure(engine, s, progress_lines);
  int rc = r.error.empty() ? 0 : kExitFailure;
  if (!r.error.empty() && r.total.count == 0) {
    std::fprintf(stderr, "stormdb: run failed: %s\n", r.error.c_str());
  } else {
    if (progress_lines) std::printf("\n");
    print_report(stdout, r, s.cfg);
  }
  // An interrupted run is reported as interrupted (130) even when it completed nothing.
  if (note_outcome_failure(r, "run") && !r.interrupted) rc = kExitFailure;
  if (s.cfg.check_after && rc == 0 && !r.interrupted && !engine.abandoned()) rc = run_checks(engine, s, r.checks);
  nlohmann::json j = result_json(r, s.cfg);
  write_outputs(j, s.cfg.json_path, s.cfg.html_path);
  if (!s.cfg.csv_path.empty()) write_csv(s.cfg.csv_path, r);
  if (report_thresholds(stdout, s.cfg.thresholds, j) && rc == 0) rc = kExitThresholdFailed;
  if (r.interrupted && rc == 0) rc = kExitInterrupted;
  if (engine.abandoned() || signals::count() >= 3) {
    // A worker thread may still run a script (the Engine cannot be destroyed), or a third signal
    // asked to exit at once: leave now that the results are written, stopping the server first.
    signals::set_report_on_exit(false);
    rc = r.interrupted ? kExitInterrupted : kExitAbandoned;  // as commands.cpp maps any status once interrupted
    std::fprintf(stderr, "stormdb: %s\n",
                 r.interrupted ? "interrupted a third time: results written, exiting"
                               : "a worker thread was abandoned (see \"cut short\" in the report); exiting");
    if (s.server && !s.cfg.keep_server) s.server.reset();
    std::fflush(nullptr);
    std::_Exit(rc);
  }
  signals::set_report_on_exit(false);
  return rc;
}

bool report_thresholds(std::FILE *out, const std::vector<Threshold> &ts, const nlohmann::json &result) {
  if (ts.empty()) return false;
  bool failed = false;
  std::fprintf(out, "\n");
  for (const auto &t : evaluate_thresholds(ts, result)) {
    std::fprintf(out, "threshold %-28s %s (%s)\n", t.threshold.text.c_str(), t.ok ? "passed" : "FAILED", t.detail.c_str());
    failed = failed || !t.ok;
  }
  return failed;
}

}  // namespace stormdb
