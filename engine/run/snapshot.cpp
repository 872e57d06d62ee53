// Taking a run's result snapshot (metrics/result.h) from the engine once Engine::run returned.
#include "run/snapshot.h"

#include <algorithm>

namespace stormdb {

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
  row.pooled = iv.pooled;
  row.queue_mean = iv.end_us > iv.start_us ? iv.queue_area / (iv.end_us - iv.start_us) : 0;
  row.queue_max = iv.queue_max;
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
  r.query_mode = engine.plan().query_mode;
  r.pool.connections = engine.plan().connections;
  r.pool.queue_mean = end > start ? t.queue_area / (end - start) : 0;
  r.pool.queue_max = t.queue_max;
  if (t.timer_lateness) {
    r.timer_wakeups = t.timer_lateness->count();
    r.timer_lateness = latency_ms(*t.timer_lateness);
  }
  r.client_threads.threads = engine.plan().threads;
  r.client_threads.realtime = engine.plan().realtime;
  r.client_threads.known = t.on_cpu_us > 0;
  r.client_threads.on_cpu_s = t.on_cpu_us / 1e6;
  r.client_threads.cpu_wait_s = t.cpu_wait_us / 1e6;
  r.connect = engine.connect_stats();
  fill_outages(r, engine, std::max(end, now_us()));
}

}  // namespace stormdb
