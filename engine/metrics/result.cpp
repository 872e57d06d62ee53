// Turning merged statistics into report rows: rates over measured time, percentiles in ms.
#include "report/result.h"

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
  row.reconnect_attempts = iv.reconnect_attempts;
  return row;
}

namespace {
// Outages in seconds since the start barrier; one still open ends at run_end_us.
void fill_outages(RunResult &r, Engine &engine, double run_end_us) {
  OutageLog &log = engine.collector().outages();
  for (const Outage &o : log.outages()) {
    OutageRow row;
    row.open = o.open();
    double end = row.open ? std::max(run_end_us, o.start_us) : o.end_us;
    row.start_s = (o.start_us - engine.t0()) / 1e6;
    row.end_s = (end - engine.t0()) / 1e6;
    row.duration_s = (end - o.start_us) / 1e6;
    r.outages.push_back(row);
  }
  r.clients_gave_up = log.clients_gave_up();
}
}  // namespace

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
    row.count = row.histogram.count();
    row.latency = latency_ms(row.histogram);
    r.timings.push_back(std::move(row));
  }
  r.reconnects = t.reconnects;
  r.reconnect_attempts = t.reconnect_attempts;
  r.connect = engine.connect_stats();
  fill_outages(r, engine, std::max(end, now_us()));
}

}  // namespace stormdb
