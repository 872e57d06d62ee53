// Calls the workload's summary(r) hook in a fresh main-thread Lua state with the run's results.
#pragma once
#include <vector>

#include "config/run_plan.h"
#include "metrics/result.h"

namespace stormdb {

// Returns the lines summary(r) produced (none when the script defines no summary). A Lua error
// is returned as a single line named "summary error" with ok = 0.
std::vector<SummaryLine> run_summary_hook(const RunPlan &plan, const RunResult &r);

}  // namespace stormdb
