// CSV rendering of the interval series (columns documented in docs/outputs.md).
#include "report/csv_report.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace stormdb {
namespace {

const char *kHeader =
    "phase,t_s,span_s,type,count,committed,rolled_back,failed,retried,retries,tps,mean_ms,p50_ms,p90_ms,p95_ms,"
    "p99_ms,p99_9_ms,max_ms,service_p99_ms,lag_mean_ms,skipped,late,reconnects,reconnect_attempts,pg_xact_commit,pg_"
    "xact_rollback,"
    "pg_hit_ratio,pg_wal_bytes,pg_checkpoints,pg_temp_bytes,pg_deadlocks,pg_lock_waiters,pg_active_sessions,"
    "pool_wait_p50_ms,pool_wait_p99_ms,pool_wait_max_ms,pool_queue_mean,pool_queue_max";

std::string csv_field(const std::string &s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A value from a sampler record section, "" when absent or null.
std::string pg_value(const nlohmann::json &rec, const char *section, const char *key) {
  if (!rec.is_object() || !rec.contains(section) || !rec[section].is_object()) return "";
  const auto &s = rec[section];
  if (!s.contains(key) || !s[key].is_number()) return "";
  return fmt::format("{}", s[key].get<double>());
}

std::string pg_columns(const RunResult &r, const IntervalRow &row) {
  const nlohmann::json *best = nullptr;
  if (r.postgres.is_object() && r.postgres.contains("intervals")) {
    double best_d = row.span_s / 2 + 1e-6;
    for (const auto &rec : r.postgres["intervals"]) {
      double d = std::fabs(rec.value("t_s", -1e9) - row.t_s);
      if (d <= best_d) {
        best_d = d;
        best = &rec;
      }
    }
  }
  if (!best) return ",,,,,,,,";
  std::string active;
  if (best->contains("activity") && (*best)["activity"].contains("by_state") &&
      (*best)["activity"]["by_state"].contains("active"))
    active = fmt::format("{}", (*best)["activity"]["by_state"]["active"].get<double>());
  return fmt::format("{},{},{},{},{},{},{},{},{}", pg_value(*best, "database", "xact_commit"),
                     pg_value(*best, "database", "xact_rollback"), pg_value(*best, "database", "hit_ratio"),
                     pg_value(*best, "wal", "wal_bytes"), pg_value(*best, "checkpointer", "checkpoints"),
                     pg_value(*best, "database", "temp_bytes"), pg_value(*best, "database", "deadlocks"),
                     pg_value(*best, "activity", "lock_waiters"), active);
}

std::string row_line(const IntervalRow &iv, const TxnRow &t) {
  return fmt::format(
      "{},{:.3f},{:.3f},{},{},{},{},{},{},{},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{},{"
      "},{},{}",
      iv.phase, iv.t_s, iv.span_s, csv_field(t.name), t.count, t.committed, t.rolled_back, t.failed, t.retried,
      t.retries, t.tps, t.latency.mean, t.latency.p50, t.latency.p90, t.latency.p95, t.latency.p99, t.latency.p999,
      t.latency.max, t.service.p99, t.lag_mean_ms, t.skipped, t.late, iv.reconnects, iv.reconnect_attempts);
}

// The pool columns (empty without a pool); the queue is the interval's, on every row of it.
std::string pool_columns(const IntervalRow &iv, const TxnRow &t) {
  if (!iv.pooled) return ",,,,,";
  std::string wait =
      t.has_pool_wait ? fmt::format("{:.3f},{:.3f},{:.3f}", t.pool_wait.p50, t.pool_wait.p99, t.pool_wait.max) : ",,";
  return fmt::format(",{},{:.3f},{}", wait, iv.queue_mean, iv.queue_max);
}

}  // namespace

void write_csv(const std::string &path, const RunResult &r) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << kHeader << "\n";
  for (const auto &iv : r.intervals) {
    for (const auto &t : iv.types) f << row_line(iv, t) << ",,,,,,,,," << pool_columns(iv, t) << "\n";
    f << row_line(iv, iv.total) << "," << pg_columns(r, iv) << pool_columns(iv, iv.total) << "\n";
  }
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace stormdb
