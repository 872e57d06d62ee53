// Taking a run's result snapshot from the engine: what report/ renders instead of the live Engine.
#pragma once
#include "metrics/result.h"
#include "run/engine.h"

namespace stormdb {

// Builds the measure-phase part of a RunResult from the engine after Engine::run.
void fill_totals(RunResult &r, Engine &engine);
// One interval record as a report row (times in seconds since the start barrier).
IntervalRow interval_row(const IntervalStats &iv, Engine &engine);

}  // namespace stormdb
