// Rendering of result JSONs (run, progressive, phases) into the self-contained HTML report page.
#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <stdexcept>

#include "pg/sqlstate.h"
#include "report/svg_chart.h"

namespace stormdb {
namespace {

using nlohmann::json;
using svg::escape;
using svg::format_number;
using svg::kNaN;

// ---- Defensive JSON access: a report is often rendered from a file written by another
// version, edited by hand or cut short, so a missing or mistyped field is skipped, never thrown.

const json &null_json() {
  static const json n;
  return n;
}

const json &at(const json &j, const char *key) {
  if (!j.is_object()) return null_json();
  auto it = j.find(key);
  return it == j.end() ? null_json() : *it;
}

double num(const json &j) { return j.is_number() ? j.get<double>() : kNaN; }
double num(const json &j, const char *key) { return num(at(j, key)); }

std::string str(const json &j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}
std::string str(const json &j, const char *key) { return str(at(j, key)); }

const json &array_at(const json &j, const char *key) {
  const json &a = at(j, key);
  static const json empty = json::array();
  return a.is_array() ? a : empty;
}

// ---- Formatting.

std::string fmt_count(double v) { return std::isfinite(v) ? format_number(std::round(v), 0) : "–"; }
std::string fmt_ms(double v) { return std::isfinite(v) ? fmt::format("{:.3f}", v) : "–"; }
std::string fmt_tps(double v) { return std::isfinite(v) ? format_number(v, 1) : "–"; }
std::string fmt_seconds(double s) {
  if (!std::isfinite(s)) return "–";
  if (s < 120) return fmt::format("{:.3f} s", s);
  int total = static_cast<int>(std::round(s));
  return fmt::format("{:.1f} s ({}h {:02}m {:02}s)", s, total / 3600, total / 60 % 60, total % 60);
}
std::string fmt_bytes(double b) {
  if (!std::isfinite(b)) return "–";
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (std::fabs(b) >= 1024 && u < 4) b /= 1024, u++;
  return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.1f} {}", b, units[u]);
}
std::string fmt_date(double unix_s) {
  if (!std::isfinite(unix_s)) return "";
  std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}
// A JSON scalar for a table cell: strings as they are, numbers without JSON's trailing ".0".
std::string fmt_scalar(const json &v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return format_number(v.get<double>(), 6);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return v.dump();
}

std::string td_num(const std::string &text, const std::string &cls = "") {
  return fmt::format("<td class=\"num{}{}\">{}</td>", cls.empty() ? "" : " ", cls, escape(text));
}

// A badge for a pass/fail status; failures are red so they stand out in long tables.
std::string badge(bool ok) {
  return ok ? "<span class=\"badge ok\">passed</span>" : "<span class=\"badge fail\">FAILED</span>";
}

// ---- Page frame.

const char *kStyle = R"css(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#eef1f4;--bg:#f6f8fa;--accent:#0969da;--bad:#cf222e;--good:#1a7f37;--warn:#9a6700}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1020px;margin:0 auto;padding:24px 16px 48px}
header.top{margin-bottom:8px}
header.top h1{font-size:26px;margin:0;font-weight:650;letter-spacing:-.01em}
header.top .sub{color:var(--muted);margin:2px 0 12px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:16px 0}
section.phase{background:transparent;border:none;padding:0}
section.phase>h2{font-size:22px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:32px}
h2{font-size:18px;margin:0 0 12px;font-weight:650}
h3{font-size:15px;margin:18px 0 8px;font-weight:650}
h4{font-size:13px;margin:10px 0 4px;font-weight:650;color:var(--muted)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 18px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;overflow-wrap:anywhere}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(118px,1fr));gap:10px;margin:14px 0 0}
.kpi{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.kpi .v{font-size:21px;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}
.kpi .l{color:var(--muted);font-size:12px}
.kpi.bad .v{color:var(--bad)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid var(--soft);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;border-bottom:1px solid var(--line);white-space:nowrap}
.num{text-align:right;white-space:nowrap}
tr.total td{font-weight:650;border-top:2px solid var(--line)}
tr.failed td{background:#fff5f5}
tr.best td{background:#f0f7ff}
.scroll{overflow-x:auto}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
.badge.ok{background:#dafbe1;color:var(--good)}
.badge.fail{background:#ffebe9;color:var(--bad)}
.banner{border-radius:8px;padding:10px 14px;margin:12px 0;font-weight:500}
.banner.error{background:#ffebe9;border:1px solid #ffcecb;color:#82071e}
.banner.warn{background:#fff8c5;border:1px solid #eed888;color:#6b4b00}
.note{color:var(--muted);background:var(--soft);border-radius:6px;padding:8px 12px;margin:8px 0}
.muted{color:var(--muted)}
.nowrap{white-space:nowrap}
table.compact{width:auto;min-width:60%}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;border-radius:4px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:0 24px}
figure.chart{margin:0 0 22px}
figure.chart:last-child{margin-bottom:4px}
figure.chart figcaption{font-size:13px;color:var(--muted);margin:0 0 2px}
figure.chart figcaption strong{color:var(--fg);font-size:14px}
figure.chart svg{display:block;width:100%;height:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#59636e}
svg .axis-title{fill:#1f2328}
svg .plot{fill:#fff}
svg .grid line{stroke:#e6eaef;stroke-width:1}
svg .axis line{stroke:#8c959f;stroke-width:1}
svg .shade{fill:#8c959f;fill-opacity:.14}
svg .shade-label{fill:#6e7781;font-style:italic;paint-order:stroke;stroke:#f1f2f4;stroke-width:4px;stroke-linejoin:round}
svg .marker line{stroke:#6e7781;stroke-dasharray:4 3}
svg .marker text{fill:#1f2328}
svg .legend text{fill:#1f2328}
svg .hover rect{fill:#000;fill-opacity:0}
svg .hover rect:hover{fill-opacity:.05}
details>summary{cursor:pointer;color:var(--accent)}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
@media print{body{background:#fff}section{break-inside:avoid;border-color:#ccc}}
)css";

std::string page(const std::string &title, const std::string &body, const std::string &version) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"stormdb {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{}"
      "<footer>generated by stormdb{}{} — a self-contained page: no scripts, fonts or images are fetched</footer>\n"
      "</main>\n</body>\n</html>\n",
      escape(version), escape(title), kStyle, body, version.empty() ? "" : " ", escape(version));
}

std::string kpi(const std::string &label, const std::string &value, bool bad = false) {
  return fmt::format("<div class=\"kpi{}\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>", bad ? " bad" : "",
                     escape(value), escape(label));
}

std::string meta_row(const std::string &k, const std::string &v_html) {
  return fmt::format("<dt>{}</dt><dd>{}</dd>", escape(k), v_html);
}

std::string server_text(const json &server) {
  std::string v = str(server, "version");
  std::string out = v.empty() ? "PostgreSQL (version not recorded)" : "PostgreSQL " + v;
  const json &t = at(server, "throwaway");
  if (t.is_boolean()) out += t.get<bool>() ? " — throwaway cluster started by stormdb" : " — existing server";
  return out;
}

// ---- Time series shared by every chart of a run.

struct RunSeries {
  std::vector<std::string> types;  // transaction types, in the JSON's order
  std::vector<svg::Shade> shades;  // warmup
  double x_max = kNaN;             // common x range so stacked time charts line up
  // The intervals charted: a final interval much shorter than the others (the run stops a few
  // ms into it) gives a rate over a sliver of time, a spurious cliff, so it is left out.
  std::vector<const json *> intervals;
  std::string dropped_note;  // caption text when an interval was left out
};

std::string time_fmt(double t) { return fmt::format("t = {} s", format_number(t, 2)); }

svg::Chart time_chart(const RunSeries &rs, std::string id, std::string title, int height = 300) {
  svg::Chart c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.x.title = "time since start (s)";
  c.x.min = 0;
  c.x.max = rs.x_max;
  c.shades = rs.shades;
  c.x_format = time_fmt;
  c.height = height;
  return c;
}

// With only a few intervals a line hides where the samples are: mark each one.
svg::Chart with_dots(svg::Chart c, const RunSeries &rs) {
  if (rs.intervals.size() <= 15)
    for (auto &s : c.series)
      if (s.kind == svg::Kind::Line) s.dots = true;
  return c;
}

const std::string &type_color(const RunSeries &rs, size_t i) { return svg::palette(rs.types.size() > 1 ? i + 1 : 0); }
const char *kTotalColor = "#3b434b";

// tps of an interval row; count / span when an older file has no tps.
double row_tps(const json &row, double span) {
  double t = num(row, "tps");
  if (std::isfinite(t)) return t;
  double c = num(row, "count");
  return std::isfinite(c) && span > 0 ? c / span : kNaN;
}

// Latency of an interval: NaN when it completed nothing, so the line breaks instead of diving to 0.
double row_latency(const json &row, const char *stat) {
  double c = num(row, "count");
  if (std::isfinite(c) && c <= 0) return kNaN;
  return num(at(row, "latency_ms"), stat);
}

std::string chart_throughput(const RunSeries &rs, const std::string &sfx) {
  svg::Chart c = time_chart(rs, "chart-throughput" + sfx, "Throughput");
  c.y.title = "throughput (tps)";
  c.y_format = [](double v) { return format_number(v, 1) + " tps"; };
  svg::Series total = svg::make_series(rs.types.size() == 1 ? rs.types[0] : "total", kTotalColor);
  total.width = 2.2;
  std::vector<svg::Series> per(rs.types.size());
  for (size_t i = 0; i < rs.types.size(); i++) per[i] = svg::make_series(rs.types[i], type_color(rs, i), svg::Kind::Line, 1.6);
  for (const json *ivp : rs.intervals) {
    const json &iv = *ivp;
    double t = num(iv, "t_s"), span = num(iv, "span_s");
    total.points.push_back({t, row_tps(at(iv, "total"), span)});
    for (size_t i = 0; i < rs.types.size(); i++)
      per[i].points.push_back({t, row_tps(at(at(iv, "transactions"), rs.types[i].c_str()), span)});
  }
  c.series.push_back(std::move(total));
  if (rs.types.size() > 1)
    for (auto &s : per) c.series.push_back(std::move(s));
  c.caption_html = "completed transactions per second in each interval" +
                   std::string(rs.types.size() > 1 ? ", in total and per transaction type" : "") +
                   (rs.shades.empty() ? "" : "; the shaded span is the warmup, not measured") + "." + rs.dropped_note;
  return svg::render_figure(with_dots(std::move(c), rs));
}

std::string chart_latency(const RunSeries &rs, const std::string &sfx) {
  svg::Chart c = time_chart(rs, "chart-latency" + sfx, "Latency over time");
  c.y_format = [](double v) { return fmt_ms(v) + " ms"; };
  // p95 only while the chart stays readable: three lines per type is too many beyond two types.
  bool with_p95 = rs.types.size() <= 2;
  struct Stat {
    const char *key, *dash;
    double width;
  };
  std::vector<Stat> stats = {{"p50", "", 2}, {"p95", "2 3", 1.6}, {"p99", "7 4", 1.6}};
  if (!with_p95) stats.erase(stats.begin() + 1);
  std::vector<std::string> names = rs.types;
  bool use_total = names.empty();
  if (use_total) names.push_back("total");
  std::vector<double> all;
  for (size_t i = 0; i < names.size(); i++) {
    for (const auto &st : stats) {
      svg::Series s = svg::make_series(names[i] + " " + st.key, use_total ? kTotalColor : type_color(rs, i),
                                      svg::Kind::Line, st.width, st.dash);
      for (const json *ivp : rs.intervals) {
        const json &iv = *ivp;
        const json &row = use_total ? at(iv, "total") : at(at(iv, "transactions"), names[i].c_str());
        double v = row_latency(row, st.key);
        s.points.push_back({num(iv, "t_s"), v});
        all.push_back(v);
      }
      c.series.push_back(std::move(s));
    }
  }
  c.y.log = svg::wants_log(all, 20);
  c.y.include_zero = !c.y.log;
  c.y.title = std::string("latency (ms") + (c.y.log ? ", log scale)" : ")");
  c.caption_html = fmt::format("per-interval percentiles{}: solid p50, {}dashed p99. Latency runs from the intended start "
                               "to the end of the transaction, retries included; intervals without a completed "
                               "transaction leave a gap.{}",
                               rs.types.size() > 1 ? " per transaction type" : "", with_p95 ? "dotted p95, " : "",
                               rs.dropped_note);
  return svg::render_figure(with_dots(std::move(c), rs));
}

// HdrHistogram-style percentile spectrum: x = log10(1/(1-p)), so 90%, 99%, 99.9% are equally
// spaced and the tail gets as much room as the body; a log-x histogram would hide it.
std::vector<svg::Point> spectrum(const json &histogram, double &x_max) {
  const json &buckets = array_at(histogram, "buckets");
  double n = 0;
  for (const auto &b : buckets)
    if (b.is_array() && b.size() >= 3 && b[2].is_number()) n += b[2].get<double>();
  std::vector<svg::Point> pts;
  if (n <= 0) return pts;
  double xm = std::log10(n);  // the last value sits at p = 1 - 1/n: a finite point for the max
  x_max = std::max(std::isfinite(x_max) ? x_max : 0, xm);
  auto xof = [&](double cum) { return cum >= n - 0.5 ? xm : std::min(xm, -std::log10(1 - cum / n)); };
  double cum = 0;
  for (const auto &b : buckets) {
    if (!b.is_array() || b.size() < 3 || !b[1].is_number() || !b[2].is_number()) continue;
    double v = b[1].get<double>() / 1000, cnt = b[2].get<double>();
    if (cnt <= 0) continue;
    pts.push_back({xof(cum), v});
    cum += cnt;
    pts.push_back({xof(cum), v});
  }
  return pts;
}

std::string chart_distribution(const json &r, const RunSeries &rs, const std::string &sfx) {
  svg::Chart c;
  c.id = "chart-distribution" + sfx;
  c.title = "Latency distribution (percentile spectrum)";
  c.hover_columns = false;
  double x_max = kNaN;
  std::vector<double> all;
  auto add = [&](const std::string &name, const json &hist, const std::string &color, double width) {
    auto pts = spectrum(hist, x_max);
    if (pts.empty()) return;
    for (const auto &p : pts) all.push_back(p.y);
    c.series.push_back(svg::make_series(name, color, svg::Kind::Line, width));
    c.series.back().points = std::move(pts);
  };
  add(rs.types.size() == 1 ? rs.types[0] : "total", at(at(r, "total"), "histogram"), kTotalColor, 2.4);
  if (rs.types.size() > 1 && rs.types.size() <= 8)
    for (size_t i = 0; i < rs.types.size(); i++)
      add(rs.types[i], at(at(at(r, "transactions"), rs.types[i].c_str()), "histogram"), type_color(rs, i), 1.6);
  if (c.series.empty()) return "";
  c.x.title = "percentile (log scale of 1/(1−p))";
  c.x.include_zero = true;
  c.x.min = 0;
  c.x.max = std::max(1.0, x_max);
  c.x.ticks = {{0, "0%"}, {std::log10(2.0), "50%"}, {1, "90%"}, {2, "99%"}, {3, "99.9%"}, {4, "99.99%"}, {5, "99.999%"},
               {6, "99.9999%"}, {7, "99.99999%"}};
  c.y.log = svg::wants_log(all, 20);
  c.y.include_zero = !c.y.log;
  c.y.title = std::string("latency (ms") + (c.y.log ? ", log scale)" : ")");
  c.caption_html = "latency at each percentile of the measured transactions, from the full histogram "
                   "(buckets within 1/1024 of each other); the right end is the maximum.";
  return svg::render_figure(c);
}

std::string chart_errors(const RunSeries &rs, const std::string &sfx) {
  svg::Chart c = time_chart(rs, "chart-errors" + sfx, "Failures, retries and reconnects");
  c.y.title = "per interval";
  c.y_format = [](double v) { return fmt_count(v); };
  struct Def {
    const char *name;
    std::string color;
    std::function<double(const json &)> get;
    bool always;
  };
  std::vector<Def> defs = {
      {"failed", "#e15759", [](const json &iv) { return num(at(iv, "total"), "failed"); }, true},
      {"retried", "#f28e2b", [](const json &iv) { return num(at(iv, "total"), "retried"); }, true},
      {"reconnects", "#7b52ae", [](const json &iv) { return num(iv, "reconnects"); }, true},
      {"late", "#4e79a7", [](const json &iv) { return num(at(iv, "total"), "late"); }, false},
      {"skipped", "#9c755f", [](const json &iv) { return num(at(iv, "total"), "skipped"); }, false},
  };
  double max = 0;
  for (const auto &d : defs) {
    svg::Series s = svg::make_series(d.name, d.color, svg::Kind::Line, d.always ? 2.0 : 1.6, d.always ? "" : "5 3");
    bool any = false;
    for (const json *iv : rs.intervals) {
      double v = d.get(*iv);
      if (std::isfinite(v) && v > 0) any = true, max = std::max(max, v);
      s.points.push_back({num(*iv, "t_s"), v});
    }
    if (d.always || any) c.series.push_back(std::move(s));
  }
  c.y.integer = true;
  if (max < 5) c.y.max = 5;  // a readable axis for the usual handful of failures, or none
  c.caption_html = max == 0 ? "failed and retried transactions and lost connections per interval: none in this run."
                            : "transactions that failed (after their last try) or needed a retry, and connections lost "
                              "and re-established, per interval." + rs.dropped_note;
  return svg::render_figure(with_dots(std::move(c), rs));
}

// ---- Tables.

std::string summary_table(const json &r, const RunSeries &rs, const std::string &sfx) {
  std::string o = fmt::format("<div class=\"scroll\"><table id=\"summary-table{}\" class=\"summary\">\n<thead><tr><th>transaction</th>"
                              "<th class=\"num\">count</th><th class=\"num\">tps</th><th class=\"num\">p50 ms</th>"
                              "<th class=\"num\">p90 ms</th><th class=\"num\">p95 ms</th><th class=\"num\">p99 ms</th>"
                              "<th class=\"num\">p99.9 ms</th><th class=\"num\">max ms</th><th class=\"num\">failed</th>"
                              "<th class=\"num\">retried</th></tr></thead>\n<tbody>\n",
                              sfx);
  auto row = [&](const std::string &name, const json &t, bool total) {
    const json &l = at(t, "latency_ms");
    double count = num(t, "count"), failed = num(t, "failed");
    std::string cls = total ? " class=\"total\"" : (failed > 0 ? " class=\"failed\"" : "");
    std::string count_attr = std::isfinite(count) ? fmt::format(" data-value=\"{:.0f}\"", count) : "";
    o += fmt::format("<tr{}><td>{}</td><td class=\"num count\"{}>{}</td>", cls, escape(name), count_attr, fmt_count(count));
    o += td_num(fmt_tps(num(t, "tps")));
    for (const char *k : {"p50", "p90", "p95", "p99", "p99.9", "max"}) o += td_num(fmt_ms(num(l, k)));
    o += td_num(fmt_count(failed)) + td_num(fmt_count(num(t, "retried"))) + "</tr>\n";
  };
  for (const auto &name : rs.types) row(name, at(at(r, "transactions"), name.c_str()), false);
  row("total", at(r, "total"), true);
  o += "</tbody></table></div>\n";
  return o;
}

std::string outcomes(const json &r) {
  const json &t = at(r, "total");
  std::vector<std::pair<std::string, std::string>> items = {
      {"committed", fmt_count(num(t, "committed"))},
      {"rolled back by design", fmt_count(num(t, "rolled_back"))},
      {"failed", fmt_count(num(t, "failed"))},
      {"retried", fmt_count(num(t, "retried")) + " (" + fmt_count(num(t, "retries")) + " retries)"},
      {"reconnects", fmt_count(num(r, "reconnects"))}};
  if (num(t, "skipped") > 0) items.push_back({"skipped (too late to send)", fmt_count(num(t, "skipped"))});
  if (num(t, "late") > 0) items.push_back({"late (above the latency limit)", fmt_count(num(t, "late"))});
  const json &lag = at(t, "schedule_lag_ms");
  if (num(lag, "max") > 0)
    items.push_back({"schedule lag", "mean " + fmt_ms(num(lag, "mean")) + " ms, max " + fmt_ms(num(lag, "max")) + " ms"});
  const json &svc = at(t, "service_ms");
  if (num(svc, "max") > 0)
    items.push_back({"service time (from the actual start)", "p50 " + fmt_ms(num(svc, "p50")) + " ms, p99 " +
                                                                 fmt_ms(num(svc, "p99")) + " ms, max " +
                                                                 fmt_ms(num(svc, "max")) + " ms"});
  std::string o = "<h3>Outcomes</h3>\n<dl class=\"meta\">";
  for (const auto &[k, v] : items) o += meta_row(k, escape(v));
  return o + "</dl>\n";
}

std::string failures_table(const json &r, const RunSeries &rs) {
  const json &f = at(at(r, "total"), "failures");
  if (!f.is_object() || f.empty()) return "";
  std::string o = "<h3>Failures by SQLSTATE</h3>\n<div class=\"scroll\"><table id=\"failures-table\"><thead><tr><th>SQLSTATE</th>"
                  "<th>condition</th><th>class</th><th class=\"num\">count</th><th>by transaction</th></tr></thead><tbody>\n";
  for (const auto &[code, n] : f.items()) {
    std::string cond = code == "script" ? "Lua error in the script" : sqlstate_name(code);
    std::string cls = code == "script" ? "" : sqlstate_class(code);
    std::string by;
    for (const auto &type : rs.types) {
      double k = num(at(at(at(at(r, "transactions"), type.c_str()), "failures"), code.c_str()));
      if (k > 0) by += (by.empty() ? "" : ", ") + type + " " + fmt_count(k);
    }
    o += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td>{}<td>{}</td></tr>\n", escape(code), escape(cond),
                     escape(cls), td_num(fmt_count(num(n))), escape(by));
  }
  return o + "</tbody></table></div>\n";
}

std::string counters_table(const json &r) {
  const json &c = at(r, "counters");
  if (!c.is_object() || c.empty()) return "";
  double el = num(r, "elapsed_s");
  std::string o = "<h3>Counters</h3>\n<table id=\"counters-table\" class=\"compact\"><thead><tr><th>counter</th><th class=\"num\">value</th>"
                  "<th class=\"num\">per second</th></tr></thead><tbody>\n";
  for (const auto &[k, v] : c.items())
    o += "<tr><td>" + escape(k) + "</td>" + td_num(format_number(num(v), 3)) +
         td_num(el > 0 ? format_number(num(v) / el, 1) : "–") + "</tr>\n";
  return o + "</tbody></table>\n";
}

std::string timings_table(const json &r) {
  const json &t = at(r, "timings");
  if (!t.is_object() || t.empty()) return "";
  std::string o = "<h3>Timings (<code>ctx:observe</code>)</h3>\n<div class=\"scroll\"><table id=\"timings-table\"><thead><tr>"
                  "<th>timing</th><th class=\"num\">count</th><th class=\"num\">mean ms</th><th class=\"num\">p50 ms</th>"
                  "<th class=\"num\">p90 ms</th><th class=\"num\">p95 ms</th><th class=\"num\">p99 ms</th>"
                  "<th class=\"num\">max ms</th></tr></thead><tbody>\n";
  for (const auto &[k, v] : t.items()) {
    o += "<tr><td>" + escape(k) + "</td>" + td_num(fmt_count(num(v, "count")));
    for (const char *s : {"mean", "p50", "p90", "p95", "p99", "max"}) o += td_num(fmt_ms(num(at(v, "ms"), s)));
    o += "</tr>\n";
  }
  return o + "</tbody></table></div>\n";
}

std::string workload_summary(const json &r) {
  const json &s = array_at(r, "summary");
  if (s.empty()) return "";
  std::string o = "<h3>Workload summary</h3>\n<div class=\"scroll\"><table id=\"workload-summary\"><thead><tr><th>name</th>"
                  "<th class=\"num\">value</th><th>unit</th><th>note</th><th>status</th></tr></thead><tbody>\n";
  for (const auto &line : s) {
    const json &ok = at(line, "ok");
    bool failed = ok.is_boolean() && !ok.get<bool>();
    o += fmt::format("<tr{}><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td></tr>\n", failed ? " class=\"failed\"" : "",
                     escape(str(line, "name")), td_num(format_number(num(line, "value"), 3)), escape(str(line, "unit")),
                     escape(str(line, "note")), ok.is_boolean() ? badge(ok.get<bool>()) : "");
  }
  return o + "</tbody></table></div>\n";
}

std::string checks_table(const json &r) {
  const json &c = array_at(r, "checks");
  if (c.empty()) return "";
  size_t failed = 0;
  for (const auto &ch : c)
    if (!(at(ch, "ok").is_boolean() && at(ch, "ok").get<bool>())) failed++;
  std::string o = fmt::format("<h3>Checks: {} passed, {} failed</h3>\n<div class=\"scroll\"><table id=\"checks-table\"><thead><tr>"
                              "<th>status</th><th>check</th><th>detail</th></tr></thead><tbody>\n",
                              c.size() - failed, failed);
  for (const auto &ch : c) {
    bool ok = at(ch, "ok").is_boolean() && at(ch, "ok").get<bool>();
    o += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td></tr>\n", ok ? "" : " class=\"failed\"", badge(ok),
                     escape(str(ch, "name")), escape(str(ch, "detail")));
  }
  return o + "</tbody></table></div>\n";
}

// The configuration, flattened to dotted keys, with where each value came from (config.sources
// names "duration" for duration_s and "options.rows" for options.rows).
std::string config_table(const json &cfg) {
  if (!cfg.is_object() || cfg.empty()) return "";
  const json &sources = at(cfg, "sources");
  std::vector<std::pair<std::string, const json *>> rows;
  std::function<void(const std::string &, const json &)> flatten = [&](const std::string &prefix, const json &j) {
    for (const auto &[k, v] : j.items()) {
      std::string key = prefix.empty() ? k : prefix + "." + k;
      if (key == "sources") continue;
      if (v.is_object() && !v.empty()) flatten(key, v);
      else rows.push_back({key, &v});
    }
  };
  flatten("", cfg);
  std::string o = "<div class=\"scroll\"><table id=\"config-table\"><thead><tr><th>setting</th><th>value</th><th>from</th>"
                  "</tr></thead><tbody>\n";
  for (const auto &[key, v] : rows) {
    std::string src = str(sources, key.c_str());
    if (src.empty() && key.size() > 2 && key.ends_with("_s")) src = str(sources, key.substr(0, key.size() - 2).c_str());
    if (src.empty() && key == "conninfo") src = str(sources, "url");
    o += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td class=\"muted nowrap\">{}</td></tr>\n", escape(key),
                     escape(fmt_scalar(*v)), escape(src.empty() ? "default" : src));
  }
  return o + "</tbody></table></div>\n";
}

// ---- PostgreSQL sampler series.

std::string pg_window_tables(const json &window) {
  if (!window.is_object() || window.empty()) return "";
  std::string o = "<h3>Over the measured time</h3>\n<div class=\"grid2\">";
  for (const auto &[section, v] : window.items()) {
    // Statements get a table of their own; activity gauges are as of the window's end, after the
    // clients have gone, and the wait-event chart already shows them over time.
    if (!v.is_object() || section == "statements" || section == "activity") continue;
    std::vector<std::pair<std::string, const json *>> rows;
    std::function<void(const std::string &, const json &)> flatten = [&](const std::string &prefix, const json &j) {
      for (const auto &[k, x] : j.items()) {
        std::string key = prefix.empty() ? k : prefix + "." + k;
        if (x.is_object()) flatten(key, x);
        else if (!x.is_array()) rows.push_back({key, &x});
      }
    };
    flatten("", v);
    if (rows.empty()) continue;
    o += "<div><h4>" + escape(section) + "</h4><table><tbody>\n";
    // Per-backend-type I/O or per-table sections can run to hundreds of counters: the first 30
    // keep the page scannable and the JSON has the rest.
    size_t shown = 0;
    for (const auto &[k, x] : rows) {
      if (++shown > 30) {
        o += fmt::format("<tr><td colspan=\"2\" class=\"muted\">… {} more in the JSON</td></tr>\n", rows.size() - 30);
        break;
      }
      std::string val = !x->is_number()          ? fmt_scalar(*x)
                        : k.ends_with("bytes")   ? fmt_bytes(x->get<double>()) + " (" + fmt_count(x->get<double>()) + ")"
                        : k.ends_with("ratio")   ? format_number(x->get<double>(), 4)
                                                 : format_number(x->get<double>(), 3);
      o += "<tr><td>" + escape(k) + "</td>" + td_num(val) + "</tr>\n";
    }
    o += "</tbody></table></div>\n";
  }
  return o + "</div>\n";
}

// Server charts are secondary to the benchmark's own: shorter, so the section stays scannable.
constexpr int kPgChartHeight = 250;

// pg_stat_statements' top statements over the measured time, by total execution time.
std::string statements_table(const json &st) {
  const json &top = array_at(st, "top");
  if (top.empty()) return "";
  std::string o = fmt::format("<h3>Top statements</h3>\n<p class=\"muted\">pg_stat_statements over the measured time: {} calls, "
                              "{} ms of execution in all.</p>\n<div class=\"scroll\"><table id=\"statements-table\"><thead><tr>"
                              "<th>query</th><th class=\"num\">calls</th><th class=\"num\">total ms</th>"
                              "<th class=\"num\">mean ms</th><th class=\"num\">rows</th></tr></thead><tbody>\n",
                              fmt_count(num(st, "calls")), format_number(num(st, "total_exec_time_ms"), 1));
  for (const auto &q : top) {
    std::string text = str(q, "query");
    if (text.empty()) text = "queryid " + str(q, "queryid");
    if (text.size() > 300) text = text.substr(0, 300) + "…";
    o += "<tr><td><code>" + escape(text) + "</code></td>" + td_num(fmt_count(num(q, "calls"))) +
         td_num(format_number(num(q, "total_exec_time_ms"), 1)) + td_num(fmt_ms(num(q, "mean_exec_time_ms"))) +
         td_num(fmt_count(num(q, "rows"))) + "</tr>\n";
  }
  return o + "</tbody></table></div>\n";
}

std::string postgres_section(const json &r, const RunSeries &rs, const std::string &sfx) {
  const json &pg = at(r, "postgres");
  std::string o = "<section class=\"postgres\">\n<h2>PostgreSQL</h2>\n";
  if (!pg.is_object()) {
    return o + fmt::format("<p class=\"note\" id=\"postgres-note{}\">No PostgreSQL statistics in this result: the server "
                           "sampler did not run, so the cache hit ratio, WAL, checkpoint and wait-event charts are left "
                           "out.</p>\n</section>\n",
                           sfx);
  }
  if (!str(pg, "version").empty()) {
    o += "<p class=\"muted\">server " + escape(str(pg, "version")) + "</p>\n";
  } else if (double v = num(pg, "server_version_num"); v >= 100000) {  // PQserverVersion: 150004 is 15.4
    int n = static_cast<int>(v);
    o += fmt::format("<p class=\"muted\">sampled from PostgreSQL {}.{}</p>\n", n / 10000, n % 10000);
  }
  const json &notes = array_at(pg, "notes");
  if (!notes.empty()) {
    o += "<ul class=\"notes\">";
    for (const auto &n : notes) o += "<li>" + escape(str(n)) + "</li>";
    o += "</ul>\n";
  }
  // Records from before the start barrier (connecting, "setup") fall left of the time axis. The
  // sampler's final snapshot, taken when the run stops, closes a sliver of an interval whose rates
  // are noise and whose sessions have gone: records much shorter than the rest are left out too.
  std::vector<json> recs;
  std::vector<double> ts, spans;
  std::vector<double> all_spans;
  for (const auto &rec : array_at(pg, "intervals"))
    if (num(rec, "span_s") > 0) all_spans.push_back(num(rec, "span_s"));
  std::sort(all_spans.begin(), all_spans.end());
  double median = all_spans.empty() ? kNaN : all_spans[all_spans.size() / 2];
  for (const auto &rec : array_at(pg, "intervals")) {
    double t = num(rec, "t_s"), span = num(rec, "span_s");
    if (!std::isfinite(t) || t <= 0 || str(rec, "phase") == "setup") continue;
    if (all_spans.size() > 2 && span < median / 4) continue;
    if (!std::isfinite(span)) span = !ts.empty() ? t - ts.back() : kNaN;
    recs.push_back(rec), ts.push_back(t), spans.push_back(span);
  }
  RunSeries prs = rs;
  for (double t : ts)
    if (std::isfinite(t)) prs.x_max = std::isfinite(prs.x_max) ? std::max(prs.x_max, t) : t;
  std::string charts, missing;
  auto draw = [&](svg::Chart &c) {
    if (recs.size() <= 15)
      for (auto &s : c.series)
        if (s.kind == svg::Kind::Line) s.dots = true;
    charts += svg::render_figure(c);
  };
  auto field = [&](size_t i, const char *section, const char *key) { return num(at(recs[i], section), key); };
  auto any_finite = [](const svg::Series &s) {
    return std::any_of(s.points.begin(), s.points.end(), [](const svg::Point &p) { return std::isfinite(p.y); });
  };

  {  // Cache hit ratio: a fraction (0..1) or a percentage, whichever the sampler wrote.
    svg::Series s = svg::make_series("hit ratio", "#59a14f");
    double vmax = 0;
    for (size_t i = 0; i < recs.size(); i++) {
      double v = field(i, "database", "hit_ratio");
      if (std::isfinite(v)) vmax = std::max(vmax, v);
      s.points.push_back({ts[i], v});
    }
    if (any_finite(s)) {
      double vmin = 100;
      for (auto &p : s.points) {
        if (vmax <= 1.0) p.y *= 100;
        if (std::isfinite(p.y)) vmin = std::min(vmin, p.y);
      }
      svg::Chart c = time_chart(prs, "chart-hit-ratio" + sfx, "Buffer cache hit ratio", kPgChartHeight);
      c.y.title = "hit ratio (%)";
      c.y.include_zero = false;
      c.y.max = 100;
      // Zoom on the top: 99.2% and 99.9% look identical on a 0–100 axis but differ 8x in reads.
      c.y.min = vmin >= 99 ? 99 : vmin >= 90 ? 90 : vmin >= 50 ? std::floor(vmin / 10) * 10 : 0;
      c.y_format = [](double v) { return format_number(v, 3) + " %"; };
      c.series.push_back(std::move(s));
      c.caption_html = "share of block reads served from shared buffers in each interval (blks_hit / (blks_hit + "
                       "blks_read)).";
      draw(c);
    } else {
      missing += "<li>cache hit ratio</li>";
    }
  }
  {  // WAL volume as a rate: intervals can differ in length.
    svg::Series s = svg::make_series("WAL", "#4e79a7");
    double vmax = 0;
    for (size_t i = 0; i < recs.size(); i++) {
      double b = field(i, "wal", "wal_bytes");
      double v = std::isfinite(b) && spans[i] > 0 ? b / spans[i] : kNaN;
      if (std::isfinite(v)) vmax = std::max(vmax, v);
      s.points.push_back({ts[i], v});
    }
    if (any_finite(s)) {
      const char *unit = "B/s";
      double div = 1;
      if (vmax >= 1024.0 * 1024 * 1024) unit = "GiB/s", div = 1024.0 * 1024 * 1024;
      else if (vmax >= 1024.0 * 1024) unit = "MiB/s", div = 1024.0 * 1024;
      else if (vmax >= 1024) unit = "KiB/s", div = 1024;
      for (auto &p : s.points) p.y /= div;
      svg::Chart c = time_chart(prs, "chart-wal" + sfx, "WAL written", kPgChartHeight);
      c.y.title = fmt::format("WAL ({})", unit);
      std::string u = unit;
      c.y_format = [u](double v) { return format_number(v, 2) + " " + u; };
      c.series.push_back(std::move(s));
      c.caption_html = "write-ahead log generated per second (pg_stat_wal.wal_bytes).";
      draw(c);
    } else {
      missing += "<li>WAL volume</li>";
    }
  }
  {  // Checkpoints as bars per interval; PostgreSQL 17 splits them into num_timed/num_requested.
    svg::Series s = svg::make_series("checkpoints", "#b07aa1", svg::Kind::Bars);
    double total = 0;
    for (size_t i = 0; i < recs.size(); i++) {
      const json &cp = at(recs[i], "checkpointer");
      double v = num(cp, "checkpoints");
      if (!std::isfinite(v)) {
        double a = num(cp, "checkpoints_timed"), b = num(cp, "checkpoints_req");
        if (!std::isfinite(a)) a = num(cp, "num_timed"), b = num(cp, "num_requested");
        if (std::isfinite(a) || std::isfinite(b)) v = (std::isfinite(a) ? a : 0) + (std::isfinite(b) ? b : 0);
      }
      if (std::isfinite(v)) total += v;
      s.points.push_back({ts[i], v});
      s.x0.push_back(ts[i] - spans[i]);
    }
    if (any_finite(s)) {
      svg::Chart c = time_chart(prs, "chart-checkpoints" + sfx, "Checkpoints", kPgChartHeight);
      c.y.title = "checkpoints per interval";
      c.y.integer = true;
      if (total < 5) c.y.max = std::max(2.0, total);
      c.y_format = [](double v) { return fmt_count(v); };
      c.series.push_back(std::move(s));
      c.caption_html = total == 0 ? "checkpoints completed in each interval: none during the run."
                                  : "checkpoints completed in each interval (timed and requested).";
      draw(c);
    } else {
      missing += "<li>checkpoints</li>";
    }
  }
  {  // Wait events, stacked: the height is the sampled number of sessions, the colours where they wait.
    std::map<std::string, double> totals;
    for (const auto &rec : recs) {
      const json &w = at(at(rec, "activity"), "by_wait_event_type");
      if (w.is_object())
        for (const auto &[k, v] : w.items())
          if (v.is_number()) totals[k] += v.get<double>();
    }
    if (!totals.empty()) {
      std::vector<std::pair<std::string, double>> order(totals.begin(), totals.end());
      std::stable_sort(order.begin(), order.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
      // Fixed colours for the common types so reports compare at a glance; red for locks.
      static const std::map<std::string, std::string> known = {
          {"CPU", "#59a14f"},    {"none", "#59a14f"},      {"Lock", "#e15759"},    {"LWLock", "#f28e2b"},
          {"IO", "#4e79a7"},     {"Client", "#76b7b2"},    {"IPC", "#b07aa1"},     {"Timeout", "#edc948"},
          {"Activity", "#bab0ac"}, {"BufferPin", "#ff9da7"}, {"Extension", "#9c755f"}};
      svg::Chart c = time_chart(prs, "chart-wait-events" + sfx, "Wait events", kPgChartHeight);
      c.y.title = "sessions (sampled)";
      c.y_format = [](double v) { return format_number(v, 1); };
      size_t next = 0;
      for (const auto &[name, _] : order) {
        std::string color;
        auto it = known.find(name);
        if (it != known.end()) color = it->second;
        else color = svg::palette(next++ + 5);
        // pg_stat_activity has no wait event while a backend runs: "none" is time on CPU (or in
        // an uninstrumented wait), which a reader would otherwise take for idle.
        svg::Series s = svg::make_series(name == "none" ? "none (running)" : name, color, svg::Kind::Area);
        for (size_t i = 0; i < recs.size(); i++) {
          double v = num(at(at(at(recs[i], "activity"), "by_wait_event_type"), name.c_str()));
          s.points.push_back({ts[i], std::isfinite(v) ? v : 0});
        }
        c.series.push_back(std::move(s));
      }
      c.caption_html = "sessions of the benchmark database by wait event type, sampled from pg_stat_activity and "
                       "stacked; idle sessions wait on Client.";
      draw(c);
    } else {
      missing += "<li>wait events</li>";
    }
  }
  if (recs.empty()) o += "<p class=\"note\">The PostgreSQL sampler recorded no intervals.</p>\n";
  else if (!missing.empty()) o += "<p class=\"note\">Not in the sampler's output, so not charted:</p><ul>" + missing + "</ul>\n";
  o += charts;
  o += pg_window_tables(at(pg, "window"));
  o += statements_table(at(at(pg, "window"), "statements"));
  return o + "</section>\n";
}

// ---- A run (stormdb.result/1), standalone or as one phase.

RunSeries run_series(const json &r) {
  RunSeries rs;
  const json &types = at(r, "transactions");
  if (types.is_object())
    for (const auto &[k, _] : types.items()) rs.types.push_back(k);
  double w0 = kNaN, w1 = kNaN;
  const json &ivs = array_at(r, "intervals");
  std::vector<double> spans;
  for (const auto &iv : ivs)
    if (num(iv, "span_s") > 0) spans.push_back(num(iv, "span_s"));
  std::sort(spans.begin(), spans.end());
  double median = spans.empty() ? kNaN : spans[spans.size() / 2];
  for (size_t i = 0; i < ivs.size(); i++) {
    const json &iv = ivs[i];
    double t = num(iv, "t_s"), span = num(iv, "span_s");
    if (!std::isfinite(t)) continue;
    if (i + 1 == ivs.size() && ivs.size() > 2 && span < median / 4) {
      rs.dropped_note = fmt::format(" The final {} s interval is left out: a rate over so short a span is noise.",
                                    format_number(span, 3));
      continue;
    }
    rs.intervals.push_back(&iv);
    rs.x_max = std::isfinite(rs.x_max) ? std::max(rs.x_max, t) : t;
    if (str(iv, "phase") == "warmup") {
      double s = std::isfinite(span) ? t - span : t;
      w0 = std::isfinite(w0) ? std::min(w0, s) : s;
      w1 = std::isfinite(w1) ? std::max(w1, t) : t;
    }
  }
  if (std::isfinite(w0)) rs.shades.push_back({w0, w1, "warmup"});
  return rs;
}

std::string run_body(const json &r, const std::string &sfx, bool standalone) {
  RunSeries rs = run_series(r);
  const json &cfg = at(r, "config");
  const json &total = at(r, "total");
  std::string o;
  std::string name = str(at(r, "workload"), "name");

  if (standalone) {
    o += "<header class=\"top\">\n<h1>" + escape(name.empty() ? "stormdb run" : name) + "</h1>\n";
    o += "<p class=\"sub\">stormdb benchmark report</p>\n</header>\n";
  }
  if (!str(r, "error").empty())
    o += "<div class=\"banner error\">The run ended early: " + escape(str(r, "error")) + "</div>\n";
  if (at(r, "interrupted").is_boolean() && at(r, "interrupted").get<bool>())
    o += "<div class=\"banner warn\">The run was interrupted (Ctrl-C or SIGTERM): the measured time is shorter than "
         "configured.</div>\n";

  o += "<section class=\"overview\">\n<dl class=\"meta\">";
  if (standalone || !name.empty()) {
    std::string script = str(at(r, "workload"), "script");
    o += meta_row("workload", escape(name) + (script.empty() ? "" : " <span class=\"muted\">(" + escape(script) + ")</span>"));
  }
  if (at(r, "server").is_object()) o += meta_row("server", escape(server_text(at(r, "server"))));
  if (!fmt_date(num(r, "started_at_unix")).empty()) o += meta_row("started", escape(fmt_date(num(r, "started_at_unix"))));
  o += meta_row("measured time", escape(fmt_seconds(num(r, "elapsed_s"))) + " <span class=\"muted\">(warmup excluded; the "
                                                                            "divisor of every rate)</span>");
  if (cfg.is_object()) {
    std::string load = fmt::format("{} clients on {} threads", fmt_scalar(at(cfg, "clients")), fmt_scalar(at(cfg, "threads")));
    double rate = num(cfg, "rate"), rpc = num(cfg, "rate_per_client");
    if (rate > 0) load += ", open loop at " + format_number(rate, 2) + " tps (" + escape(str(cfg, "arrival")) + ")";
    else if (rpc > 0) load += ", open loop at " + format_number(rpc, 2) + " tps per client";
    else load += ", closed loop";
    o += meta_row("load", escape(load));
    double d = num(cfg, "duration_s"), w = num(cfg, "warmup_s"), n = num(cfg, "transactions_per_client");
    std::string plan = n > 0 ? fmt_count(n) + " transactions per client" : format_number(d, 3) + " s";
    if (w > 0) plan += " after " + format_number(w, 3) + " s of warmup";
    o += meta_row("configured", escape(plan));
  }
  const json &conn = at(r, "connect");
  if (conn.is_object())
    o += meta_row("initial connection", escape(fmt::format("mean {} ms, max {} ms ({} connections)", fmt_ms(num(conn, "mean_ms")),
                                                           fmt_ms(num(conn, "max_ms")), fmt_count(num(conn, "connections")))));
  if (standalone && !str(r, "stormdb_version").empty()) o += meta_row("stormdb", escape(str(r, "stormdb_version")));
  o += "</dl>\n<div class=\"kpis\">";
  o += kpi("throughput (tps)", fmt_tps(num(total, "tps")));
  o += kpi("transactions", fmt_count(num(total, "count")));
  o += kpi("p50 latency (ms)", fmt_ms(num(at(total, "latency_ms"), "p50")));
  o += kpi("p99 latency (ms)", fmt_ms(num(at(total, "latency_ms"), "p99")));
  o += kpi("failed", fmt_count(num(total, "failed")), num(total, "failed") > 0);
  o += kpi("retried", fmt_count(num(total, "retried")));
  o += kpi("reconnects", fmt_count(num(r, "reconnects")), num(r, "reconnects") > 0);
  o += "</div>\n</section>\n";

  o += "<section class=\"results\">\n<h2>Transactions</h2>\n";
  o += summary_table(r, rs, sfx);
  o += outcomes(r);
  o += failures_table(r, rs);
  o += counters_table(r);
  o += timings_table(r);
  o += workload_summary(r);
  o += checks_table(r);
  o += "</section>\n";

  o += "<section class=\"charts\">\n<h2>Throughput and latency</h2>\n";
  std::string distribution = chart_distribution(r, rs, sfx);
  if (rs.intervals.empty()) {
    o += "<p class=\"note\">No interval series in this result: nothing to chart over time.</p>\n";
  } else {
    o += chart_throughput(rs, sfx);
    o += chart_latency(rs, sfx);
  }
  if (distribution.empty()) o += "<p class=\"note\">No latency histogram in this result: no distribution to chart.</p>\n";
  o += distribution;
  if (!rs.intervals.empty()) o += chart_errors(rs, sfx);
  o += "</section>\n";

  o += postgres_section(r, rs, sfx);

  std::string ct = config_table(cfg);
  if (!ct.empty()) {
    if (standalone) o += "<section class=\"config\">\n<h2>Configuration</h2>\n" + ct + "</section>\n";
    else o += "<section class=\"config\">\n<details><summary>Configuration of this phase</summary>\n" + ct + "</details>\n</section>\n";
  }
  return o;
}

std::string page_title(const json &r, const char *kind) {
  std::string name = str(at(r, "workload"), "name");
  std::string date = fmt_date(num(r, "started_at_unix"));
  return fmt::format("stormdb {}: {}{}", kind, name.empty() ? "workload" : name, date.empty() ? "" : " — " + date);
}

// ---- Progressive (stormdb.progressive/1).

double usl_x(double lambda, double sigma, double kappa, double n) {
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

std::string render_progressive(const json &r) {
  const json &bands = at(r, "bands");
  if (!bands.is_array()) throw std::runtime_error("stormdb.progressive/1 result without a \"bands\" array");
  const json &usl = at(r, "usl");
  bool fit = at(usl, "ok").is_boolean() && at(usl, "ok").get<bool>();
  double lambda = num(usl, "lambda"), sigma = num(usl, "sigma"), kappa = num(usl, "kappa"), r2 = num(usl, "r2");
  double peak = num(usl, "peak_clients");
  fit = fit && std::isfinite(lambda) && std::isfinite(sigma) && std::isfinite(kappa);
  double best = num(r, "best_band");
  std::string name = str(at(r, "workload"), "name");

  std::string o = "<header class=\"top\">\n<h1>" + escape(name.empty() ? "stormdb" : name) + "</h1>\n";
  o += "<p class=\"sub\">stormdb progressive scaling report (one band per client count)</p>\n</header>\n";
  o += "<section class=\"overview\">\n<dl class=\"meta\">";
  std::string script = str(at(r, "workload"), "script");
  o += meta_row("workload", escape(name) + (script.empty() ? "" : " <span class=\"muted\">(" + escape(script) + ")</span>"));
  if (at(r, "server").is_object()) o += meta_row("server", escape(server_text(at(r, "server"))));
  o += meta_row("bands", escape(fmt::format("{} client counts", bands.size())));
  const json &bound = at(r, "latency_bound");
  if (bound.is_object())
    o += meta_row("latency bound", escape(str(bound, "stat") + " < " + format_number(num(bound, "limit_ms"), 3) + " ms"));
  if (fit)
    o += meta_row("USL fit", escape(fmt::format("λ = {} tps per client, σ (contention) = {:.5f}, κ (coherency) = {:.7f}, R² = {:.4f}",
                                                format_number(lambda, 2), sigma, kappa, r2)));
  else
    o += meta_row("USL fit", "<span class=\"muted\">none (too few bands or the fit did not converge)</span>");
  if (!str(r, "stormdb_version").empty()) o += meta_row("stormdb", escape(str(r, "stormdb_version")));
  o += "</dl>\n<div class=\"kpis\">";
  double best_tps = kNaN, max_tps = 0;
  for (const auto &b : bands) {
    double t = num(at(b, "total"), "tps");
    if (std::isfinite(t)) max_tps = std::max(max_tps, t);
    if (std::isfinite(best) && num(b, "clients") == best) best_tps = t;
  }
  o += kpi("best band (clients)", std::isfinite(best) ? fmt_count(best) : "–");
  o += kpi("best band throughput (tps)", fmt_tps(best_tps));
  o += kpi("highest throughput (tps)", fmt_tps(max_tps));
  if (fit) o += kpi("predicted peak N*", std::isfinite(peak) ? format_number(peak, 1) + " clients" : "none (κ = 0)");
  o += "</div>\n</section>\n";

  // Scaling chart: measured points, the fitted curve, and linear scaling for reference.
  svg::Chart c;
  c.id = "chart-scaling";
  c.title = "Scalability";
  c.hover_columns = false;
  c.x.title = "clients (N)";
  c.y.title = "throughput (tps)";
  c.x_format = [](double n) { return fmt::format("{} clients", format_number(n, 1)); };
  c.y_format = [](double v) { return format_number(v, 1) + " tps"; };
  svg::Series measured = svg::make_series("measured", "#3b434b", svg::Kind::Points, 2);
  svg::Series best_pt = svg::make_series("best band", "#f28e2b", svg::Kind::Points, 2.4);
  double nmax = 1;
  for (const auto &b : bands) {
    double n = num(b, "clients"), t = num(at(b, "total"), "tps");
    if (!std::isfinite(n)) continue;
    nmax = std::max(nmax, n);
    measured.points.push_back({n, t});
    if (n == best) best_pt.points.push_back({n, t});
  }
  double xr = nmax * 1.08;
  if (fit && std::isfinite(peak) && peak > nmax && peak < nmax * 2) xr = peak * 1.08;  // show a near peak
  double ymax = max_tps;
  if (fit) {
    svg::Series curve = svg::make_series("USL fit X(N) = λN / (1 + σ(N−1) + κN(N−1))", "#4e79a7");
    svg::Series ideal = svg::make_series("linear scaling λN", "#8c959f", svg::Kind::Line, 1.4, "3 4");
    for (int i = 0; i <= 200; i++) {
      double n = 1 + (xr - 1) * i / 200.0;
      double x = usl_x(lambda, sigma, kappa, n);
      curve.points.push_back({n, x});
      ymax = std::max(ymax, x);
    }
    // Linear scaling runs off the chart quickly: stop it at the top of the data instead of letting
    // it stretch the axis and flatten the curve that matters.
    double n_end = lambda > 0 ? std::min(xr, ymax * 1.05 / lambda) : xr;
    ideal.points = {{1, lambda}, {std::max(1.0, n_end), lambda * std::max(1.0, n_end)}};
    c.series.push_back(std::move(ideal));
    c.series.push_back(std::move(curve));
    if (std::isfinite(peak) && peak <= xr) c.markers.push_back({peak, fmt::format("N* = {}", format_number(peak, 1))});
  }
  c.x.min = 0;
  c.x.max = xr;
  c.series.push_back(std::move(measured));
  if (!best_pt.points.empty()) c.series.push_back(std::move(best_pt));
  c.caption_html = "measured throughput of each band and the Universal Scalability Law fitted to it; λ is one "
                   "client's throughput without contention, σ the serialised fraction, κ the coherency cost.";
  std::string charts = svg::render_figure(c);

  // Latency by band.
  svg::Chart l;
  l.id = "chart-scaling-latency";
  l.title = "Latency by band";
  l.x.title = "clients (N)";
  l.x.min = 0;
  l.x.max = nmax * 1.08;
  l.x_format = [](double n) { return fmt::format("{} clients", format_number(n, 1)); };
  l.y_format = [](double v) { return fmt_ms(v) + " ms"; };
  std::vector<double> all;
  size_t k = 0;
  for (const char *stat : {"p50", "p95", "p99"}) {
    svg::Series s = svg::make_series(stat, svg::palette(k++));
    s.dots = true;
    for (const auto &b : bands) {
      double v = num(at(at(b, "total"), "latency_ms"), stat);
      s.points.push_back({num(b, "clients"), v});
      all.push_back(v);
    }
    std::sort(s.points.begin(), s.points.end(), [](const auto &a, const auto &b) { return a.x < b.x; });
    l.series.push_back(std::move(s));
  }
  l.y.log = svg::wants_log(all, 30);
  l.y.include_zero = !l.y.log;
  l.y.title = std::string("latency (ms") + (l.y.log ? ", log scale)" : ")");
  l.caption_html = "p50, p95 and p99 latency of all transactions in each band.";
  charts += svg::render_figure(l);
  o += "<section class=\"charts\">\n<h2>Scaling</h2>\n" + charts + "</section>\n";

  o += "<section>\n<h2>Bands</h2>\n<div class=\"scroll\"><table id=\"bands-table\"><thead><tr><th class=\"num\">clients</th>"
       "<th class=\"num\">measured s</th><th class=\"num\">count</th><th class=\"num\">tps</th><th class=\"num\">p50 ms</th>"
       "<th class=\"num\">p95 ms</th><th class=\"num\">p99 ms</th><th class=\"num\">p99.9 ms</th><th class=\"num\">failed</th>"
       "<th class=\"num\">retried</th><th class=\"num\">reconnects</th><th class=\"num\">USL tps</th></tr></thead><tbody>\n";
  for (const auto &b : bands) {
    const json &t = at(b, "total");
    const json &lat = at(t, "latency_ms");
    double n = num(b, "clients");
    o += fmt::format("<tr{}>", std::isfinite(best) && n == best ? " class=\"best\" title=\"best band\"" : "");
    o += td_num(fmt_count(n)) + td_num(fmt::format("{:.3f}", num(b, "elapsed_s"))) + td_num(fmt_count(num(t, "count"))) +
         td_num(fmt_tps(num(t, "tps")));
    for (const char *s : {"p50", "p95", "p99", "p99.9"}) o += td_num(fmt_ms(num(lat, s)));
    o += td_num(fmt_count(num(t, "failed"))) + td_num(fmt_count(num(t, "retried"))) + td_num(fmt_count(num(b, "reconnects")));
    o += td_num(fit && std::isfinite(n) ? fmt_tps(usl_x(lambda, sigma, kappa, n)) : "–") + "</tr>\n";
  }
  o += "</tbody></table></div>\n";
  if (std::isfinite(best)) o += "<p class=\"muted\">Highlighted: the best band" +
                                std::string(bound.is_object() ? " within the latency bound" : "") + ".</p>\n";
  o += "</section>\n";
  std::string ct = config_table(at(r, "config"));
  if (!ct.empty()) o += "<section class=\"config\">\n<h2>Configuration</h2>\n" + ct + "</section>\n";
  return page(page_title(r, "scaling report"), o, str(r, "stormdb_version"));
}

// ---- Phases (stormdb.phases/1).

std::string render_phases(const json &r) {
  const json &phases = at(r, "phases");
  if (!phases.is_array()) throw std::runtime_error("stormdb.phases/1 result without a \"phases\" array");
  std::string name = str(at(r, "workload"), "name");
  std::string o = "<header class=\"top\">\n<h1>" + escape(name.empty() ? "stormdb" : name) + "</h1>\n";
  o += fmt::format("<p class=\"sub\">stormdb phased run report: {} phases</p>\n</header>\n", phases.size());
  o += "<section class=\"overview\">\n<h2>Phases</h2>\n<div class=\"scroll\"><table id=\"phases-table\"><thead><tr><th>phase</th>"
       "<th class=\"num\">clients</th><th class=\"num\">measured s</th><th class=\"num\">count</th><th class=\"num\">tps</th>"
       "<th class=\"num\">p50 ms</th><th class=\"num\">p99 ms</th><th class=\"num\">failed</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < phases.size(); i++) {
    const json &p = phases[i];
    const json &t = at(p, "total");
    std::string pname = str(p, "phase");
    o += fmt::format("<tr><td><a href=\"#phase-{}\">{}</a></td>", i + 1, escape(pname.empty() ? fmt::format("{}", i + 1) : pname));
    o += td_num(fmt_scalar(at(at(p, "config"), "clients"))) + td_num(fmt::format("{:.3f}", num(p, "elapsed_s"))) +
         td_num(fmt_count(num(t, "count"))) + td_num(fmt_tps(num(t, "tps"))) + td_num(fmt_ms(num(at(t, "latency_ms"), "p50"))) +
         td_num(fmt_ms(num(at(t, "latency_ms"), "p99"))) + td_num(fmt_count(num(t, "failed"))) + "</tr>\n";
  }
  o += "</tbody></table></div>\n</section>\n";
  for (size_t i = 0; i < phases.size(); i++) {
    const json &p = phases[i];
    std::string pname = str(p, "phase");
    o += fmt::format("<section class=\"phase\" id=\"phase-{}\">\n<h2>Phase {}{}</h2>\n", i + 1, i + 1,
                     pname.empty() ? "" : ": " + escape(pname));
    if (!p.is_object()) o += "<p class=\"note\">This phase has no result.</p>\n";
    else o += run_body(p, fmt::format("-phase{}", i + 1), false);
    o += "</section>\n";
  }
  double started = phases.empty() ? kNaN : num(phases[0], "started_at_unix");
  std::string date = fmt_date(started);
  return page(fmt::format("stormdb phased run: {}{}", name.empty() ? "workload" : name, date.empty() ? "" : " — " + date), o,
              str(r, "stormdb_version"));
}

}  // namespace

std::string render_html_report(const json &result) {
  if (!result.is_object()) throw std::runtime_error("cannot render a report: the JSON is not an object (expected a stormdb result)");
  const json &schema = at(result, "schema");
  if (!schema.is_string())
    throw std::runtime_error("cannot render a report: no \"schema\" field, so this is not a stormdb result JSON");
  std::string s = schema.get<std::string>();
  if (s == "stormdb.result/1") return page(page_title(result, "report"), run_body(result, "", true), str(result, "stormdb_version"));
  if (s == "stormdb.progressive/1") return render_progressive(result);
  if (s == "stormdb.phases/1") return render_phases(result);
  if (s.starts_with("stormdb.result/") || s.starts_with("stormdb.progressive/") || s.starts_with("stormdb.phases/"))
    throw std::runtime_error("cannot render a report: schema \"" + s +
                             "\" is a version this stormdb does not know (it renders stormdb.result/1, "
                             "stormdb.progressive/1 and stormdb.phases/1)");
  throw std::runtime_error("cannot render a report: unknown schema \"" + s +
                           "\" (expected stormdb.result/1, stormdb.progressive/1 or stormdb.phases/1)");
}

}  // namespace stormdb
