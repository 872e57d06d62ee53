// Merging of per-type transaction statistics and interval records.
#include "metrics/stats.h"

namespace stormdb {
namespace {
// Histograms kept only when something was recorded into them (service time, pool wait ...).
void merge_optional(std::unique_ptr<Histogram> &into, const std::unique_ptr<Histogram> &from) {
  if (!from) return;
  if (!into) into = std::make_unique<Histogram>();
  into->merge(*from);
}
}  // namespace

void TxnStats::merge(const TxnStats &o) {
  latency.merge(o.latency);
  committed += o.committed;
  rolled_back += o.rolled_back;
  failed += o.failed;
  retried += o.retried;
  retries += o.retries;
  skipped += o.skipped;
  late += o.late;
  merge_optional(service, o.service);
  merge_optional(pool_wait, o.pool_wait);
  lag_count += o.lag_count;
  lag_sum_us += o.lag_sum_us;
  if (o.lag_max_us > lag_max_us) lag_max_us = o.lag_max_us;
  for (const auto &[k, v] : o.failures) failures[k] += v;
}

TxnStats &IntervalStats::type(int id) {
  if (static_cast<size_t>(id) >= types.size()) types.resize(id + 1);
  if (!types[id]) types[id] = std::make_unique<TxnStats>();
  return *types[id];
}

void IntervalStats::merge(const IntervalStats &o) {
  for (size_t i = 0; i < o.types.size(); i++)
    if (o.types[i]) type(static_cast<int>(i)).merge(*o.types[i]);
  if (counters.size() < o.counters.size()) counters.resize(o.counters.size());
  for (size_t i = 0; i < o.counters.size(); i++) counters[i] += o.counters[i];
  if (timings.size() < o.timings.size()) timings.resize(o.timings.size());
  for (size_t i = 0; i < o.timings.size(); i++) {
    if (!o.timings[i]) continue;
    if (!timings[i]) timings[i] = std::make_unique<Histogram>();
    timings[i]->merge(*o.timings[i]);
  }
  reconnect_attempts += o.reconnect_attempts;
  reconnects += o.reconnects;
  merge_optional(timer_lateness, o.timer_lateness);
  pooled = pooled || o.pooled;
  queue_area += o.queue_area;
  if (o.queue_max > queue_max) queue_max = o.queue_max;
  on_cpu_us += o.on_cpu_us;
  cpu_wait_us += o.cpu_wait_us;
  if (o.end_us > end_us) end_us = o.end_us;
}

TxnStats IntervalStats::total() const {
  TxnStats t;
  for (const auto &s : types)
    if (s) t.merge(*s);
  return t;
}

}  // namespace stormdb
