// The report of --scale-clients: a line per band, the table with the USL fit and the best band,
// and the JSON of schema stormdb.progressive/1.
#include "report/progressive_report.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

#include "report/json_report.h"

namespace stormdb {

void print_band(const Band &b, size_t index, size_t count) {
  const TxnRow &t = b.result.total;
  std::printf("%s\n",
              fmt::format("band {}/{}: {} clients: {:.1f} tps, p50 {:.3f} ms, p95 {:.3f} ms, p99 {:.3f} ms, "
                          "{} failed",
                          index + 1, count, b.clients, t.tps, t.latency.p50, t.latency.p95, t.latency.p99, t.failed)
                  .c_str());
  std::fflush(stdout);
}

void print_scaling(const Config &cfg, const Scaling &sc) {
  std::printf("\n%s\n", fmt::format("{:>8} {:>12} {:>10} {:>10} {:>10} {:>8} {:>12}", "clients", "tps", "p50 ms",
                                    "p95 ms", "p99 ms", "failed", "USL tps")
                            .c_str());
  for (const auto &b : sc.bands) {
    const TxnRow &t = b.result.total;
    std::printf("%s\n", fmt::format("{:>8} {:>12.1f} {:>10.3f} {:>10.3f} {:>10.3f} {:>8} {:>12}", b.clients, t.tps,
                                    t.latency.p50, t.latency.p95, t.latency.p99, t.failed,
                                    sc.fit.ok ? fmt::format("{:.1f}", usl_throughput(sc.fit, b.clients)) : "-")
                            .c_str());
  }
  if (sc.fit.ok) {
    std::printf("\nUniversal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1))\n");
    std::printf("%s\n",
                fmt::format("  λ = {:.2f} tps per client, σ (contention) = {:.5f}, κ (coherency) = {:.7f}, R² = {:.4f}",
                            sc.fit.lambda, sc.fit.sigma, sc.fit.kappa, sc.fit.r2)
                    .c_str());
    if (sc.fit.sigma >= 1) {
      std::printf("%s\n", fmt::format("  predicted peak at N* = 1 client ({:.1f} tps): contention σ >= 1, so no client "
                                      "beyond the first adds throughput",
                                      usl_throughput(sc.fit, 1))
                              .c_str());
    } else if (std::isfinite(sc.fit.peak_n)) {
      std::printf("%s\n", fmt::format("  predicted peak at N* = √((1−σ)/κ) = {:.1f} clients ({:.1f} tps)",
                                      sc.fit.peak_n, usl_throughput(sc.fit, sc.fit.peak_n))
                              .c_str());
    } else {
      std::printf("  no coherency cost measured (κ = 0): no predicted peak within reach\n");
    }
  } else {
    std::printf("\nUSL fit needs at least 3 bands with different client counts\n");
  }
  if (sc.best >= 0) {
    std::string within = cfg.scale_bound.set()
                             ? fmt::format(" within {}<{:.3f} ms", cfg.scale_bound.stat, cfg.scale_bound.limit_ms)
                             : "";
    std::printf("%s\n", fmt::format("best band{}: {} clients, {:.1f} tps", within, sc.bands[sc.best].clients,
                                    sc.bands[sc.best].result.total.tps)
                            .c_str());
  } else if (cfg.scale_bound.set()) {
    std::printf("no band met %s<%.3f ms\n", cfg.scale_bound.stat.c_str(), cfg.scale_bound.limit_ms);
  }
}

void write_progressive_json(const Session &s, const Scaling &sc) {
  const std::vector<Band> &bands = sc.bands;
  const UslFit &fit = sc.fit;
  int best = sc.best;
  using nlohmann::json;
  json j;
  j["schema"] = "stormdb.progressive/1";
  j["stormdb_version"] = STORMDB_VERSION;
  j["workload"] = {{"name", s.info.name}, {"script", s.plan.script_path}};
  j["server"] = {{"version", s.server_info.version}, {"throwaway", s.server != nullptr}};
  j["config"] = config_json(s.cfg);
  json arr = json::array();
  for (const auto &b : bands) {
    json types = json::object();
    for (const auto &t : b.result.types) types[t.name] = row_json(t);
    arr.push_back({{"clients", b.clients},
                   {"elapsed_s", b.result.elapsed_s},
                   {"total", row_json(b.result.total)},
                   {"transactions", types},
                   {"reconnects", b.result.reconnects}});
  }
  j["bands"] = arr;
  json usl = {{"ok", fit.ok}};
  if (fit.ok) {
    usl["lambda"] = fit.lambda;
    usl["sigma"] = fit.sigma;
    usl["kappa"] = fit.kappa;
    usl["r2"] = fit.r2;
    usl["peak_clients"] = std::isfinite(fit.peak_n) ? json(fit.peak_n) : json(nullptr);
  }
  j["usl"] = usl;
  j["best_band"] = best >= 0 ? json(bands[best].clients) : json(nullptr);
  if (s.cfg.scale_bound.set())
    j["latency_bound"] = {{"stat", s.cfg.scale_bound.stat}, {"limit_ms", s.cfg.scale_bound.limit_ms}};
  write_outputs(j, s.cfg.json_path, s.cfg.html_path);
}

}  // namespace stormdb
