// A worker: one OS thread's client runtime, event loop and clients, running the jobs the Engine hands it.
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/client_runtime.h"
#include "metrics/recorder.h"
#include "pg/connect_gate.h"
#include "run/client.h"
#include "run/conn_pool.h"
#include "run/event_loop.h"

namespace stormdb {

class Engine;

// What a worker does in one job.
struct Job {
  enum class Kind { kHook, kRun } kind = Kind::kHook;
  std::string hook;  // kHook: "prepare", "check" or "cleanup" (runs on worker 0)
};

class Worker : public ConnHost {
 public:
  Worker(int id, Engine &engine, std::unique_ptr<ClientRuntime> runtime);
  ~Worker() override;

  int id() const { return id_; }
  Engine &engine() { return engine_; }
  Recorder &recorder() { return recorder_; }

  // Runs one job to its end on the calling thread.
  void run_job(const Job &job);
  // Thread-safe: queue a ctx:parallel part for this worker, or tell the waiting hook its parts ended.
  void post_part(int part);
  void post_parallel_done(sdb_client *waiter);
  void wake() { loop_.wake(); }
  int wake_fd() const { return loop_.wake_fd(); }

  // ConnHost
  void watch(sdb_conn *c, int fd, bool write) override { loop_.watch(c, fd, write); }
  void unwatch(sdb_conn *c, int fd) override { loop_.unwatch(c, fd); }
  void complete(sdb_conn *c) override;
  void add_deadline(sdb_conn *c, double after_us, uint64_t generation) override;
  ConnectGate *connect_gate() override { return &connect_gate_; }

  // The watchdog's view, read from the reporter thread: the client whose coroutine runs now
  // (nullptr while the loop has control) and how many resumes the loop has made. A worker with
  // a running client and an unchanged count between two looks has not come back to its loop.
  sdb_client *running() const { return running_.load(std::memory_order_relaxed); }
  uint64_t resumes() const { return resumes_.load(std::memory_order_relaxed); }

  // Client services behind the FFI functions.
  void sleep(sdb_client *cl, double us);
  void barrier(sdb_client *cl);
  void script_error(sdb_client *cl, const char *message);
  bool terminals_done() const { return terminals_alive_ == 0; }
  int32_t next_txn(sdb_client *cl);
  int32_t next_arrival(sdb_client *cl, double now);
  int32_t pick_txn(sdb_client *cl);
  // The pool (pooled terminals only): see ConnPool. borrow returns nullptr when cl was queued: it
  // yields and is resumed holding a connection.
  sdb_conn *claim_conn(sdb_client *cl);
  sdb_conn *borrow(sdb_client *cl);
  void give_back(sdb_client *cl);
  const std::string &hook_result() const { return hook_result_; }
  const std::string &hook_error() const { return hook_error_; }

 private:
  sdb_client *spawn(sdb_client::Kind kind, int id, const std::string &fn, const std::string &args = "");
  void make_runnable(sdb_client *cl);
  // Starts cl's code (start given) or resumes it; takes its outcome when it ended.
  void resume(sdb_client *cl, const ClientStart *start = nullptr);
  void on_finished(sdb_client *cl);
  void drain_inbox();
  void pass_barrier();
  void wake_sleepers();
  bool job_done(const Job &job) const;
  bool past_grace(double now, double &deadline);
  void cut_requests();
  void drop_stragglers();
  void start_pool();
  void note_wake(sdb_client *cl);
  // A due timer: a connection's deadline, or a sleeping client that joins woken_.
  void on_timer(void *token, uint64_t generation);
  // Resumes the woken sleepers and then the runnable clients until none is left; sleepers whose
  // timer falls due meanwhile go ahead of the rest of the round.
  void run_round();

  int id_;
  Engine &engine_;
  std::unique_ptr<ClientRuntime> runtime_;
  EventLoop loop_;
  ConnectGate connect_gate_;  // before the connections (clients_, pool_): it outlives them
  Recorder recorder_;
  std::vector<std::unique_ptr<sdb_client>> clients_;
  std::vector<sdb_client *> runnable_;
  std::vector<sdb_client *> woken_;  // sleepers whose timer fired, resumed before runnable_
  std::vector<sdb_client *> woken_batch_;  // run_round's copy of woken_ (kept: no allocation per round)
  std::unique_ptr<ConnPool> pool_;  // kRun with --connections: this worker's share
  int alive_ = 0;                   // clients whose coroutine has not ended
  int terminals_alive_ = 0;         // terminal clients not ended
  int at_barrier_ = 0;
  bool barrier_passed_ = false;
  bool stop_seen_ = false;
  bool polled_busy_ = false;  // busy connections were read once since the last epoll wait
  bool cut_done_ = false;     // requests still running at the stop time + grace were cut short
  std::atomic<sdb_client *> running_{nullptr};
  std::atomic<uint64_t> resumes_{0};
  std::string hook_result_, hook_error_;

  std::mutex inbox_mu_;
  std::vector<int> inbox_parts_;
  std::vector<sdb_client *> inbox_done_;
};

}  // namespace stormdb
