// The band loop of --scale-clients and the USL fit over the measured throughputs.
#include "run/progressive.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "metrics/latency_value.h"
#include "run/exit_status.h"
#include "run/signals.h"

namespace stormdb {
namespace {

void sleep_interruptible(int64_t us) {
  auto end = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < end && signals::count() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

int run_progressive(Session &s) {
  Scaling sc;
  std::vector<Band> &bands = sc.bands;
  const auto &counts = s.cfg.scale_clients;
  for (size_t i = 0; i < counts.size() && signals::count() == 0; i++) {
    RunPlan p = s.plan;
    p.clients = counts[i];
    p.threads = std::min(s.cfg.threads, counts[i]);
    if (s.cfg.rate > 0) p.rate_per_client = s.cfg.rate / counts[i];
    Engine engine(p);
    bands.push_back(Band{counts[i], measure(engine, s, false)});
    Band &b = bands.back();
    s.output->band(b, i, counts.size());
    bool failed = !b.result.error.empty() || engine.abandoned();
    if (failed) std::fprintf(stderr, "stormdb: band with %d clients failed: %s\n", counts[i], b.result.error.c_str());
    failed = failed || note_outcome_failure(b.result, fmt::format("band with {} clients", counts[i]));
    if (failed) break;
    if (i + 1 < counts.size() && s.cfg.cooldown_us > 0) sleep_interruptible(s.cfg.cooldown_us);
  }
  std::vector<double> n, x;
  for (const auto &b : bands) {
    n.push_back(b.clients);
    x.push_back(b.result.total.tps);
  }
  sc.fit = fit_usl(n, x);
  int &best = sc.best;
  for (size_t i = 0; i < bands.size(); i++) {
    const TxnRow &t = bands[i].result.total;
    if (s.cfg.scale_bound.set() && latency_stat(t.latency, s.cfg.scale_bound.stat) >= s.cfg.scale_bound.limit_ms)
      continue;
    if (best < 0 || t.tps > bands[best].result.total.tps) best = static_cast<int>(i);
  }
  s.output->bands_done(s, sc);
  if (signals::count() > 0) return kExitInterrupted;
  for (const auto &b : bands)
    if (!b.result.error.empty() || !b.result.failure.empty()) return kExitFailure;
  return 0;
}

}  // namespace stormdb
