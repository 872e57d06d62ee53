// Cross-worker merge of interval records, in interval order, for progress lines and final totals.
#include "metrics/collector.h"

#include <chrono>

namespace stormdb {

Collector::Collector(int workers) : workers_(workers), ended_(workers, false), last_key_(workers, Key{-1, -1}) {}

void Collector::post(int worker, std::unique_ptr<IntervalStats> s) {
  std::lock_guard lock(mu_);
  Key k{static_cast<int>(s->phase), s->index};
  Pending &p = pending_[k];
  if (p.posted.empty()) p.posted.assign(workers_, false);
  if (!p.have_first) {
    p.merged.phase = s->phase;
    p.merged.index = s->index;
    p.merged.start_us = s->start_us;
    p.have_first = true;
  }
  p.merged.merge(*s);
  p.merged.last = p.merged.last || s->last;
  p.posted[worker] = true;
  if (s->last) {
    ended_[worker] = true;
    last_key_[worker] = k;
  }
  cv_.notify_all();
}

void Collector::worker_ended(int worker) {
  std::lock_guard lock(mu_);
  ended_[worker] = true;
  cv_.notify_all();
}

bool Collector::complete(const Key &k, const Pending &p) const {
  for (int w = 0; w < workers_; w++) {
    if (p.posted[w]) continue;
    if (ended_[w] && last_key_[w] < k) continue;
    return false;
  }
  return true;
}

std::unique_ptr<IntervalStats> Collector::next(int timeout_ms) {
  std::unique_lock lock(mu_);
  auto ready = [this] { return !pending_.empty() && complete(pending_.begin()->first, pending_.begin()->second); };
  if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready)) return nullptr;
  auto node = pending_.extract(pending_.begin());
  auto out = std::make_unique<IntervalStats>(std::move(node.mapped().merged));
  if (out->phase == Phase::kMeasure) {
    if (!have_total_) {
      total_.phase = Phase::kMeasure;
      total_.start_us = out->start_us;
      have_total_ = true;
    }
    total_.merge(*out);
  }
  return out;
}

bool Collector::drained() {
  std::lock_guard lock(mu_);
  for (bool e : ended_)
    if (!e) return false;
  return pending_.empty();
}

IntervalStats Collector::measure_total() {
  std::lock_guard lock(mu_);
  IntervalStats t;
  t.phase = Phase::kMeasure;
  t.start_us = total_.start_us;
  t.end_us = total_.end_us;
  t.merge(total_);
  t.start_us = total_.start_us;
  return t;
}

}  // namespace stormdb
