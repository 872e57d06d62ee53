// Per-thread recording of transaction outcomes into interval records, handed to the Collector at
// each boundary (warmup/measure phases, --report-interval ticks, the stop time).
#pragma once
#include <limits>
#include <memory>

#include "metrics/stats.h"
#include "util/thread_sched.h"

namespace stormdb {

class Collector;

class Recorder {
 public:
  static constexpr double kNever = std::numeric_limits<double>::infinity();

  Recorder(Collector *sink, int worker) : sink_(sink), worker_(worker) {}

  // Starts accounting at t0 (µs, engine clock): a warmup phase of warmup_us, then the measure
  // phase, both cut into intervals of interval_us (> 0).
  // With open_loop, service time (from the actual start) is kept beside latency; latency_limit_us
  // > 0 counts transactions later than it.
  void start(double t0, double warmup_us, double interval_us, bool open_loop = false, double latency_limit_us = 0);
  // Counts a transaction the schedule skipped (already later than the latency limit).
  void skip(int type, double now_us);
  // Records one transaction ending at end_us; ignored before start() and after finish().
  // Transactions in flight at the stop time still count (in the last interval, which then ends
  // with the last of them), as in pgbench, so that the report matches what the server committed.
  // outcome is SDB_COMMITTED, SDB_ROLLED_BACK or SDB_FAILED.
  void record(int type, int outcome, double intended_us, double start_us, double end_us, int retries,
              const char *sqlstate);
  void count(int counter, double n, double now_us);
  void observe(int timing, double value_us, double now_us);
  // Pooled runs: a transaction of this type waited wait_us for a connection in all.
  void pool_wait(int type, double wait_us, double now_us);
  // Pooled runs: the number of clients queued for a connection changed to waiting at now_us (its
  // time-weighted mean and its max go in each interval).
  void pool_queue(size_t waiting, double now_us);
  // A client whose sleep timer was due ran lateness_us after it (timer lateness).
  void timer_lateness(double lateness_us, double now_us);
  // A reconnect attempt (ok: it succeeded) of a client that lost its connection at lost_us:
  // counted in the interval of now_us, and passed on to the Collector's outage log.
  void reconnect_attempt(bool ok, double lost_us, double now_us);
  // A client stopped trying to reconnect because the run ended (see OutageLog::gave_up).
  void reconnect_gave_up();
  // Flushes the intervals that ended by now_us given the run's current stop time; returns the
  // next boundary (kNever once closed).
  double advance(double now_us, double stop_at_us);
  // Ends accounting and posts the last interval: it ends at now_us (or the stop time if
  // earlier), or at the last transaction recorded after the stop time.
  void finish(double now_us);
  bool started() const { return started_; }
  bool closed() const { return closed_; }

 private:
  IntervalStats *at(double t_us);
  void open_next(Phase phase, int index);
  void flush(double end_us, bool last);

  Collector *sink_;
  int worker_;
  bool started_ = false;
  bool closed_ = false;
  bool draining_ = false;  // past the stop time, waiting for the transactions in flight
  double drain_end_ = 0;
  double t0_ = 0;
  double warm_end_ = 0;
  bool open_loop_ = false;
  double latency_limit_ = 0;
  double interval_ = 1e6;
  double stop_at_ = kNever;
  double cur_end_ = 0;  // unclamped end of the current interval
  std::unique_ptr<IntervalStats> cur_;
  bool pooled_ = false;
  size_t queue_len_ = 0;    // clients queued for a connection now
  ThreadCpu cpu_;           // the thread's schedstat at the last interval boundary
  double queue_since_ = 0;  // since when queue_len_ holds (or the current interval's start)
};

}  // namespace stormdb
