// Phased runs: the YAML phases: list run in sequence, each with its own duration, clients, load
// model and mix weights, and its own results.
#pragma once

#include "cli/session.h"

namespace stormdb {

// Runs every phase of s.cfg.phases, printing a report per phase, and writes the JSON (schema
// stormdb.phases/1). Returns the exit status (the first non-zero one).
int run_phases(Session &s);

}  // namespace stormdb
