// Pure arithmetic of the pg_stat sampler: counter deltas that survive stats resets, gauges, derived ratios, top
// statements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace stormdb::pgmon {

// A section's state at one instant, as pg_queries.h parsers make it:
//   {"counters": {...}, "gauges": {...}, "reset": "<stats_reset text>" | null}
// "counters" hold cumulative values (numbers, possibly nested objects such as io's
// {backend_type: {...}}); "gauges" hold point-in-time values copied as they are; both are optional.
using SectionSnapshot = nlohmann::json;

/// One snapshot of every section that answered: section name -> SectionSnapshot, taken at t_us.
struct Snapshot {
  double t_us = 0;          // caller's clock, microseconds (midpoint of the poll)
  nlohmann::json sections;  // object
};

/// One pg_stat_statements entry summed over users (and toplevel) of the current database.
struct StatementSample {
  int64_t queryid = 0;
  int64_t calls = 0;
  double total_ms = 0;  // total_exec_time (total_time before pg_stat_statements 1.8), milliseconds
  int64_t rows = 0;
};

/// All entries at one instant, sorted by queryid so two samples merge in one pass.
struct StatementSnapshot {
  double t_us = 0;  // caller's clock, microseconds
  std::vector<StatementSample> rows;
};

/// Cumulative counters `to` minus `from`, recursively over objects. A counter that went down, or
/// every counter when `reset` is set, counts from zero (delta = new value): the server reset its
/// statistics in between, and a negative rate would be nonsense. A counter missing in `from`
/// also counts from zero; one missing in `to` is dropped. Non-numbers in `to` are copied.
nlohmann::json counter_delta(const nlohmann::json &from, const nlohmann::json &to, bool reset);

/// blks_hit / (blks_hit + blks_read) over an interval, nullopt when both are 0 (no block was read).
std::optional<double> hit_ratio(double blks_hit, double blks_read);

/// The record of section `name` between two of its snapshots: counter deltas, the gauges of `to`,
/// and fields derived from the deltas (database.hit_ratio, checkpointer.checkpoints; io drops
/// backend types that did nothing). Null when the section cannot be given (counters without a
/// `from` snapshot).
nlohmann::json section_delta(std::string_view name, const nlohmann::json *from, const nlohmann::json &to);

/// {"t_us": to.t_us, "span_s": seconds between them, <section>: section_delta(...) ...}.
nlohmann::json snapshot_delta(const Snapshot &from, const Snapshot &to);

/// The top `n` statements by total execution time between two samples:
///   {"calls", "total_exec_time_ms", "top": [{"queryid" (decimal string: 64-bit ids lose
///   precision in JavaScript), "query", "calls", "total_exec_time_ms", "mean_exec_time_ms",
///   "rows"}]}
/// where the totals cover every statement but `exclude`d ones (the sampler's own queries). An
/// entry whose calls went down was deallocated and came back, so it counts from zero.
nlohmann::json top_statements(const StatementSnapshot &from, const StatementSnapshot &to,
                              const std::unordered_map<int64_t, std::string> &texts,
                              const std::unordered_set<int64_t> &exclude, int n);

/// Indexes into ascending `times` of the last time at or before from_us (else the first) and the
/// first at or after to_us (else the last). `times` must not be empty.
std::pair<size_t, size_t> window_bounds(const std::vector<double> &times, double from_us, double to_us);

/// Keeps the statement samples' total entry count under `max_rows` by dropping every other sample
/// but the first and the last, so a long run keeps bounded memory and windows get coarser
/// statement boundaries instead of failing. Returns true if anything was dropped.
bool thin_statements(std::vector<StatementSnapshot> &samples, size_t max_rows);

/// A column value as JSON: an integer when the text is one that fits int64, else a double;
/// null for NULL; text that is not a number stays a string.
nlohmann::json parse_number(const std::optional<std::string> &text);

}  // namespace stormdb::pgmon
