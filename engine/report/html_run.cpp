// The HTML report of one run (stormdb.result/1, standalone or as a phase): its charts, tables and body.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include "pg/sqlstate.h"
#include "report/client_threads.h"
#include "report/html_parts.h"

namespace stormdb::html {
namespace {

// ---- Charts.

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
  for (size_t i = 0; i < rs.types.size(); i++)
    per[i] = svg::make_series(rs.types[i], type_color(rs, i), svg::Kind::Line, 1.6);
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
  c.caption_html = fmt::format(
      "per-interval percentiles{}: solid p50, {}dashed p99. Latency runs from the intended start "
      "to the end of the transaction, retries included; intervals without a completed "
      "transaction leave a gap.{}",
      rs.types.size() > 1 ? " per transaction type" : "", with_p95 ? "dotted p95, " : "", rs.dropped_note);
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
  c.x.ticks = {{0, "0%"},     {std::log10(2.0), "50%"}, {1, "90%"},      {2, "99%"},      {3, "99.9%"},
               {4, "99.99%"}, {5, "99.999%"},           {6, "99.9999%"}, {7, "99.99999%"}};
  c.y.log = svg::wants_log(all, 20);
  c.y.include_zero = !c.y.log;
  c.y.title = std::string("latency (ms") + (c.y.log ? ", log scale)" : ")");
  c.caption_html =
      "latency at each percentile of the measured transactions, from the full histogram "
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
                              "and re-established, per interval." +
                                  rs.dropped_note;
  return svg::render_figure(with_dots(std::move(c), rs));
}

// ---- Tables.

std::string summary_table(const json &r, const RunSeries &rs, const std::string &sfx) {
  std::string o = fmt::format(
      "<div class=\"scroll\"><table id=\"summary-table{}\" class=\"summary\">\n<thead><tr><th>transaction</th>"
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
    o += fmt::format("<tr{}><td>{}</td><td class=\"num count\"{}>{}</td>", cls, escape(name), count_attr,
                     fmt_count(count));
    o += td_num(fmt_tps(num(t, "tps")));
    for (const char *k : {"p50", "p90", "p95", "p99", "p99.9", "max"}) o += td_num(fmt_ms(num(l, k)));
    o += td_num(fmt_count(failed)) + td_num(fmt_count(num(t, "retried"))) + "</tr>\n";
  };
  for (const auto &name : rs.types) row(name, at(at(r, "transactions"), name.c_str()), false);
  row("total", at(r, "total"), true);
  o += "</tbody></table></div>\n";
  return o;
}

// " (N attempts)" when the file counts reconnect attempts apart (older files do not).
std::string reconnect_attempts(const json &r) {
  double n = num(r, "reconnect_attempts");
  return std::isfinite(n) ? " (" + fmt_count(n) + " attempts)" : "";
}

// When the database could not be reached: the JSON's outages, one still open at the end marked so.
std::string outages_table(const json &r) {
  const json &list = at(r, "outages");
  if (!list.is_array() || list.empty()) return "";
  std::string o =
      "<h3>Outages</h3>\n<p class=\"note\">Spans during which clients that lost their connection could not "
      "reconnect, in seconds since the start barrier.</p>\n<div class=\"scroll\"><table id=\"outages-table\">"
      "<thead><tr><th class=\"num\">from s</th><th class=\"num\">to s</th><th class=\"num\">duration s</th>"
      "</tr></thead><tbody>\n";
  for (const json &x : list) {
    bool open = at(x, "open").is_boolean() && at(x, "open").get<bool>();
    o += open ? "<tr class=\"failed\">" : "<tr>";
    o += td_num(format_number(num(x, "start_s"), 3));
    o += open ? "<td class=\"num\">still unreachable at the end of the run</td>"
              : td_num(format_number(num(x, "end_s"), 3));
    o += td_num(format_number(num(x, "duration_s"), 3)) + "</tr>\n";
  }
  o += "</tbody></table></div>\n";
  double gave_up = num(r, "clients_unable_to_reconnect");
  if (gave_up > 0)
    o += "<p class=\"note\">" + fmt_count(gave_up) + " clients could not reconnect before the end of the run.</p>\n";
  return o;
}

// The pool (--connections), the query mode and timer lateness, as outcome items.
void pool_items(const json &r, std::vector<std::pair<std::string, std::string>> &items) {
  auto p50_p99_max = [](const json &l) {
    return "p50 " + fmt_ms(num(l, "p50")) + " ms, p99 " + fmt_ms(num(l, "p99")) + " ms, max " + fmt_ms(num(l, "max")) +
           " ms";
  };
  if (r.contains("query_mode") && r["query_mode"].is_string())
    items.push_back({"query mode (-M)", r["query_mode"].get<std::string>()});
  const json &pool = at(r, "pool");
  if (num(pool, "connections") > 0) {
    items.push_back(
        {"connections", fmt_count(num(pool, "connections")) + " pooled (a client borrows one per transaction)"});
    std::string wait = "total " + p50_p99_max(at(at(r, "total"), "pool_wait_ms"));
    const json &types = at(r, "transactions");
    if (types.is_object())
      for (const auto &[k, v] : types.items())
        wait += "; " + k + " p99 " + fmt_ms(num(at(v, "pool_wait_ms"), "p99")) + " ms";
    items.push_back({"pool wait (part of the latency)", wait});
    items.push_back({"pool queue", "mean " + format_number(num(pool, "queue_mean"), 2) + " clients waiting, max " +
                                       fmt_count(num(pool, "queue_max")) + " at one thread"});
  }
  const json &late = at(r, "timer_lateness");
  if (num(late, "wakeups") > 0)
    items.push_back({"timer lateness (actual minus intended wake-up)",
                     fmt_count(num(late, "wakeups")) + " wake-ups, " + p50_p99_max(at(late, "ms"))});
  const json &ct = at(r, "client_threads");
  if (at(ct, "on_cpu_s").is_number()) {
    std::string text = client_threads_text(static_cast<int>(num(ct, "threads")), at(ct, "realtime") == true,
                                           num(ct, "on_cpu_s"), num(ct, "cpu_wait_s"), num(r, "elapsed_s"));
    if (num(ct, "cpu_wait_share") >= kClientStarvedShare) text += ". Warning: " + client_starved_text(num(ct, "cpu_wait_share"));
    items.push_back({"client threads", text});
  }
}

std::string outcomes(const json &r) {
  const json &t = at(r, "total");
  std::vector<std::pair<std::string, std::string>> items = {
      {"committed", fmt_count(num(t, "committed"))},
      {"rolled back by design", fmt_count(num(t, "rolled_back"))},
      {"failed", fmt_count(num(t, "failed"))},
      {"retried", fmt_count(num(t, "retried")) + " (" + fmt_count(num(t, "retries")) + " retries)"},
      {"reconnects", fmt_count(num(r, "reconnects")) + reconnect_attempts(r)}};
  if (num(t, "skipped") > 0) items.push_back({"skipped (too late to send)", fmt_count(num(t, "skipped"))});
  if (num(t, "late") > 0) items.push_back({"late (above the latency limit)", fmt_count(num(t, "late"))});
  const json &lag = at(t, "schedule_lag_ms");
  if (num(lag, "max") > 0)
    items.push_back(
        {"schedule lag", "mean " + fmt_ms(num(lag, "mean")) + " ms, max " + fmt_ms(num(lag, "max")) + " ms"});
  const json &svc = at(t, "service_ms");
  if (num(svc, "max") > 0)
    items.push_back({"service time (from the actual start)", "p50 " + fmt_ms(num(svc, "p50")) + " ms, p99 " +
                                                                 fmt_ms(num(svc, "p99")) + " ms, max " +
                                                                 fmt_ms(num(svc, "max")) + " ms"});
  pool_items(r, items);
  std::string o = "<h3>Outcomes</h3>\n<dl class=\"meta\">";
  for (const auto &[k, v] : items) o += meta_row(k, escape(v));
  return o + "</dl>\n";
}

std::string failures_table(const json &r, const RunSeries &rs) {
  const json &f = at(at(r, "total"), "failures");
  if (!f.is_object() || f.empty()) return "";
  std::string o =
      "<h3>Failures by SQLSTATE</h3>\n<div class=\"scroll\"><table id=\"failures-table\"><thead><tr><th>SQLSTATE</th>"
      "<th>condition</th><th>class</th><th class=\"num\">count</th><th>by transaction</th></tr></thead><tbody>\n";
  for (const auto &[code, n] : f.items()) {
    std::string cond = code == "script" ? "Lua error in the script" : sqlstate_name(code);
    std::string cls = code == "script" ? "" : sqlstate_class(code);
    std::string by;
    for (const auto &type : rs.types) {
      double k = num(at(at(at(at(r, "transactions"), type.c_str()), "failures"), code.c_str()));
      if (k > 0) by += (by.empty() ? "" : ", ") + type + " " + fmt_count(k);
    }
    o += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td>{}<td>{}</td></tr>\n", escape(code),
                     escape(cond), escape(cls), td_num(fmt_count(num(n))), escape(by));
  }
  return o + "</tbody></table></div>\n";
}

