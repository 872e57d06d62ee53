// Shared pieces of the HTML report: defensive JSON access, formatting, the page frame and time-chart helpers.
#include "report/html_parts.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <utility>

namespace stormdb::html {
namespace {

const json &null_json() {
  static const json n;
  return n;
}

// The page's inline style sheet, for the page and its SVG charts.
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

std::string time_fmt(double t) { return fmt::format("t = {} s", format_number(t, 2)); }

}  // namespace

// ---- Defensive JSON access.

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
std::string fmt_scalar(const json &v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return format_number(v.get<double>(), 6);
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_null()) return "";
  return v.dump();
}

std::string td_num(const std::string &text, const std::string &cls) {
  return fmt::format("<td class=\"num{}{}\">{}</td>", cls.empty() ? "" : " ", cls, escape(text));
}

std::string badge(bool ok) {
  return ok ? "<span class=\"badge ok\">passed</span>" : "<span class=\"badge fail\">FAILED</span>";
}

// ---- Page frame.

std::string page(const std::string &title, const std::string &body, const std::string &version) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"stormdb "
      "{}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n{}"
      "<footer>generated by stormdb{}{} — a self-contained page: no scripts, fonts or images are fetched</footer>\n"
      "</main>\n</body>\n</html>\n",
      escape(version), escape(title), kStyle, body, version.empty() ? "" : " ", escape(version));
}

std::string kpi(const std::string &label, const std::string &value, bool bad) {
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

svg::Chart time_chart(const RunSeries &rs, std::string id, std::string title, int height) {
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

svg::Chart with_dots(svg::Chart c, const RunSeries &rs) {
  if (rs.intervals.size() <= 15)
    for (auto &s : c.series)
      if (s.kind == svg::Kind::Line) s.dots = true;
  return c;
}

const std::string &type_color(const RunSeries &rs, size_t i) { return svg::palette(rs.types.size() > 1 ? i + 1 : 0); }

}  // namespace stormdb::html
