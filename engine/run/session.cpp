// Session steps shared by the commands: opening (config, workload, server), hooks, checks, a run.
#include "run/session.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "monitor/pg_sampler.h"
#include "run/exit_status.h"
#include "run/progress.h"
#include "run/signals.h"
#include "run/snapshot.h"
#include "script/summary_hook.h"

namespace stormdb {

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
                              t2 == std::string::npos ? "" : l.substr(t2 + 1), l[0] != '-'});
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
  s.output->checks(checks);
  for (const auto &c : checks)
    if (c.checked && !c.ok) return kExitCheckFailed;
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
  r.server_where = s.server                  ? s.server->dir()
                   : !s.cfg.conninfo.empty() ? s.cfg.redacted_conninfo()
                                             : s.server_info.where + " (from PG* variables)";
  if (s.server) r.server_bin_dir = s.server->bindir();
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
    if (progress_lines) s.output->progress(row);
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
    why.push_back(
        fmt::format("{} client(s) could not reconnect before the end of the run{}", r.clients_gave_up, since));
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
    s.output->run_report(r, s.cfg, progress_lines);
  }
  // An interrupted run is reported as interrupted (130) even when it completed nothing.
  if (note_outcome_failure(r, "run") && !r.interrupted) rc = kExitFailure;
  if (s.cfg.check_after && rc == 0 && !r.interrupted && !engine.abandoned()) rc = run_checks(engine, s, r.checks);
  if (s.output->run_files(r, s.cfg) && rc == 0) rc = kExitThresholdFailed;
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

}  // namespace stormdb
