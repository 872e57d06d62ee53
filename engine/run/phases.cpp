// The phase loop: a plan per phase derived from the run's plan, one measured run each.
#include "run/phases.h"

#include <fmt/format.h>

#include "run/exit_status.h"
#include "run/signals.h"

namespace stormdb {

int run_phases(Session &s) {
  std::vector<PhaseRun> phases;
  int rc = 0;
  for (size_t i = 0; i < s.cfg.phases.size() && signals::count() == 0; i++) {
    const PhaseConfig &ph = s.cfg.phases[i];
    Config cfg = s.cfg;  // what this phase's report shows
    cfg.duration_us = ph.duration_us;
    cfg.warmup_us = ph.warmup_us;
    cfg.transactions = 0;
    if (ph.clients > 0) cfg.clients = ph.clients;
    cfg.threads = std::min(cfg.threads, cfg.clients);
    if (ph.closed) cfg.rate = cfg.rate_per_client = 0;
    if (ph.rate > 0) {
      cfg.rate = ph.rate;
      cfg.rate_per_client = 0;
    }
    RunPlan p = s.plan;
    p.clients = cfg.clients;
    p.threads = cfg.threads;
    p.duration_us = static_cast<double>(ph.duration_us);
    p.warmup_us = static_cast<double>(ph.warmup_us);
    p.transactions = 0;
    p.rate_per_client = cfg.rate_per_client > 0 ? cfg.rate_per_client : cfg.rate / cfg.clients;
    double total = 0;
    for (size_t t = 0; t < p.mix_names.size(); t++) {
      auto it = ph.mix.find(p.mix_names[t]);
      if (it != ph.mix.end()) p.mix_weights[t] = it->second;
      total += p.mix_weights[t];
    }
    if (total <= 0) throw UsageError(fmt::format("phase {}: every mix weight is 0", ph.name));
    s.output->phase_start(ph, i, s.cfg.phases.size(), cfg.clients, p.rate_per_client * cfg.clients);
    Engine engine(p);
    PhaseRun run{ph.name, cfg, measure(engine, s, cfg.report_interval_s > 0 && !cfg.quiet)};
    s.output->phase_report(run);
    if (!run.result.error.empty() && rc == 0) rc = kExitFailure;
    if (note_outcome_failure(run.result, "phase " + ph.name) && rc == 0) rc = kExitFailure;
    phases.push_back(std::move(run));
    if (engine.abandoned()) break;  // a thread still runs a script: no further phase
  }
  s.output->phases_done(s, phases);
  if (signals::count() > 0) return kExitInterrupted;
  return rc;
}

}  // namespace stormdb
