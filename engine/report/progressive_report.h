// The report of --scale-clients (run/progressive): band lines, the table with the USL fit, the JSON.
#pragma once
#include <cstddef>

#include "config/config.h"
#include "run/progressive.h"

namespace stormdb {

// "band 2/4: 16 clients: 2171.6 tps, p50 ... ms, p95 ... ms, p99 ... ms, 0 failed" on stdout.
void print_band(const Band &b, size_t index, size_t count);
// On stdout: the bands' table with the USL throughput, the fit (λ, σ, κ, R², predicted peak) and
// the best band within cfg's latency bound.
void print_scaling(const Config &cfg, const Scaling &sc);
// Writes the bands as JSON (schema stormdb.progressive/1, docs/outputs.md) to --json and its
// HTML page to --html; throws std::runtime_error when a file cannot be written.
void write_progressive_json(const Session &s, const Scaling &sc);

}  // namespace stormdb
