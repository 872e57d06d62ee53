// The progress line and the final report, in the spirit of pgbench -P and sysbench's summary.
#include "report/console.h"

#include <fmt/format.h>

#include <algorithm>

#include "pg/sqlstate.h"
#include "report/client_threads.h"
#include "util/duration.h"

namespace stormdb {
namespace {
void line(std::FILE *out, const std::string &s) { std::fprintf(out, "%s\n", s.c_str()); }

// Width of the name column: the longest transaction name, at least 16, so that no name pushes
// its row's numbers out of their columns.
size_t name_width(const RunResult &r) {
  size_t w = 16;
  for (const auto &t : r.types) w = std::max(w, t.name.size());
  return w;
}

std::string type_line(const TxnRow &t, size_t w) {
  return fmt::format(
      "{:<{}} {:>10} {:>11.1f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>10.3f} {:>8} {:>8}", t.name, w,
      t.count, t.tps, t.latency.mean, t.latency.p50, t.latency.p90, t.latency.p95, t.latency.p99, t.latency.p999,
      t.latency.max, t.failed, t.retried);
}
}  // namespace

namespace {
double num(const nlohmann::json &j, const char *section, const char *key) {
  if (!j.contains(section) || !j[section].is_object() || !j[section].contains(key) || !j[section][key].is_number())
    return -1;
  return j[section][key].get<double>();
}

// The PostgreSQL section: what the server saw over the measured time.
void print_postgres(std::FILE *out, const nlohmann::json &pg) {
  if (!pg.is_object()) return;
  const nlohmann::json &w = pg.contains("window") ? pg["window"] : nlohmann::json::object();
  line(out, "");
  line(out, "PostgreSQL (measured time):");
  auto item = [&](const char *label, const char *section, const char *key, const char *fmt_spec) {
    double v = num(w, section, key);
    if (v >= 0) line(out, fmt::format("  {:<26} {}", label, fmt::format(fmt::runtime(fmt_spec), v)));
  };
  item("commits", "database", "xact_commit", "{:.0f}");
  item("rollbacks", "database", "xact_rollback", "{:.0f}");
  item("buffer hit ratio", "database", "hit_ratio", "{:.4f}");
  item("blocks read", "database", "blks_read", "{:.0f}");
  item("tuples inserted", "database", "tup_inserted", "{:.0f}");
  item("tuples updated", "database", "tup_updated", "{:.0f}");
  item("tuples deleted", "database", "tup_deleted", "{:.0f}");
  item("temp files", "database", "temp_files", "{:.0f}");
  item("temp bytes", "database", "temp_bytes", "{:.0f}");
  item("deadlocks", "database", "deadlocks", "{:.0f}");
  item("WAL bytes", "wal", "wal_bytes", "{:.0f}");
  item("WAL full-page images", "wal", "wal_fpi", "{:.0f}");
  item("checkpoints", "checkpointer", "checkpoints", "{:.0f}");
  item("dead tuples (end)", "tables", "n_dead_tup", "{:.0f}");
  item("autovacuum runs", "tables", "autovacuum_count", "{:.0f}");
  if (w.contains("statements") && w["statements"].contains("top")) {
    line(out, "  top statements by total execution time:");
    for (const auto &st : w["statements"]["top"]) {
      std::string q = st.value("query", "");
      if (q.size() > 70) q = q.substr(0, 67) + "...";
      line(out, fmt::format("    {:>10.1f} ms {:>9.0f} calls  {}", st.value("total_exec_time_ms", 0.0),
                            st.value("calls", 0.0), q));
    }
  }
  if (pg.contains("notes"))
    for (const auto &n : pg["notes"]) line(out, "  note: " + n.get<std::string>());
}
}  // namespace

namespace {
// When the database could not be reached, in seconds since the start barrier (as progress lines).
void print_outages(std::FILE *out, const RunResult &r) {
  for (const auto &o : r.outages) {
    if (o.open)
      line(out, fmt::format("database unreachable: from {:.3f} s until the end of the run at {:.3f} s ({:.3f} s, still "
                            "unreachable)",
                            o.start_s, o.end_s, o.duration_s));
    else
      line(out,
           fmt::format("database unreachable: from {:.3f} s to {:.3f} s ({:.3f} s)", o.start_s, o.end_s, o.duration_s));
  }
  if (r.clients_gave_up > 0)
    line(out, fmt::format("{} clients could not reconnect before the end of the run", r.clients_gave_up));
}
// One line per type (and the total) of a latency other than the main one: service time, pool wait.
void latency_rows(std::FILE *out, const RunResult &r, size_t w, const char *title, LatencyMs TxnRow::*which) {
  line(out, "");
  line(out, title);
  auto row = [&](const TxnRow &x) {
    const LatencyMs &l = x.*which;
    line(out, fmt::format("{:<{}} {:>10} {:>11} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>10.3f}",
                          x.name, w, "", "", l.mean, l.p50, l.p90, l.p95, l.p99, l.p999, l.max));
  };
  for (const auto &x : r.types) row(x);
  if (r.types.size() > 1) row(r.total);
}
}  // namespace

void print_progress(std::FILE *out, const IntervalRow &row) {
  const TxnRow &t = row.total;
  std::string s =
      fmt::format("{}: {:.1f} s, {:.1f} tps, lat p50 {:.3f} ms p95 {:.3f} ms p99 {:.3f} ms, {} failed, {} retried",
                  row.phase == "warmup" ? "warmup" : "progress", row.t_s, t.tps, t.latency.p50, t.latency.p95,
                  t.latency.p99, t.failed, t.retried);
  if (t.has_service) s += fmt::format(", service p99 {:.3f} ms, lag {:.3f} ms", t.service.p99, t.lag_mean_ms);
  if (t.skipped) s += fmt::format(", {} skipped", t.skipped);
  if (t.late) s += fmt::format(", {} late", t.late);
  if (t.has_pool_wait)
    s += fmt::format(", pool wait p99 {:.3f} ms, queue mean {:.1f} max {}", t.pool_wait.p99, row.queue_mean,
                     row.queue_max);
  if (row.reconnect_attempts) s += fmt::format(", {} reconnects ({} attempts)", row.reconnects, row.reconnect_attempts);
  line(out, s);
  std::fflush(out);
}

void print_report(std::FILE *out, const RunResult &r, const Config &cfg) {
  line(out, fmt::format("workload: {} ({})", r.workload, r.script));
  line(out, fmt::format("server: PostgreSQL {}{}", r.server_version,
                        r.throwaway
                            ? fmt::format(", throwaway cluster in {} (binaries: {})", r.server_where, r.server_bin_dir)
                            : " at " + r.server_where));
  std::string limit = cfg.transactions > 0 ? fmt::format("{} transactions per client", cfg.transactions)
                                           : "duration: " + format_duration(cfg.duration_us);
  line(out, fmt::format("clients: {}, threads: {}, {}, warmup: {}, max tries: {}, seed: {}", cfg.clients, cfg.threads,
                        limit, format_duration(cfg.warmup_us), cfg.max_tries, cfg.seed));
  line(out, fmt::format("connections: {}, query mode: {}",
                        r.pool.connections > 0
                            ? fmt::format("{} pooled (a client borrows one per transaction)", r.pool.connections)
                            : std::string("one per client"),
                        r.query_mode));
  if (r.connect.clients > 0)
    line(out, fmt::format("initial connection time: avg {:.3f} ms, max {:.3f} ms ({} connections)",
                          r.connect.total_us / r.connect.clients / 1e3, r.connect.max_us / 1e3, r.connect.clients));
  if (r.interrupted) line(out, "interrupted: results cover the measured time until the interrupt");
  if (!r.error.empty()) line(out, "run ended early: " + r.error);
  for (const auto &c : r.cut_short) line(out, "cut short: " + c);
  line(out, fmt::format("measured time: {:.3f} s", r.elapsed_s));
  line(out, "");
  const size_t w = name_width(r);
  line(out, fmt::format("{:<{}} {:>10} {:>11} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>8}", "transaction", w,
                        "count", "tps", "mean ms", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms",
                        "failed", "retried"));
  for (const auto &t : r.types) line(out, type_line(t, w));
  if (r.types.size() > 1) line(out, type_line(r.total, w));
  if (r.total.has_service)
    latency_rows(out, r, w,
                 "service time (from the actual start; latency above is from the intended start):", &TxnRow::service);
  if (r.total.has_pool_wait)
    latency_rows(out, r, w, "pool wait (queued for a connection; part of the latency above):", &TxnRow::pool_wait);
  line(out, "");
  const TxnRow &t = r.total;
  if (cfg.rate > 0 || cfg.rate_per_client > 0) {
    double target = cfg.rate > 0 ? cfg.rate : cfg.rate_per_client * cfg.clients;
    line(out, fmt::format("open loop: target {:.2f} tps ({} arrivals), achieved {:.2f} tps, {} skipped, {} late{}",
                          target, cfg.arrival, t.tps, t.skipped, t.late,
                          cfg.latency_limit_us > 0 ? fmt::format(" (> {:.3f} ms)", cfg.latency_limit_us / 1e3) : ""));
  } else if (cfg.latency_limit_us > 0) {
    line(out, fmt::format("{} transactions above the {:.3f} ms latency limit", t.late, cfg.latency_limit_us / 1e3));
  }
  line(out, fmt::format(
                "outcomes: {} committed, {} rolled back by design, {} failed, {} retried ({} retries), {} reconnects "
                "({} attempts)",
                t.committed, t.rolled_back, t.failed, t.retried, t.retries, r.reconnects, r.reconnect_attempts));
  print_outages(out, r);
  if (r.pool.connections > 0)
    line(out, fmt::format("pool queue: mean {:.2f} clients waiting for a connection, max {} at one thread",
                          r.pool.queue_mean, r.pool.queue_max));
  if (r.timer_wakeups > 0)
    line(out, fmt::format(
                  "timer lateness (sleeps' actual minus intended wake-up): {} wake-ups, p50 {:.3f} ms, p99 {:.3f} ms, "
                  "max {:.3f} ms",
                  r.timer_wakeups, r.timer_lateness.p50, r.timer_lateness.p99, r.timer_lateness.max));
  const ClientThreads &ct = r.client_threads;
  if (ct.known) {
    line(out, "client threads: " + client_threads_text(ct.threads, ct.realtime, ct.on_cpu_s, ct.cpu_wait_s, r.elapsed_s));
    if (ct.wait_share(r.elapsed_s) >= kClientStarvedShare) line(out, "warning: " + client_starved_text(ct.wait_share(r.elapsed_s)));
  }
  if (t.has_service) line(out, fmt::format("schedule lag: avg {:.3f} ms, max {:.3f} ms", t.lag_mean_ms, t.lag_max_ms));
  if (!t.failures.empty()) {
    line(out, "failures by SQLSTATE:");
    for (const auto &[code, n] : t.failures) {
      std::string what = code == "script" ? "Lua error in the script"
                                          : fmt::format("{} ({})", sqlstate_name(code), sqlstate_class(code));
      line(out, fmt::format("  {:<7} {:<50} {}", code, what, n));
    }
  }
  if (!r.counters.empty()) {
    line(out, "counters:");
    for (const auto &[k, v] : r.counters)
      line(out, fmt::format("  {:<32} {:>14.0f} ({:.1f}/s)", k, v, r.elapsed_s > 0 ? v / r.elapsed_s : 0));
  }
  if (!r.timings.empty()) {
    line(out, fmt::format("{:<24} {:>10} {:>9} {:>9} {:>9} {:>9} {:>10}", "timing (ctx:observe)", "count", "mean ms",
                          "p50 ms", "p95 ms", "p99 ms", "max ms"));
    for (const auto &t : r.timings)
      line(out, fmt::format("{:<24} {:>10} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>10.3f}", t.name, t.count,
                            t.latency.mean, t.latency.p50, t.latency.p95, t.latency.p99, t.latency.max));
  }
  print_postgres(out, r.postgres);
  if (!r.summary.empty()) {
    line(out, "");
    for (const auto &s : r.summary) {
      std::string status = s.ok < 0 ? "" : (s.ok ? "  [passed]" : "  [FAILED]");
      line(out, fmt::format("{:<28} {:>14.3f} {:<6}{}{}", s.name, s.value, s.unit, s.note.empty() ? "" : "  " + s.note,
                            status));
    }
  }
  std::fflush(out);
}

void print_checks(std::FILE *out, const std::vector<CheckLine> &checks) {
  size_t failed = 0, unchecked = 0;
  for (const auto &c : checks) {
    const char *status = !c.checked ? "not checked" : c.ok ? "passed" : "FAILED";
    line(out, fmt::format("{} {}{}", status, c.name, c.detail.empty() ? "" : ": " + c.detail));
    if (!c.checked)
      unchecked++;
    else if (!c.ok)
      failed++;
  }
  // A check that could not run is neither passed nor failed: "11 of 12 checked, 11 passed, 0 failed".
  size_t checked = checks.size() - unchecked;
  line(out, fmt::format("{} of {} checked, {} passed, {} failed", checked, checks.size(), checked - failed, failed));
  std::fflush(out);
}

bool report_thresholds(std::FILE *out, const std::vector<Threshold> &ts, const nlohmann::json &result) {
  if (ts.empty()) return false;
  bool failed = false;
  std::fprintf(out, "\n");
  for (const auto &t : evaluate_thresholds(ts, result)) {
    std::fprintf(out, "threshold %-28s %s (%s)\n", t.threshold.text.c_str(), t.ok ? "passed" : "FAILED",
                 t.detail.c_str());
    failed = failed || !t.ok;
  }
  return failed;
}

}  // namespace stormdb
