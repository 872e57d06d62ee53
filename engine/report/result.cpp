// Turning merged statistics into report rows: rates over measured time, percentiles in ms.
#include "report/result.h"

namespace stormdb {

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
  const Histogram &h = s.latency;
  if (h.count() > 0) {
    r.mean_ms = h.mean() / 1e3;
    r.stddev_ms = h.stddev() / 1e3;
    r.min_ms = h.min() / 1e3;
    r.p50_ms = h.percentile(50) / 1e3;
    r.p90_ms = h.percentile(90) / 1e3;
    r.p95_ms = h.percentile(95) / 1e3;
    r.p99_ms = h.percentile(99) / 1e3;
    r.p999_ms = h.percentile(99.9) / 1e3;
    r.max_ms = h.max() / 1e3;
  }
  if (s.lag_count > 0) {
    r.lag_mean_ms = s.lag_sum_us / s.lag_count / 1e3;
    r.lag_max_ms = s.lag_max_us / 1e3;
  }
  r.skipped = s.skipped;
  r.late = s.late;
  if (s.service && s.service->count() > 0) {
    const Histogram &v = *s.service;
    r.has_service = true;
    r.svc_mean_ms = v.mean() / 1e3;
    r.svc_p50_ms = v.percentile(50) / 1e3;
    r.svc_p90_ms = v.percentile(90) / 1e3;
    r.svc_p95_ms = v.percentile(95) / 1e3;
    r.svc_p99_ms = v.percentile(99) / 1e3;
    r.svc_p999_ms = v.percentile(99.9) / 1e3;
    r.svc_max_ms = v.max() / 1e3;
  }
  r.failures = s.failures;
  return r;
}

IntervalRow interval_row(const IntervalStats &iv, Engine &engine) {
  IntervalRow row;
  row.phase = iv.phase == Phase::kWarmup ? "warmup" : "measure";
  row.t_s = (iv.end_us - engine.t0()) / 1e6;
  row.span_s = (iv.end_us - iv.start_us) / 1e6;
  auto names = engine.txn_names();
  for (size_t i = 0; i < iv.types.size() && i < names.size(); i++)
    if (iv.types[i]) row.types.push_back(summarize(names[i], *iv.types[i], row.span_s));
  row.total = summarize("total", iv.total(), row.span_s);
  row.reconnects = iv.reconnects;
  return row;
}

void fill_totals(RunResult &r, Engine &engine) {
  IntervalStats t = engine.collector().measure_total();
  double start = engine.measure_start();
  double end = t.end_us;  // the stop time, or the end of the last transaction in flight then
  r.elapsed_s = end > start ? (end - start) / 1e6 : 0;
  auto names = engine.txn_names();
  for (size_t i = 0; i < names.size(); i++) {
    TxnStats s;
    if (i < t.types.size() && t.types[i]) s.merge(*t.types[i]);
    r.types.push_back(summarize(names[i], s, r.elapsed_s));
    r.type_stats.push_back(std::move(s));
  }
  r.total_stats = t.total();
  r.total = summarize("total", r.total_stats, r.elapsed_s);
  auto cnames = engine.counter_names();
  for (size_t i = 0; i < cnames.size(); i++) r.counters[cnames[i]] = i < t.counters.size() ? t.counters[i] : 0;
  auto tnames = engine.timing_names();
  for (size_t i = 0; i < tnames.size(); i++) {
    TimingRow row;
    row.name = tnames[i];
    if (i < t.timings.size() && t.timings[i]) row.histogram.merge(*t.timings[i]);
    const Histogram &h = row.histogram;
    row.count = h.count();
    row.mean_ms = h.mean() / 1e3;
    row.p50_ms = h.percentile(50) / 1e3;
    row.p90_ms = h.percentile(90) / 1e3;
    row.p95_ms = h.percentile(95) / 1e3;
    row.p99_ms = h.percentile(99) / 1e3;
    row.max_ms = h.max() / 1e3;
    r.timings.push_back(std::move(row));
  }
  r.reconnects = t.reconnects;
  r.connect = engine.connect_stats();
}

}  // namespace stormdb
