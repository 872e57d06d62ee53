// Progressive scaling: one measured band per client count, then a Universal Scalability Law fit.
#pragma once

#include "cli/session.h"

namespace stormdb {

// Runs the bands of s.cfg.scale_clients (each with the configured warmup and duration, a
// cooldown between them), prints a table, the USL fit and the best band within the latency
// bound, and writes the JSON (schema stormdb.progressive/1). Returns the exit status.
int run_progressive(Session &s);

}  // namespace stormdb
