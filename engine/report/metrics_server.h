// OpenMetrics (Prometheus) endpoint served during a run: transaction counters by type and outcome,
// latency histograms, the last interval's rate and percentiles, and PostgreSQL gauges.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/stats.h"
#include "run/run_output.h"

namespace httplib {
class Server;
}

namespace stormdb {

class MetricsServer final : public IntervalListener {
 public:
  // Binds HOST:PORT and serves GET /metrics on its own thread. Throws std::runtime_error when the
  // address cannot be bound.
  explicit MetricsServer(const std::string &listen);
  ~MetricsServer();
  MetricsServer(const MetricsServer &) = delete;
  MetricsServer &operator=(const MetricsServer &) = delete;

  // Adds a complete interval (any phase) to the cumulative counters; names index its types.
  void add_interval(const IntervalStats &iv, const std::vector<std::string> &names) override;
  // Latest PostgreSQL sampler record (see docs/outputs.md "postgres").
  void set_postgres(const nlohmann::json &record) override;
  // The exposition text, as served.
  std::string render();

 private:
  struct TypeTotals {
    std::string name;
    uint64_t committed = 0, rolled_back = 0, failed = 0, retries = 0;
    Histogram latency;
    double last_tps = 0, last_p50 = 0, last_p95 = 0, last_p99 = 0;
  };
  TypeTotals &totals(const std::string &name);

  std::mutex mu_;
  std::vector<std::unique_ptr<TypeTotals>> types_;
  uint64_t reconnects_ = 0;
  nlohmann::json postgres_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace stormdb
