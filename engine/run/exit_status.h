// stormdb's exit statuses (README.md "Exit status", docs/outputs.md), shared by the commands and
// the runs that decide them.
#pragma once

namespace stormdb {

constexpr int kExitFailure = 1;           // the database or the workload failed at run time
constexpr int kExitUsage = 2;             // bad input: options, YAML, script, unreachable server
constexpr int kExitCheckFailed = 3;       // a consistency check failed
constexpr int kExitThresholdFailed = 99;  // a --threshold failed (as k6)
constexpr int kExitInterrupted = 130;
constexpr int kExitAbandoned = 124;  // a worker thread did not come back after the end (as timeout(1))

}  // namespace stormdb
