// The HTML report: one self-contained page (inline CSS and SVG charts, nothing fetched at view time) rendered from a
// result JSON.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace stormdb {

// Renders one self-contained HTML page (no network at view time: inline CSS and inline SVG, no
// external scripts, fonts or images) from a result JSON of schema stormdb.result/1,
// stormdb.progressive/1 or stormdb.phases/1 (docs/outputs.md). Missing fields are skipped.
// Throws std::runtime_error naming what is wrong when the JSON is not one of those schemas.
//
// Chart figures have ids chart-throughput, chart-latency, chart-distribution, chart-errors and,
// with a "postgres" section, chart-hit-ratio, chart-wal, chart-checkpoints, chart-wait-events
// (without it, an element with id postgres-note instead); progressive results have
// chart-scaling and chart-scaling-latency; in a phased result each phase's ids end in -phaseN
// (N from 1). The summary table is #summary-table, its total row tr.total, whose count cell
// carries data-value with the exact count.
std::string render_html_report(const nlohmann::json &result);

}  // namespace stormdb
