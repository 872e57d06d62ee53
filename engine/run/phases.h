// Phased runs: the YAML phases: list run in sequence, each with its own duration, clients, load
// model and mix weights, and its own results.
#pragma once

#include <string>

#include "run/session.h"

namespace stormdb {

// A finished phase: its name, the configuration its report shows, its results.
struct PhaseRun {
  std::string name;
  Config cfg;
  RunResult result;
};

// Runs every phase of s.cfg.phases, handing a report per phase to s.output and, at the end, all
// phases (for the JSON of schema stormdb.phases/1). Returns the exit status (the first non-zero one).
int run_phases(Session &s);

}  // namespace stormdb
