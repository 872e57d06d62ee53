// Turning merged statistics into report rows: rates over measured time, percentiles in ms.
#include "metrics/result.h"

#include <algorithm>

namespace stormdb {

LatencyMs latency_ms(const Histogram &h) {
  LatencyMs l;
  if (h.count() == 0) return l;
  l.mean = h.mean() / 1e3;
  l.stddev = h.stddev() / 1e3;
  l.min = h.min() / 1e3;
  l.p50 = h.percentile(50) / 1e3;
  l.p90 = h.percentile(90) / 1e3;
  l.p95 = h.percentile(95) / 1e3;
  l.p99 = h.percentile(99) / 1e3;
  l.p999 = h.percentile(99.9) / 1e3;
  l.max = h.max() / 1e3;
  return l;
}

TxnRow summarize(const std::string &name, const TxnStats &s, double elapsed_s) {
  TxnRow r;
  r.name = name;
  r.committed = s.committed;
  r.rolled_back = s.rolled_back;
  r.failed = s.failed;
  r.retried = s.retried;
  r.retries = s.retries;
  r.count = s.completed();
  r.tps = elapsed_s > 0 ? r.count / elapsed_s : 0;
  r.latency = latency_ms(s.latency);
  if (s.lag_count > 0) {
    r.lag_mean_ms = s.lag_sum_us / s.lag_count / 1e3;
    r.lag_max_ms = s.lag_max_us / 1e3;
  }
  r.skipped = s.skipped;
  r.late = s.late;
  if (s.service && s.service->count() > 0) {
    r.has_service = true;
    r.service = latency_ms(*s.service);
  }
  if (s.pool_wait && s.pool_wait->count() > 0) {
    r.has_pool_wait = true;
    r.pool_wait = latency_ms(*s.pool_wait);
  }
  r.failures = s.failures;
  return r;
}

}  // namespace stormdb
