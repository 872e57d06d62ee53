// A PostgreSQL statistics sampler: its own thread and blocking connection poll pg_stat_* views and give deltas per
// interval and over a measured window.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace stormdb {

struct PgSamplerOptions {
  std::string conninfo;     // libpq conninfo/URI; empty: the PG* environment
  double interval_s = 1;    // poll period in seconds (<= 0 means 1)
  int top_statements = 10;  // pg_stat_statements top-N by delta of total_exec_time
};

/// Polls the server's statistics views every interval_s on a thread of its own, over one blocking
/// libpq connection of its own, so that it never competes with the benchmark clients' event loops.
/// Queries are chosen by server version (12 to 18). A view it cannot read (permission, missing
/// view or extension) disables that section with a note; the sampler never throws once started.
///
/// Records (monitor/pg_delta.h has the arithmetic) are JSON objects
///   {"t_us": end on the caller's clock (µs), "span_s": seconds covered,
///    "database": {...}, "bgwriter": {...}, "checkpointer": {...}, "wal": {...}, "io": {...},
///    "activity": {...}, "tables": {...}, "replication": {...}}
/// with counters as deltas over the span and gauges as of its end; a section the server cannot
/// give is absent. window() records also carry "statements".
///
/// Thread safety: intervals(), window(), notes() and server_version() may be called from any
/// thread at any time, also while the sampler runs: they compute under the sampler's mutex, which
/// its thread holds only to append a snapshot, so a long intervals() delays the next snapshot a
/// little but no benchmark client. start(), stop() and set_clock() belong to the owning thread.
///
/// Cost: one multi-statement query per poll (one round trip, one transaction, so the server's
/// xact_commit grows by 1 per poll), plus one text lookup when new statements appear. Memory: a
/// few KB per poll for the snapshots, plus 32 bytes per pg_stat_statements entry per poll, thinned
/// (every other sample dropped) when over 2 million entries.
class PgSampler {
 public:
  explicit PgSampler(PgSamplerOptions o);
  ~PgSampler();  // stops the thread (without the final snapshot stop() would take, if not stopped)

  PgSampler(const PgSampler &) = delete;
  PgSampler &operator=(const PgSampler &) = delete;

  /// Connects, chooses queries, takes a first snapshot and starts the thread. Returns false (with
  /// a note) when it cannot connect; calling it again after success does nothing and returns true.
  bool start();
  /// Takes a final snapshot right now and stops the thread; closes the connection. Idempotent.
  void stop();

  /// Interval records between consecutive snapshots (a JSON array, oldest first).
  nlohmann::json intervals() const;
  /// One record between the last snapshot at or before from_us and the first at or after to_us
  /// (µs on the caller's clock; the nearest ends when the window reaches past the snapshots),
  /// with "statements" = {"calls", "total_exec_time_ms", "top": [...]} over the window when
  /// pg_stat_statements can be read. An empty object before two snapshots exist.
  nlohmann::json window(double from_us, double to_us) const;
  /// Why sections are missing or degraded, each said once, in the order they arose.
  std::vector<std::string> notes() const;
  /// PQserverVersion form (150004 for 15.4); 0 before a successful start().
  int server_version() const;
  /// The caller's monotonic clock in µs, so records line up with the run's intervals. Call before
  /// start(); the default is std::chrono::steady_clock.
  void set_clock(std::function<double()> now_us);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stormdb
