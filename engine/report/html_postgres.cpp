// The PostgreSQL section of the HTML report: the server sampler's charts, window counters and top statements.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <utility>

#include "report/html_parts.h"

namespace stormdb::html {
namespace {

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
        if (x.is_object())
          flatten(key, x);
        else if (!x.is_array())
          rows.push_back({key, &x});
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
      std::string val = !x->is_number()        ? fmt_scalar(*x)
                        : k.ends_with("bytes") ? fmt_bytes(x->get<double>()) + " (" + fmt_count(x->get<double>()) + ")"
                        : k.ends_with("ratio") ? format_number(x->get<double>(), 4)
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
  std::string o = fmt::format(
      "<h3>Top statements</h3>\n<p class=\"muted\">pg_stat_statements over the measured time: {} calls, "
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

}  // namespace

std::string postgres_section(const json &r, const RunSeries &rs, const std::string &sfx) {
  const json &pg = at(r, "postgres");
  std::string o = "<section class=\"postgres\">\n<h2>PostgreSQL</h2>\n";
  if (!pg.is_object()) {
    return o + fmt::format(
                   "<p class=\"note\" id=\"postgres-note{}\">No PostgreSQL statistics in this result: the server "
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
      c.caption_html =
          "share of block reads served from shared buffers in each interval (blks_hit / (blks_hit + "
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
      if (vmax >= 1024.0 * 1024 * 1024)
        unit = "GiB/s", div = 1024.0 * 1024 * 1024;
      else if (vmax >= 1024.0 * 1024)
        unit = "MiB/s", div = 1024.0 * 1024;
      else if (vmax >= 1024)
        unit = "KiB/s", div = 1024;
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
          {"CPU", "#59a14f"},      {"none", "#59a14f"},      {"Lock", "#e15759"},     {"LWLock", "#f28e2b"},
          {"IO", "#4e79a7"},       {"Client", "#76b7b2"},    {"IPC", "#b07aa1"},      {"Timeout", "#edc948"},
          {"Activity", "#bab0ac"}, {"BufferPin", "#ff9da7"}, {"Extension", "#9c755f"}};
      svg::Chart c = time_chart(prs, "chart-wait-events" + sfx, "Wait events", kPgChartHeight);
      c.y.title = "sessions (sampled)";
      c.y_format = [](double v) { return format_number(v, 1); };
      size_t next = 0;
      for (const auto &[name, _] : order) {
        std::string color;
        auto it = known.find(name);
        if (it != known.end())
          color = it->second;
        else
          color = svg::palette(next++ + 5);
        // pg_stat_activity has no wait event while a backend runs: "none" is time on CPU (or in
        // an uninstrumented wait), which a reader would otherwise take for idle.
        svg::Series s = svg::make_series(name == "none" ? "none (running)" : name, color, svg::Kind::Area);
        for (size_t i = 0; i < recs.size(); i++) {
          double v = num(at(at(at(recs[i], "activity"), "by_wait_event_type"), name.c_str()));
          s.points.push_back({ts[i], std::isfinite(v) ? v : 0});
        }
        c.series.push_back(std::move(s));
      }
      c.caption_html =
          "sessions of the benchmark database by wait event type, sampled from pg_stat_activity and "
          "stacked; idle sessions wait on Client.";
      draw(c);
    } else {
      missing += "<li>wait events</li>";
    }
  }
  if (recs.empty())
    o += "<p class=\"note\">The PostgreSQL sampler recorded no intervals.</p>\n";
  else if (!missing.empty())
    o += "<p class=\"note\">Not in the sampler's output, so not charted:</p><ul>" + missing + "</ul>\n";
  o += charts;
  o += pg_window_tables(at(pg, "window"));
  o += statements_table(at(at(pg, "window"), "statements"));
  return o + "</section>\n";
}

}  // namespace stormdb::html
