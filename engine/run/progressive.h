// Progressive scaling: one measured band per client count, then a Universal Scalability Law fit.
#pragma once

#include <vector>

#include "metrics/usl.h"
#include "run/session.h"

namespace stormdb {

// One measured band: its client count and results.
struct Band {
  int clients = 0;
  RunResult result;
};

// The bands measured, the USL fit over their throughputs, and the index of the best band within
// the latency bound (-1: none).
struct Scaling {
  std::vector<Band> bands;
  UslFit fit;
  int best = -1;
};

// Runs the bands of s.cfg.scale_clients (each with the configured warmup and duration, a
// cooldown between them), fits the USL and picks the best band within the latency bound; hands
// each band and the whole to s.output (table, fit, JSON of schema stormdb.progressive/1).
// Returns the exit status.
int run_progressive(Session &s);

}  // namespace stormdb
