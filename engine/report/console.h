// Human-readable output: the interval progress line and the final report on stdout.
#pragma once
#include <cstdio>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "metrics/result.h"

namespace stormdb {

// "progress: 5.0 s, 2171.6 tps, lat p50 0.41 ms p95 0.90 ms p99 1.30 ms, 0 failed, 0 retried"
void print_progress(std::FILE *out, const IntervalRow &row);
void print_report(std::FILE *out, const RunResult &r, const Config &cfg);
void print_checks(std::FILE *out, const std::vector<CheckLine> &checks);
// Prints each threshold as passed/FAILED against a result JSON; returns true when one failed.
bool report_thresholds(std::FILE *out, const std::vector<Threshold> &ts, const nlohmann::json &result);

}  // namespace stormdb
