// Rendering of result JSONs (run, progressive, phases) into the self-contained HTML report page.
#include "report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "report/html_parts.h"

namespace stormdb {

using namespace html;

namespace {

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
  o += meta_row("workload",
                escape(name) + (script.empty() ? "" : " <span class=\"muted\">(" + escape(script) + ")</span>"));
  if (at(r, "server").is_object()) o += meta_row("server", escape(server_text(at(r, "server"))));
  o += meta_row("bands", escape(fmt::format("{} client counts", bands.size())));
  const json &bound = at(r, "latency_bound");
  if (bound.is_object())
    o += meta_row("latency bound",
                  escape(str(bound, "stat") + " < " + format_number(num(bound, "limit_ms"), 3) + " ms"));
  if (fit)
    o += meta_row("USL fit", escape(fmt::format(
                                 "λ = {} tps per client, σ (contention) = {:.5f}, κ (coherency) = {:.7f}, R² = {:.4f}",
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
  c.caption_html =
      "measured throughput of each band and the Universal Scalability Law fitted to it; λ is one "
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

  o += "<section>\n<h2>Bands</h2>\n<div class=\"scroll\"><table id=\"bands-table\"><thead><tr><th "
       "class=\"num\">clients</th>"
       "<th class=\"num\">measured s</th><th class=\"num\">count</th><th class=\"num\">tps</th><th class=\"num\">p50 "
       "ms</th>"
       "<th class=\"num\">p95 ms</th><th class=\"num\">p99 ms</th><th class=\"num\">p99.9 ms</th><th "
       "class=\"num\">failed</th>"
       "<th class=\"num\">retried</th><th class=\"num\">reconnects</th><th class=\"num\">USL "
       "tps</th></tr></thead><tbody>\n";
  for (const auto &b : bands) {
    const json &t = at(b, "total");
    const json &lat = at(t, "latency_ms");
    double n = num(b, "clients");
    o += fmt::format("<tr{}>", std::isfinite(best) && n == best ? " class=\"best\" title=\"best band\"" : "");
    o += td_num(fmt_count(n)) + td_num(fmt::format("{:.3f}", num(b, "elapsed_s"))) +
         td_num(fmt_count(num(t, "count"))) + td_num(fmt_tps(num(t, "tps")));
    for (const char *s : {"p50", "p95", "p99", "p99.9"}) o += td_num(fmt_ms(num(lat, s)));
    o += td_num(fmt_count(num(t, "failed"))) + td_num(fmt_count(num(t, "retried"))) +
         td_num(fmt_count(num(b, "reconnects")));
    o += td_num(fit && std::isfinite(n) ? fmt_tps(usl_x(lambda, sigma, kappa, n)) : "–") + "</tr>\n";
  }
  o += "</tbody></table></div>\n";
  if (std::isfinite(best))
    o += "<p class=\"muted\">Highlighted: the best band" +
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
  o += "<section class=\"overview\">\n<h2>Phases</h2>\n<div class=\"scroll\"><table "
       "id=\"phases-table\"><thead><tr><th>phase</th>"
       "<th class=\"num\">clients</th><th class=\"num\">measured s</th><th class=\"num\">count</th><th "
       "class=\"num\">tps</th>"
       "<th class=\"num\">p50 ms</th><th class=\"num\">p99 ms</th><th class=\"num\">failed</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < phases.size(); i++) {
    const json &p = phases[i];
    const json &t = at(p, "total");
    std::string pname = str(p, "phase");
    o += fmt::format("<tr><td><a href=\"#phase-{}\">{}</a></td>", i + 1,
                     escape(pname.empty() ? fmt::format("{}", i + 1) : pname));
    o += td_num(fmt_scalar(at(at(p, "config"), "clients"))) + td_num(fmt::format("{:.3f}", num(p, "elapsed_s"))) +
         td_num(fmt_count(num(t, "count"))) + td_num(fmt_tps(num(t, "tps"))) +
         td_num(fmt_ms(num(at(t, "latency_ms"), "p50"))) + td_num(fmt_ms(num(at(t, "latency_ms"), "p99"))) +
         td_num(fmt_count(num(t, "failed"))) + "</tr>\n";
  }
  o += "</tbody></table></div>\n</section>\n";
  for (size_t i = 0; i < phases.size(); i++) {
    const json &p = phases[i];
    std::string pname = str(p, "phase");
    o += fmt::format("<section class=\"phase\" id=\"phase-{}\">\n<h2>Phase {}{}</h2>\n", i + 1, i + 1,
                     pname.empty() ? "" : ": " + escape(pname));
    if (!p.is_object())
      o += "<p class=\"note\">This phase has no result.</p>\n";
    else
      o += run_body(p, fmt::format("-phase{}", i + 1), false);
    o += "</section>\n";
  }
  double started = phases.empty() ? kNaN : num(phases[0], "started_at_unix");
  std::string date = fmt_date(started);
  return page(
      fmt::format("stormdb phased run: {}{}", name.empty() ? "workload" : name, date.empty() ? "" : " — " + date), o,
      str(r, "stormdb_version"));
}

}  // namespace

std::string render_html_report(const json &result) {
  if (!result.is_object())
    throw std::runtime_error("cannot render a report: the JSON is not an object (expected a stormdb result)");
  const json &schema = at(result, "schema");
  if (!schema.is_string())
    throw std::runtime_error("cannot render a report: no \"schema\" field, so this is not a stormdb result JSON");
  std::string s = schema.get<std::string>();
  if (s == "stormdb.result/1")
    return page(page_title(result, "report"), run_body(result, "", true), str(result, "stormdb_version"));
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
