// The --metrics-listen HTTP endpoint (cpp-httplib) and its OpenMetrics text rendering.
#include "report/metrics_server.h"

#include <fmt/format.h>
#include <httplib.h>

#include <stdexcept>

namespace stormdb {
namespace {
// Latency bucket bounds in seconds: 100 µs .. 10 s, the range OLTP percentiles live in.
const double kBuckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                           0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

std::string label(const std::string &v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

MetricsServer::MetricsServer(const std::string &listen) : server_(std::make_unique<httplib::Server>()) {
  size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  int port = std::stoi(listen.substr(colon + 1));
  server_->Get("/metrics", [this](const httplib::Request &, httplib::Response &res) {
    res.set_content(render(), "application/openmetrics-text; version=1.0.0; charset=utf-8");
  });
  if (!server_->bind_to_port(host.c_str(), port))
    throw std::runtime_error(
        fmt::format("--metrics-listen: cannot listen on {} (address in use or not local?)", listen));
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

MetricsServer::~MetricsServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

MetricsServer::TypeTotals &MetricsServer::totals(const std::string &name) {
  for (auto &t : types_)
    if (t->name == name) return *t;
  types_.push_back(std::make_unique<TypeTotals>());
  types_.back()->name = name;
  return *types_.back();
}

void MetricsServer::add_interval(const IntervalStats &iv, const std::vector<std::string> &names) {
  std::lock_guard lock(mu_);
  double span = (iv.end_us - iv.start_us) / 1e6;
  for (size_t i = 0; i < iv.types.size() && i < names.size(); i++) {
    if (!iv.types[i]) continue;
    const TxnStats &s = *iv.types[i];
    TypeTotals &t = totals(names[i]);
    t.committed += s.committed;
    t.rolled_back += s.rolled_back;
    t.failed += s.failed;
    t.retries += s.retries;
    t.latency.merge(s.latency);
    t.last_tps = span > 0 ? s.completed() / span : 0;
    t.last_p50 = s.latency.percentile(50) / 1e6;
    t.last_p95 = s.latency.percentile(95) / 1e6;
    t.last_p99 = s.latency.percentile(99) / 1e6;
  }
  reconnects_ += iv.reconnects;
}

void MetricsServer::set_postgres(const nlohmann::json &record) {
  std::lock_guard lock(mu_);
  postgres_ = record;
}

std::string MetricsServer::render() {
  std::lock_guard lock(mu_);
  std::string o;
  o += "# TYPE stormdb_transactions counter\n# HELP stormdb_transactions Transactions ended, by type and outcome.\n";
  for (const auto &t : types_) {
    const std::pair<const char *, uint64_t> outcomes[] = {
        {"committed", t->committed}, {"rolled_back", t->rolled_back}, {"failed", t->failed}};
    for (const auto &[o_name, n] : outcomes)
      o += fmt::format("stormdb_transactions_total{{type=\"{}\",outcome=\"{}\"}} {}\n", label(t->name), o_name, n);
  }
  o += "# TYPE stormdb_retries counter\n";
  for (const auto &t : types_)
    o += fmt::format("stormdb_retries_total{{type=\"{}\"}} {}\n", label(t->name), t->retries);
  o += "# TYPE stormdb_reconnects counter\n";
  o += fmt::format("stormdb_reconnects_total {}\n", reconnects_);
  o += "# TYPE stormdb_latency_seconds histogram\n# HELP stormdb_latency_seconds Transaction latency from the intended "
       "start.\n";
  for (const auto &t : types_) {
    std::vector<uint64_t> cum(std::size(kBuckets), 0);
    for (const auto &b : t->latency.nonzero_buckets())
      for (size_t i = 0; i < std::size(kBuckets); i++)
        if (b.high / 1e6 <= kBuckets[i]) cum[i] += b.count;
    for (size_t i = 0; i < std::size(kBuckets); i++)
      o += fmt::format("stormdb_latency_seconds_bucket{{type=\"{}\",le=\"{}\"}} {}\n", label(t->name), kBuckets[i],
                       cum[i]);
    o += fmt::format("stormdb_latency_seconds_bucket{{type=\"{}\",le=\"+Inf\"}} {}\n", label(t->name),
                     t->latency.count());
    o += fmt::format("stormdb_latency_seconds_count{{type=\"{}\"}} {}\n", label(t->name), t->latency.count());
    o += fmt::format("stormdb_latency_seconds_sum{{type=\"{}\"}} {}\n", label(t->name),
                     t->latency.mean() * t->latency.count() / 1e6);
  }
  o += "# TYPE stormdb_interval_tps gauge\n# TYPE stormdb_interval_latency_seconds gauge\n";
  for (const auto &t : types_) {
    o += fmt::format("stormdb_interval_tps{{type=\"{}\"}} {}\n", label(t->name), t->last_tps);
    const std::pair<const char *, double> qs[] = {{"0.5", t->last_p50}, {"0.95", t->last_p95}, {"0.99", t->last_p99}};
    for (const auto &[q, v] : qs)
      o += fmt::format("stormdb_interval_latency_seconds{{type=\"{}\",quantile=\"{}\"}} {}\n", label(t->name), q, v);
  }
  // PostgreSQL gauges from the sampler's latest interval: every numeric field of its sections.
  if (postgres_.is_object()) {
    for (auto sec = postgres_.begin(); sec != postgres_.end(); ++sec) {
      if (!sec.value().is_object()) continue;
      for (auto f = sec.value().begin(); f != sec.value().end(); ++f) {
        if (!f.value().is_number()) continue;
        std::string name = fmt::format("stormdb_pg_{}_{}", sec.key(), f.key());
        for (char &c : name)
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
        o += fmt::format("# TYPE {} gauge\n{} {}\n", name, name, f.value().get<double>());
      }
    }
  }
  o += "# EOF\n";
  return o;
}

}  // namespace stormdb
