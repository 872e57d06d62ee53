// The outcome of a command in plain data, a snapshot taken after the run (run/snapshot.h): what
// the console report, the JSON file and the workload's summary hook are built from.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "metrics/stats.h"

namespace stormdb {

// Percentiles of a latency histogram, in ms (all 0 when it is empty).
struct LatencyMs {
  double mean = 0, stddev = 0, min = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
};
LatencyMs latency_ms(const Histogram &h);

// Headline numbers of one transaction type (or the total) over some span.
struct TxnRow {
  std::string name;
  uint64_t count = 0;  // completed: committed + rolled back by design
  uint64_t committed = 0, rolled_back = 0, failed = 0, retried = 0, retries = 0;
  double tps = 0;
  LatencyMs latency;  // from the intended start
  double lag_mean_ms = 0, lag_max_ms = 0;
  uint64_t skipped = 0, late = 0;
  bool has_service = false;  // open loop: service time (from the actual start) below
  LatencyMs service;
  bool has_pool_wait = false;  // pooled run (--connections): time waited for a connection, part of latency
  LatencyMs pool_wait;
  std::map<std::string, uint64_t> failures;
};

TxnRow summarize(const std::string &name, const TxnStats &s, double elapsed_s);

// A ctx:observe timing over the measured time.
struct TimingRow {
  std::string name;
  uint64_t count = 0;
  LatencyMs latency;
  Histogram histogram;
};

struct IntervalRow {
  std::string phase;  // "warmup" or "measure"
  double t_s = 0;     // end of the interval, seconds since the start barrier
  double span_s = 0;
  std::vector<TxnRow> types;
  TxnRow total;
  uint64_t reconnects = 0;
  uint64_t reconnect_attempts = 0;
  bool pooled = false;
  double queue_mean = 0;   // clients waiting for a connection, time-weighted mean over all threads
  uint64_t queue_max = 0;  // most clients waiting at one thread at once
};

// The pool of a pooled run (--connections) and the lateness of sleep timers.
struct PoolStats {
  int connections = 0;    // 0: no pool (one connection per client)
  double queue_mean = 0;  // over the measured time, as in IntervalRow
  uint64_t queue_max = 0;
};

// The worker threads in the measured time, from the kernel's schedstat: time on a CPU and time
// runnable but waiting for one. Waiting is inside every latency the client measured, so a large
// share means the client, not the server, set part of the numbers (a shared, saturated machine).
struct ClientThreads {
  int threads = 0;
  bool known = false;     // the kernel exposes schedstat
  bool realtime = false;  // --realtime: the worker threads ran under SCHED_FIFO
  double on_cpu_s = 0;    // summed over the threads
  double cpu_wait_s = 0;  // summed over the threads
  // cpu_wait_s as a share of the threads' measured time (threads × elapsed), 0..1.
  double wait_share(double elapsed_s) const { return threads > 0 && elapsed_s > 0 ? cpu_wait_s / (threads * elapsed_s) : 0; }
};

// A span during which the database could not be reached, in seconds since the start barrier.
struct OutageRow {
  double start_s = 0;
  double end_s = 0;  // the end of the run while still open
  double duration_s = 0;
  bool open = false;  // still unreachable when the run ended
};

struct SummaryLine {
  std::string name;
  double value = 0;
  std::string unit, note;
  int ok = -1;  // -1: not a pass/fail line, 0 failed, 1 passed
};

struct CheckLine {
  std::string name;
  bool ok = false;
  std::string detail;
  bool checked = true;  // false: the check could not run (checked = false in check(ctx)); never a pass
};

// How long the clients' initial connects took (the connect-time line).
struct ConnectStats {
  int clients = 0;
  double total_us = 0;
  double max_us = 0;
};

struct RunResult {
  std::string workload, script, command;
  std::string server_version;
  std::string server_where;  // redacted conninfo, or the throwaway server's directory
  bool throwaway = false;
  std::string server_bin_dir;  // the throwaway server's binaries (--pg-bin), "" for a named server
  double started_unix = 0;
  double elapsed_s = 0;       // measured time
  std::vector<TxnRow> types;  // measure phase, per type, in type-id order
  TxnRow total;
  std::vector<TxnStats> type_stats;  // full histograms for JSON
  TxnStats total_stats;
  std::map<std::string, double> counters;
  std::vector<TimingRow> timings;
  std::string query_mode;  // -M: simple, extended or prepared
  PoolStats pool;
  ClientThreads client_threads;
  uint64_t timer_wakeups = 0;  // sleeps (think, keying, pacing) whose timer fired in the measured time
  LatencyMs timer_lateness;    // how late their clients ran, actual minus intended wake-up
  uint64_t reconnects = 0;     // successful reconnects
  uint64_t reconnect_attempts = 0;
  std::vector<OutageRow> outages;  // whole run, warmup included
  int clients_gave_up = 0;         // clients still unable to reconnect when the run ended
  ConnectStats connect;
  std::vector<IntervalRow> intervals;
  std::vector<SummaryLine> summary;
  std::vector<CheckLine> checks;
  nlohmann::json postgres;  // sampler output: {version, notes, intervals, window}; null without one
  std::string error;        // fatal error that ended the run early
  std::string failure;      // why a run that went to its end failed (nothing completed, clients unable to reconnect)
  bool interrupted = false;
  std::vector<std::string> cut_short;  // what the end of the run cut short (Engine::cut_short)
};

}  // namespace stormdb
