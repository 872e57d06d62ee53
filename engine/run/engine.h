// The Engine: owns the worker threads and what they share for one stormdb command (plan, clock,
// stop time, start barrier, transaction/counter names, ctx:parallel bookkeeping, the Collector).
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/client_runtime.h"
#include "config/run_plan.h"
#include "metrics/collector.h"
#include "metrics/result.h"
#include "run/worker.h"

namespace stormdb {

struct HookOutcome {
  bool ok = true;
  std::string error;
  std::string result;  // hook-specific serialised result (check: one "ok\tname\tdetail" per line)
};

class Engine {
 public:
  // After the stop time, requests still running get this long before they are cut short.
  static constexpr double kStopGraceUs = 2e6;
  // A worker whose coroutine has not come back to its loop for this long after stop + grace is
  // interrupted (Lua hook); if it is still stuck this long after that, its thread is abandoned.
  static constexpr double kStuckUs = 1e6;

  // runtimes makes each worker's client runtime; empty: the Lua runtime (script/).
  explicit Engine(RunPlan plan, RuntimeFactory runtimes = {});
  ~Engine();

  // Runs a hook (prepare/check/cleanup) on worker 0, with every worker serving ctx:parallel parts.
  HookOutcome run_hook(const std::string &name);
  // Runs the clients; on_interval is called on this thread for every complete interval, in order.
  // Returns the first fatal error ("" if none): e.g. clients that could not connect. Ends within
  // stop time + kStopGraceUs + 2 * kStuckUs (+ a poll period) whatever scripts or the server do:
  // a worker still stuck then is abandoned (abandoned() is true; see cut_short()).
  std::string run(const std::function<void(const IntervalStats &)> &on_interval);
  // What the run cut short, one line each, for the report and JSON: requests cancelled at the end
  // of the grace time, worker threads abandoned.
  std::vector<std::string> cut_short();
  // True when a worker thread was abandoned (still running a script): the caller must not
  // destroy the Engine but write its results and leave with std::_Exit.
  bool abandoned() const { return abandoned_; }
  // A worker cut a request short at the end of the grace time (thread-safe).
  void note_cut_short(int client, int32_t txn);
  // A worker left a client that had not ended kStuckUs after the cut suspended (thread-safe).
  void note_straggler(int client);

  const RunPlan &plan() const { return plan_; }
  Collector &collector() { return *collector_; }
  ConnectStats connect_stats();
  std::vector<std::string> txn_names();
  std::vector<std::string> counter_names();
  double t0() const { return t0_; }
  double measure_start() const { return t0_ + plan_.warmup_us; }

  // Services for workers.
  int txn_id(const std::string &name);
  int counter_id(const std::string &name);
  int timing_id(const std::string &name);
  std::vector<std::string> timing_names();
  double stop_at() const { return stop_at_.load(std::memory_order_relaxed); }
  void request_stop(double at_us);
  bool aborting() const { return aborting_.load(std::memory_order_relaxed); }
  void abort(const std::string &why);
  void barrier_wait();
  void note_connect(double us);
  // True the first time this script error text is seen in the run, across all workers (so it is
  // printed once, not once per thread); false after 100 distinct texts.
  bool first_script_error(const std::string &message);
  void parallel_start(sdb_client *waiter, const std::string &fn, int parts, const std::string &args);
  void part_done(int part, const std::string &error);
  // The function and arguments of the current ctx:parallel job.
  std::pair<std::string, std::string> parallel_job();
  // True from the first failed part of the current ctx:parallel job until the job ends: the other
  // parts stop at their next ctx:progress instead of loading on for minutes.
  bool parallel_cancelled() const { return parallel_cancelled_.load(std::memory_order_relaxed); }

 private:
  struct Watch {
    uint64_t resumes = 0;
    sdb_client *running = nullptr;
    double since = 0;        // when this resume was first seen
    double interrupted = 0;  // when the Lua hook was asked for; 0: not yet
    bool abandoned = false;
  };
  bool watchdog(std::vector<Watch> &watch, std::vector<std::thread> &threads, double now);
  void abandon(std::vector<Watch> &watch, size_t worker, const std::string &why);
  std::string txn_name(int32_t txn);

  RunPlan plan_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<Collector> collector_;
  std::atomic<double> stop_at_;
  std::atomic<bool> aborting_{false};
  std::atomic<bool> abandoned_{false};
  double t0_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> txn_names_, counter_names_, timing_names_;
  std::string abort_reason_;
  int barrier_waiting_ = 0;
  uint64_t barrier_round_ = 0;
  ConnectStats connect_;
  std::set<std::string> script_errors_;
  std::vector<std::pair<int, int32_t>> cut_requests_;  // (client, transaction)
  std::vector<std::string> cut_notes_;
  // ctx:parallel
  sdb_client *parallel_waiter_ = nullptr;
  std::string parallel_fn_, parallel_args_;
  int parallel_remaining_ = 0;
  std::atomic<bool> parallel_cancelled_{false};
};

}  // namespace stormdb