std::string counters_table(const json &r) {
  const json &c = at(r, "counters");
  if (!c.is_object() || c.empty()) return "";
  double el = num(r, "elapsed_s");
  std::string o =
      "<h3>Counters</h3>\n<table id=\"counters-table\" class=\"compact\"><thead><tr><th>counter</th><th "
      "class=\"num\">value</th>"
      "<th class=\"num\">per second</th></tr></thead><tbody>\n";
  for (const auto &[k, v] : c.items())
    o += "<tr><td>" + escape(k) + "</td>" + td_num(format_number(num(v), 3)) +
         td_num(el > 0 ? format_number(num(v) / el, 1) : "–") + "</tr>\n";
  return o + "</tbody></table>\n";
}

std::string timings_table(const json &r) {
  const json &t = at(r, "timings");
  if (!t.is_object() || t.empty()) return "";
  std::string o =
      "<h3>Timings (<code>ctx:observe</code>)</h3>\n<div class=\"scroll\"><table id=\"timings-table\"><thead><tr>"
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
  std::string o =
      "<h3>Workload summary</h3>\n<div class=\"scroll\"><table id=\"workload-summary\"><thead><tr><th>name</th>"
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
  // "checked": false marks a check that could not run: neither passed nor failed.
  auto unchecked = [](const json &ch) { return at(ch, "checked").is_boolean() && !at(ch, "checked").get<bool>(); };
  size_t failed = 0, skipped = 0;
  for (const auto &ch : c) {
    if (unchecked(ch))
      skipped++;
    else if (!(at(ch, "ok").is_boolean() && at(ch, "ok").get<bool>()))
      failed++;
  }
  std::string o = fmt::format(
      "<h3>Checks: {} of {} checked, {} passed, {} failed</h3>\n<div class=\"scroll\">"
      "<table id=\"checks-table\"><thead><tr>"
      "<th>status</th><th>check</th><th>detail</th></tr></thead><tbody>\n",
      c.size() - skipped, c.size(), c.size() - skipped - failed, failed);
  for (const auto &ch : c) {
    bool ok = at(ch, "ok").is_boolean() && at(ch, "ok").get<bool>();
    std::string status = unchecked(ch) ? "<span class=\"badge\">not checked</span>" : badge(ok);
    o += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td></tr>\n", ok || unchecked(ch) ? "" : " class=\"failed\"",
                     status, escape(str(ch, "name")), escape(str(ch, "detail")));
  }
  return o + "</tbody></table></div>\n";
}

