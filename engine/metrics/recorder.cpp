// Interval bookkeeping of one worker thread: which interval a transaction falls in, and when to flush.
#include "metrics/recorder.h"

#include <algorithm>

#include "base/ffi_types.h"
#include "metrics/collector.h"

namespace stormdb {
namespace {
// Boundaries are sums of doubles: one within this many µs of a phase end or of the stop time is
// that end, so rounding never opens an empty sliver of an interval.
constexpr double kSlack = 1.0;
}  // namespace

void Recorder::start(double t0, double warmup_us, double interval_us, bool open_loop, double latency_limit_us) {
  open_loop_ = open_loop;
  latency_limit_ = latency_limit_us;
  started_ = true;
  closed_ = false;
  draining_ = false;
  interval_ = interval_us > 0 ? interval_us : 1e6;
  t0_ = t0;
  warm_end_ = t0 + warmup_us;
  cur_ = std::make_unique<IntervalStats>();
  cur_->phase = warmup_us > 0 ? Phase::kWarmup : Phase::kMeasure;
  cur_->index = 0;
  cur_->start_us = t0;
  cur_end_ = cur_->phase == Phase::kWarmup ? std::min(t0 + interval_, warm_end_) : t0 + interval_;
  cpu_ = read_thread_cpu();
}

void Recorder::open_next(Phase phase, int index) {
  auto next = std::make_unique<IntervalStats>();
  double start = std::min(cur_end_, stop_at_);
  if (phase == Phase::kWarmup && start >= warm_end_ - kSlack) {
    next->phase = Phase::kMeasure;
    next->index = 0;
    start = warm_end_;
  } else {
    next->phase = phase;
    next->index = index + 1;
  }
  next->start_us = start;
  next->queue_max = queue_len_;  // the queue as it stands when the interval opens
  // From the phase's start, not the previous end, so that rounding does not accumulate.
  double phase_start = next->phase == Phase::kWarmup ? t0_ : warm_end_;
  cur_end_ = phase_start + (next->index + 1) * interval_;
  if (next->phase == Phase::kWarmup && cur_end_ > warm_end_ - kSlack) cur_end_ = warm_end_;
  cur_ = std::move(next);
}

void Recorder::flush(double end_us, bool last) {
  cur_->end_us = end_us;
  if (pooled_) {
    cur_->pooled = true;
    cur_->queue_area += queue_len_ * std::max(0.0, end_us - std::max(queue_since_, cur_->start_us));
    queue_since_ = end_us;
  }
  cur_->last = last;
  // One file read per interval: whether the client itself was short of CPU (its waits for a CPU
  // are inside every latency it measured).
  ThreadCpu cpu = read_thread_cpu();
  if (cpu.known && cpu_.known) {
    cur_->on_cpu_us += cpu.on_cpu_us - cpu_.on_cpu_us;
    cur_->cpu_wait_us += cpu.wait_us - cpu_.wait_us;
  }
  cpu_ = cpu;
  Phase phase = cur_->phase;
  int index = cur_->index;
  sink_->post(worker_, std::move(cur_));
  if (last) {
    closed_ = true;
  } else {
    open_next(phase, index);
  }
}

double Recorder::advance(double now_us, double stop_at_us) {
  if (!started_ || closed_) return kNever;
  stop_at_ = stop_at_us;
  while (!closed_ && !draining_) {
    double end = std::min(cur_end_, stop_at_);
    if (now_us < end) return end;
    if (end >= stop_at_ - kSlack) {
      // The stop time is reached: the current interval stays open for the transactions still in
      // flight, so that what is reported is exactly what the server committed.
      draining_ = true;
      drain_end_ = stop_at_;
      return kNever;
    }
    flush(end, false);
  }
  return kNever;
}

void Recorder::finish(double now_us) {
  if (!started_ || closed_) return;
  advance(now_us, stop_at_);
  if (!closed_) flush(draining_ ? drain_end_ : std::min(now_us, stop_at_), true);
}

IntervalStats *Recorder::at(double t_us) {
  if (!started_ || closed_) return nullptr;
  if (!draining_) advance(t_us, stop_at_);
  if (closed_) return nullptr;
  if (draining_ && t_us > drain_end_) drain_end_ = t_us;
  return cur_.get();
}

void Recorder::record(int type, int outcome, double intended_us, double start_us, double end_us, int retries,
                      const char *sqlstate) {
  IntervalStats *iv = at(end_us);
  if (!iv) return;
  TxnStats &s = iv->type(type);
  if (outcome == SDB_FAILED) {
    s.failed++;
    s.failures[sqlstate && *sqlstate ? sqlstate : "unknown"]++;
  } else {
    if (outcome == SDB_ROLLED_BACK) {
      s.rolled_back++;
    } else {
      s.committed++;
    }
    s.latency.record(static_cast<int64_t>(end_us - intended_us + 0.5));
    if (open_loop_) {
      if (!s.service) s.service = std::make_unique<Histogram>();
      s.service->record(static_cast<int64_t>(end_us - start_us + 0.5));
    }
    if (latency_limit_ > 0 && end_us - intended_us > latency_limit_) s.late++;
  }
  if (retries > 0) {
    s.retried++;
    s.retries += retries;
  }
  double lag = start_us - intended_us;
  if (lag > 0) {
    s.lag_count++;
    s.lag_sum_us += lag;
    s.lag_max_us = std::max(s.lag_max_us, lag);
  }
}

void Recorder::skip(int type, double now_us) {
  if (IntervalStats *iv = at(now_us)) iv->type(type).skipped++;
}

void Recorder::count(int counter, double n, double now_us) {
  IntervalStats *iv = at(now_us);
  if (!iv) return;
  if (static_cast<size_t>(counter) >= iv->counters.size()) iv->counters.resize(counter + 1);
  iv->counters[counter] += n;
}

void Recorder::observe(int timing, double value_us, double now_us) {
  IntervalStats *iv = at(now_us);
  if (!iv) return;
  if (static_cast<size_t>(timing) >= iv->timings.size()) iv->timings.resize(timing + 1);
  if (!iv->timings[timing]) iv->timings[timing] = std::make_unique<Histogram>();
  iv->timings[timing]->record(static_cast<int64_t>(value_us + 0.5));
}

void Recorder::pool_wait(int type, double wait_us, double now_us) {
  IntervalStats *iv = at(now_us);
  if (!iv) return;
  TxnStats &s = iv->type(type);
  if (!s.pool_wait) s.pool_wait = std::make_unique<Histogram>();
  s.pool_wait->record(static_cast<int64_t>(wait_us + 0.5));
}

void Recorder::pool_queue(size_t waiting, double now_us) {
  pooled_ = true;
  if (IntervalStats *iv = at(now_us)) {
    iv->queue_area += queue_len_ * std::max(0.0, now_us - std::max(queue_since_, iv->start_us));
    if (waiting > iv->queue_max) iv->queue_max = waiting;
  }
  queue_len_ = waiting;
  queue_since_ = now_us;
}

void Recorder::timer_lateness(double lateness_us, double now_us) {
  IntervalStats *iv = at(now_us);
  if (!iv) return;
  if (!iv->timer_lateness) iv->timer_lateness = std::make_unique<Histogram>();
  iv->timer_lateness->record(static_cast<int64_t>(lateness_us + 0.5));
}

void Recorder::reconnect_attempt(bool ok, double lost_us, double now_us) {
  if (sink_) sink_->outages().attempt(ok, lost_us, now_us);
  IntervalStats *iv = at(now_us);
  if (!iv) return;
  iv->reconnect_attempts++;
  if (ok) iv->reconnects++;
}

void Recorder::reconnect_gave_up() {
  if (sink_) sink_->outages().gave_up();
}

}  // namespace stormdb
