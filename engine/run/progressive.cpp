// The band loop of --scale-clients, its report and the USL fit over the measured throughputs.
#include "cli/progressive.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "metrics/usl.h"
#include "report/json_report.h"
#include "run/signals.h"

namespace stormdb {
namespace {

struct Band {
  int clients = 0;
  RunResult result;
};

double stat_of(const TxnRow &t, const std::string &stat) {
  if (stat == "mean") return t.latency.mean;
  if (stat == "p50") return t.latency.p50;
  if (stat == "p90") return t.latency.p90;
  if (stat == "p95") return t.latency.p95;
  if (stat == "p99") return t.latency.p99;
  if (stat == "p99.9") return t.latency.p999;
  return t.latency.max;
}

void sleep_interruptible(int64_t us) {
  auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < end && signals::count() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

void write_progressive_json(const Session &s, const std::vector<Band> &bands, const UslFit &fit, int best) {
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
    arr.push_back({{"clients", b.clients}, {"elapsed_s", b.result.elapsed_s}, {"total", row_json(b.result.total)},
                   {"transactions", types}, {"reconnects", b.result.reconnects}});
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

}  // namespace

int run_progressive(Session &s) {
  std::vector<Band> bands;
  const auto &counts = s.cfg.scale_clients;
  for (size_t i = 0; i < counts.size() && signals::count() == 0; i++) {
    RunPlan p = s.plan;
    p.clients = counts[i];
    p.threads = std::min(s.cfg.threads, counts[i]);
    if (s.cfg.rate > 0) p.rate_per_client = s.cfg.rate / counts[i];
    Engine engine(p);
    Band b{counts[i], measure(engine, s, false)};
    const TxnRow &t = b.result.total;
    std::printf("%s\n", fmt::format("band {}/{}: {} clients: {:.1f} tps, p50 {:.3f} ms, p95 {:.3f} ms, p99 {:.3f} ms, "
                                    "{} failed", i + 1, counts.size(), counts[i], t.tps, t.latency.p50, t.latency.p95, t.latency.p99, t.failed)
                            .c_str());
    std::fflush(stdout);
    bool failed = !b.result.error.empty() || engine.abandoned();
    if (failed) std::fprintf(stderr, "stormdb: band with %d clients failed: %s\n", counts[i], b.result.error.c_str());
    failed = failed || note_outcome_failure(b.result, fmt::format("band with {} clients", counts[i]));
    bands.push_back(std::move(b));
    if (failed) break;
    if (i + 1 < counts.size() && s.cfg.cooldown_us > 0) sleep_interruptible(s.cfg.cooldown_us);
  }
  std::vector<double> n, x;
  for (const auto &b : bands) {
    n.push_back(b.clients);
    x.push_back(b.result.total.tps);
  }
  UslFit fit = fit_usl(n, x);
  int best = -1;
  for (size_t i = 0; i < bands.size(); i++) {
    const TxnRow &t = bands[i].result.total;
    if (s.cfg.scale_bound.set() && stat_of(t, s.cfg.scale_bound.stat) >= s.cfg.scale_bound.limit_ms) continue;
    if (best < 0 || t.tps > bands[best].result.total.tps) best = static_cast<int>(i);
  }
  std::printf("\n%s\n", fmt::format("{:>8} {:>12} {:>10} {:>10} {:>10} {:>8} {:>12}", "clients", "tps", "p50 ms", "p95 ms",
                                    "p99 ms", "failed", "USL tps").c_str());
  for (const auto &b : bands) {
    const TxnRow &t = b.result.total;
    std::printf("%s\n", fmt::format("{:>8} {:>12.1f} {:>10.3f} {:>10.3f} {:>10.3f} {:>8} {:>12}", b.clients, t.tps, t.latency.p50,
                                    t.latency.p95, t.latency.p99, t.failed,
                                    fit.ok ? fmt::format("{:.1f}", usl_throughput(fit, b.clients)) : "-")
                            .c_str());
  }
  if (fit.ok) {
    std::printf("\nUniversal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1))\n");
    std::printf("%s\n", fmt::format("  λ = {:.2f} tps per client, σ (contention) = {:.5f}, κ (coherency) = {:.7f}, R² = {:.4f}",
                                     fit.lambda, fit.sigma, fit.kappa, fit.r2).c_str());
    if (std::isfinite(fit.peak_n)) {
      std::printf("%s\n", fmt::format("  predicted peak at N* = √((1−σ)/κ) = {:.1f} clients ({:.1f} tps)", fit.peak_n,
                                       usl_throughput(fit, fit.peak_n)).c_str());
    } else {
      std::printf("  no coherency cost measured (κ = 0): no predicted peak within reach\n");
    }
  } else {
    std::printf("\nUSL fit needs at least 3 bands with different client counts\n");
  }
  if (best >= 0) {
    std::string within = s.cfg.scale_bound.set()
                             ? fmt::format(" within {}<{:.3f} ms", s.cfg.scale_bound.stat, s.cfg.scale_bound.limit_ms)
                             : "";
    std::printf("%s\n", fmt::format("best band{}: {} clients, {:.1f} tps", within, bands[best].clients,
                                     bands[best].result.total.tps).c_str());
  } else if (s.cfg.scale_bound.set()) {
    std::printf("no band met %s<%.3f ms\n", s.cfg.scale_bound.stat.c_str(), s.cfg.scale_bound.limit_ms);
  }
  if (!s.cfg.json_path.empty() || !s.cfg.html_path.empty()) write_progressive_json(s, bands, fit, best);
  if (signals::count() > 0) return kExitInterrupted;
  for (const auto &b : bands)
    if (!b.result.error.empty() || !b.result.failure.empty()) return kExitFailure;
  return 0;
}

}  // namespace stormdb