// ---- A run (stormdb.result/1), standalone or as one phase.

// The run's transaction types, the intervals to chart, their common x range and the warmup shade.
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

}  // namespace

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
      if (v.is_object() && !v.empty())
        flatten(key, v);
      else
        rows.push_back({key, &v});
    }
  };
  flatten("", cfg);
  std::string o =
      "<div class=\"scroll\"><table id=\"config-table\"><thead><tr><th>setting</th><th>value</th><th>from</th>"
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
  if (!str(r, "failure").empty())
    o += "<div class=\"banner error\">The run failed: " + escape(str(r, "failure")) + "</div>\n";
  if (at(r, "interrupted").is_boolean() && at(r, "interrupted").get<bool>())
    o += "<div class=\"banner warn\">The run was interrupted (Ctrl-C or SIGTERM): the measured time is shorter than "
         "configured.</div>\n";
  for (const auto &c : at(r, "cut_short").is_array() ? at(r, "cut_short") : nlohmann::json::array())
    if (c.is_string()) o += "<div class=\"banner warn\">Cut short: " + escape(c.get<std::string>()) + "</div>\n";

  o += "<section class=\"overview\">\n<dl class=\"meta\">";
  if (standalone || !name.empty()) {
    std::string script = str(at(r, "workload"), "script");
    o += meta_row("workload",
                  escape(name) + (script.empty() ? "" : " <span class=\"muted\">(" + escape(script) + ")</span>"));
  }
  if (at(r, "server").is_object()) o += meta_row("server", escape(server_text(at(r, "server"))));
  if (!fmt_date(num(r, "started_at_unix")).empty())
    o += meta_row("started", escape(fmt_date(num(r, "started_at_unix"))));
  o += meta_row("measured time", escape(fmt_seconds(num(r, "elapsed_s"))) +
                                     " <span class=\"muted\">(warmup excluded; the "
                                     "divisor of every rate)</span>");
  if (cfg.is_object()) {
    std::string load =
        fmt::format("{} clients on {} threads", fmt_scalar(at(cfg, "clients")), fmt_scalar(at(cfg, "threads")));
    double rate = num(cfg, "rate"), rpc = num(cfg, "rate_per_client");
    if (rate > 0)
      load += ", open loop at " + format_number(rate, 2) + " tps (" + escape(str(cfg, "arrival")) + ")";
    else if (rpc > 0)
      load += ", open loop at " + format_number(rpc, 2) + " tps per client";
    else
      load += ", closed loop";
    o += meta_row("load", escape(load));
    double d = num(cfg, "duration_s"), w = num(cfg, "warmup_s"), n = num(cfg, "transactions_per_client");
    std::string plan = n > 0 ? fmt_count(n) + " transactions per client" : format_number(d, 3) + " s";
    if (w > 0) plan += " after " + format_number(w, 3) + " s of warmup";
    o += meta_row("configured", escape(plan));
  }
  const json &conn = at(r, "connect");
  if (conn.is_object())
    o += meta_row("initial connection",
                  escape(fmt::format("mean {} ms, max {} ms ({} connections)", fmt_ms(num(conn, "mean_ms")),
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
  o += outages_table(r);
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
  if (distribution.empty())
    o += "<p class=\"note\">No latency histogram in this result: no distribution to chart.</p>\n";
  o += distribution;
  if (!rs.intervals.empty()) o += chart_errors(rs, sfx);
  o += "</section>\n";

  o += postgres_section(r, rs, sfx);

  std::string ct = config_table(cfg);
  if (!ct.empty()) {
    if (standalone)
      o += "<section class=\"config\">\n<h2>Configuration</h2>\n" + ct + "</section>\n";
    else
      o += "<section class=\"config\">\n<details><summary>Configuration of this phase</summary>\n" + ct +
           "</details>\n</section>\n";
  }
  return o;
}

}  // namespace stormdb::html
