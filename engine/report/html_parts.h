// Declarations shared by the pieces of the HTML report (html_parts, html_run, html_postgres, html_report).
#pragma once
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "report/svg_chart.h"

namespace stormdb::html {

using nlohmann::json;
using svg::escape;
using svg::format_number;
using svg::kNaN;

// ---- Defensive JSON access: a report is often rendered from a file written by another
// version, edited by hand or cut short, so a missing or mistyped field is skipped, never thrown.

// j[key]; a null JSON when j is not an object or has no such key.
const json &at(const json &j, const char *key);
// The number as a double; NaN when it is not a number (or missing).
double num(const json &j);
double num(const json &j, const char *key);
// A string as it is, null as "", anything else as its JSON text.
std::string str(const json &j);
std::string str(const json &j, const char *key);
// j[key] when it is an array, else an empty array.
const json &array_at(const json &j, const char *key);

// ---- Formatting: a non-finite value shows as "–".

// Rounded to a whole number, with thousands separators.
std::string fmt_count(double v);
// Milliseconds with three decimals.
std::string fmt_ms(double v);
// Transactions per second with up to one decimal.
std::string fmt_tps(double v);
// Seconds; from two minutes on also as hours, minutes and seconds.
std::string fmt_seconds(double s);
// A byte count in B, KiB, MiB, GiB or TiB.
std::string fmt_bytes(double b);
// A Unix time as "YYYY-MM-DD HH:MM:SS UTC"; "" when not finite.
std::string fmt_date(double unix_s);
// A JSON scalar for a table cell: strings as they are, numbers without JSON's trailing ".0".
std::string fmt_scalar(const json &v);
// A right-aligned table cell with escaped text; cls adds a class.
std::string td_num(const std::string &text, const std::string &cls = "");
// A badge for a pass/fail status; failures are red so they stand out in long tables.
std::string badge(bool ok);

// ---- Page frame.

// The whole HTML document around body (already HTML), with the inline style sheet and footer.
std::string page(const std::string &title, const std::string &body, const std::string &version);
// One key figure of the overview; bad shows the value in red.
std::string kpi(const std::string &label, const std::string &value, bool bad = false);
// A <dt>/<dd> pair of a metadata list; v_html is already HTML.
std::string meta_row(const std::string &k, const std::string &v_html);
// The server line of the overview: PostgreSQL version and whether stormdb started it.
std::string server_text(const json &server);

// ---- Time series shared by every chart of a run.

// What the time charts of one run share: its types, charted intervals, x range and warmup.
struct RunSeries {
  std::vector<std::string> types;  // transaction types, in the JSON's order
  std::vector<svg::Shade> shades;  // warmup
  double x_max = kNaN;             // common x range so stacked time charts line up
  // The intervals charted: a final interval much shorter than the others (the run stops a few
  // ms into it) gives a rate over a sliver of time, a spurious cliff, so it is left out.
  std::vector<const json *> intervals;
  std::string dropped_note;  // caption text when an interval was left out
};

// A chart over the run's time axis (common x range, warmup shaded), ready for its series.
svg::Chart time_chart(const RunSeries &rs, std::string id, std::string title, int height = 300);
// With only a few intervals a line hides where the samples are: mark each one.
svg::Chart with_dots(svg::Chart c, const RunSeries &rs);
// The colour of transaction type i: palette 0 for a single type, from palette 1 on with several.
const std::string &type_color(const RunSeries &rs, size_t i);
// The colour of the total line.
inline constexpr const char *kTotalColor = "#3b434b";

// ---- The sections of a page.

// The configuration, flattened to dotted keys, with where each value came from; "" when empty.
std::string config_table(const json &cfg);
// The PostgreSQL section of a run: sampler charts (or a note saying why there are none), the
// measured window's counters and the top statements. sfx ends every id (phases: "-phaseN").
std::string postgres_section(const json &r, const RunSeries &rs, const std::string &sfx);
// The body of one run (stormdb.result/1): overview, tables, charts, PostgreSQL, configuration.
// standalone: a page of its own (with header); else one phase of a phased result.
std::string run_body(const json &r, const std::string &sfx, bool standalone);

}  // namespace stormdb::html
