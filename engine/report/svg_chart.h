// Inline SVG charts for the HTML report: lines, stacked areas, bars and points over linear or log axes, with ticks,
// legend and hover titles.
#pragma once
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace stormdb::svg {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Point {
  double x = 0, y = 0;  // a NaN y is a gap: a line breaks there instead of dropping to zero
};

enum class Kind {
  Line,    // a polyline; isolated points between gaps get a dot so they stay visible
  Area,    // stacked over the Area series before it (same points by index)
  Bars,    // one bar per point, from x0[i] to the point's x (intervals are stamped at their end)
  Points,  // circles, each with its own hover title
};

struct Series {
  std::string name;
  std::vector<Point> points;
  Kind kind = Kind::Line;
  std::string color = "#4e79a7";
  std::string dash;  // stroke-dasharray, empty for solid
  double width = 2;
  std::vector<double> x0;  // Bars only
  bool legend = true;
  bool dots = false;  // Line: a dot on every point, for sparse series (one point per band)
};

// A series without points yet. (A factory rather than designated initializers: GCC's -Wextra
// warns about every member such an initializer leaves out.)
inline Series make_series(std::string name, std::string color, Kind kind = Kind::Line, double width = 2,
                          std::string dash = "") {
  Series s;
  s.name = std::move(name);
  s.color = std::move(color);
  s.kind = kind;
  s.width = width;
  s.dash = std::move(dash);
  return s;
}

struct Tick {
  double value;
  std::string label;
};

struct Axis {
  std::string title;  // with its unit, e.g. "latency (ms)"
  bool log = false;
  double min = kNaN, max = kNaN;  // forced bounds; NaN = from the data
  bool include_zero = true;       // linear only: throughput and counts read wrong without their zero
  std::vector<Tick> ticks;        // fixed ticks (e.g. percentiles on a 1/(1-p) axis); else automatic
  bool integer = false;           // counts: no tick at 0.5 of a checkpoint
};

// A shaded x range (warmup) drawn behind the data and listed in the legend.
struct Shade {
  double x0, x1;
  std::string label;
};

// A labelled vertical line (e.g. the USL peak concurrency).
struct Marker {
  double x;
  std::string label;
};

struct Chart {
  std::string id;            // the figure's id, e.g. "chart-throughput"
  std::string title;         // first words of the caption, and the svg's accessible name
  std::string caption_html;  // rest of the caption, already escaped HTML
  Axis x, y;
  std::vector<Series> series;
  std::vector<Shade> shades;
  std::vector<Marker> markers;
  // Transparent columns over the plot whose <title> lists every series' value at that x: hover
  // tooltips with no script. Only for series sharing x values (time series).
  bool hover_columns = true;
  std::function<std::string(double)> x_format;  // hover header, e.g. "t = 5.0 s"
  std::function<std::string(double)> y_format;  // hover values, e.g. "74,903.6 tps"
  int width = 900, height = 300;                // plot size grows by the legend's rows
};

// The chart as <figure class="chart" id=...><figcaption>...</figcaption><svg>...</svg></figure>.
std::string render_figure(const Chart &c);

// Categorical colour i (Tableau 10, distinguishable and colour-blind friendlier than defaults).
const std::string &palette(size_t i);
// HTML/XML escaping for text and attribute values.
std::string escape(std::string_view s);
// v with up to `decimals` decimals (trailing zeros dropped) and thousands separators: "74,903.6".
std::string format_number(double v, int decimals = 3);
// True when positive values span enough decades that a linear axis would flatten the small ones.
bool wants_log(const std::vector<double> &values, double ratio = 30);

}  // namespace stormdb::svg
