// Serialisation of a RunResult to JSON with nlohmann::json: totals, per-type rows, full histograms,
// interval series and the configuration with secrets redacted.
#include "report/json_report.h"

#include "metrics/latency_value.h"
#include "report/html_report.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace stormdb {
using nlohmann::json;

namespace {
// {mean, p50, ..., max} in ms under the names of kLatencyStats, with stddev and min when spread.
json latency_json(const LatencyMs &l, bool spread) {
  json j = json::object();
  for (std::string_view name : kLatencyStats) j[std::string(name)] = latency_stat(l, name);
  if (spread) {
    j["stddev"] = l.stddev;
    j["min"] = l.min;
  }
  return j;
}
}  // namespace

json row_json(const TxnRow &t) {
  return json{{"count", t.count},
              {"committed", t.committed},
              {"rolled_back", t.rolled_back},
              {"failed", t.failed},
              {"retried", t.retried},
              {"retries", t.retries},
              {"tps", t.tps},
              {"latency_ms", latency_json(t.latency, true)},
              {"schedule_lag_ms", {{"mean", t.lag_mean_ms}, {"max", t.lag_max_ms}}},
              {"service_ms", latency_json(t.service, false)},
              {"skipped", t.skipped},
              {"late", t.late},
              {"failures", t.failures},
              {"pool_wait_ms", t.has_pool_wait ? latency_json(t.pool_wait, false) : json(nullptr)}};
}

namespace {
json histogram_json(const Histogram &h) {
  json buckets = json::array();
  for (const auto &b : h.nonzero_buckets()) buckets.push_back({b.low, b.high, b.count});
  return json{{"unit", "us"}, {"count", h.count()}, {"buckets", buckets}};
}

// Spans of unreachability; an outage still open at the end has no end_s.
json outages_json(const RunResult &r) {
  json out = json::array();
  for (const auto &o : r.outages)
    out.push_back({{"start_s", o.start_s},
                   {"end_s", o.open ? json(nullptr) : json(o.end_s)},
                   {"duration_s", o.duration_s},
                   {"open", o.open}});
  return out;
}
}  // namespace

json config_json(const Config &c) {
  return json{{"command", c.command},
              {"script", c.script},
              {"conninfo", c.redacted_conninfo()},
              {"clients", c.clients},
              {"threads", c.threads},
              {"duration_s", c.duration_us / 1e6},
              {"warmup_s", c.warmup_us / 1e6},
              {"transactions_per_client", c.transactions},
              {"report_interval_s", c.report_interval_s},
              {"seed", c.seed},
              {"max_tries", c.max_tries},
              {"rate", c.rate},
              {"rate_per_client", c.rate_per_client},
              {"arrival", c.arrival},
              {"latency_limit_ms", c.latency_limit_us / 1e3},
              {"loaders", c.loaders},
              {"options", c.options},
              {"sources", c.sources}};
}

json result_json(const RunResult &r, const Config &cfg) {
  json j;
  j["schema"] = kJsonSchema;
  j["stormdb_version"] = STORMDB_VERSION;
  j["workload"] = {{"name", r.workload}, {"script", r.script}};
  j["server"] = {{"version", r.server_version}, {"throwaway", r.throwaway}};
  if (!r.server_bin_dir.empty()) j["server"]["bin_dir"] = r.server_bin_dir;
  j["started_at_unix"] = r.started_unix;
  j["elapsed_s"] = r.elapsed_s;
  j["config"] = config_json(cfg);
  j["connect"] = {{"connections", r.connect.clients},
                  {"mean_ms", r.connect.clients ? r.connect.total_us / r.connect.clients / 1e3 : 0},
                  {"max_ms", r.connect.max_us / 1e3}};
  json types = json::object();
  for (size_t i = 0; i < r.types.size(); i++) {
    json t = row_json(r.types[i]);
    if (i < r.type_stats.size()) t["histogram"] = histogram_json(r.type_stats[i].latency);
    types[r.types[i].name] = t;
  }
  j["transactions"] = types;
  j["total"] = row_json(r.total);
  j["total"]["histogram"] = histogram_json(r.total_stats.latency);
  json timings = json::object();
  for (const auto &t : r.timings)
    timings[t.name] = {
        {"count", t.count}, {"ms", latency_json(t.latency, false)}, {"histogram", histogram_json(t.histogram)}};
  j["timings"] = timings;
  j["query_mode"] = r.query_mode;
  j["pool"] = {{"connections", r.pool.connections}, {"queue_mean", r.pool.queue_mean}, {"queue_max", r.pool.queue_max}};
  j["timer_lateness"] = {{"wakeups", r.timer_wakeups}, {"ms", latency_json(r.timer_lateness, false)}};
  const ClientThreads &ct = r.client_threads;
  // null times when the kernel gives no schedstat: unknown, not zero.
  j["client_threads"] = {{"threads", ct.threads},
                         {"realtime", ct.realtime},
                         {"on_cpu_s", ct.known ? json(ct.on_cpu_s) : json()},
                         {"cpu_wait_s", ct.known ? json(ct.cpu_wait_s) : json()},
                         {"cpu_wait_share", ct.known ? json(ct.wait_share(r.elapsed_s)) : json()}};
  j["reconnects"] = r.reconnects;
  j["reconnect_attempts"] = r.reconnect_attempts;
  j["outages"] = outages_json(r);
  j["clients_unable_to_reconnect"] = r.clients_gave_up;
  j["counters"] = r.counters;
  json intervals = json::array();
  for (const auto &iv : r.intervals) {
    json types_iv = json::object();
    for (const auto &t : iv.types) types_iv[t.name] = row_json(t);
    intervals.push_back(
        {{"phase", iv.phase},
         {"t_s", iv.t_s},
         {"span_s", iv.span_s},
         {"reconnects", iv.reconnects},
         {"reconnect_attempts", iv.reconnect_attempts},
         {"pool_queue", iv.pooled ? json{{"mean", iv.queue_mean}, {"max", iv.queue_max}} : json(nullptr)},
         {"total", row_json(iv.total)},
         {"transactions", types_iv}});
  }
  j["intervals"] = intervals;
  json summary = json::array();
  for (const auto &s : r.summary) {
    json l{{"name", s.name}, {"value", s.value}, {"unit", s.unit}, {"note", s.note}};
    if (s.ok >= 0) l["ok"] = s.ok == 1;
    summary.push_back(l);
  }
  j["summary"] = summary;
  json checks = json::array();
  // A check that could not run has "checked": false and "ok": null (neither passed nor failed).
  for (const auto &c : r.checks)
    checks.push_back({{"name", c.name},
                      {"ok", c.checked ? nlohmann::json(c.ok) : nlohmann::json()},
                      {"checked", c.checked},
                      {"detail", c.detail}});
  j["checks"] = checks;
  if (!r.postgres.is_null()) j["postgres"] = r.postgres;
  if (!r.error.empty()) j["error"] = r.error;
  if (!r.failure.empty()) j["failure"] = r.failure;
  j["interrupted"] = r.interrupted;
  j["cut_short"] = r.cut_short;
  return j;
}

void write_json_file(const std::string &path, const nlohmann::json &j) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << j.dump(2) << "\n";
  if (!f) throw std::runtime_error("cannot write " + path);
}

void write_outputs(const nlohmann::json &j, const std::string &json_path, const std::string &html_path) {
  if (!json_path.empty()) write_json_file(json_path, j);
  if (html_path.empty()) return;
  std::ofstream f(html_path);
  f << render_html_report(j);
  if (!f) throw std::runtime_error("cannot write " + html_path);
}

}  // namespace stormdb
