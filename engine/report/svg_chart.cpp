// Drawing of the report's SVG charts: scales, nice ticks, legend layout, series paths and hover columns.
#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace stormdb::svg {
namespace {

constexpr double kLegendRow = 20;
constexpr double kCharWidth = 6.6;  // average glyph width of 12 px system-ui, for legend wrapping

struct Scale {
  bool log = false;
  double lo = 0, hi = 1;  // data range
  double p0 = 0, p1 = 1;  // pixel range (p1 < p0 on the y axis)
  std::vector<Tick> ticks;

  bool valid(double v) const { return std::isfinite(v) && (!log || v > 0); }
  double map(double v) const {
    double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return p0 + t * (p1 - p0);
  }
};

double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  double e = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / e;
  double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nf * e;
}

// Labels share one SI prefix per axis ("75k", "80k") so a column of ticks reads at a glance.
std::string linear_label(double v, double step, double top) {
  double div = 1;
  const char *suffix = "";
  double a = std::fabs(top);
  if (a >= 1e10)
    div = 1e9, suffix = "G";
  else if (a >= 1e7)
    div = 1e6, suffix = "M";
  else if (a >= 1e4)
    div = 1e3, suffix = "k";
  double s = step / div;
  int decimals = s >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(s) - 1e-9));
  if (std::fabs(s * std::pow(10.0, decimals) - std::round(s * std::pow(10.0, decimals))) > 1e-6) decimals++;  // 2.5
  decimals = std::clamp(decimals, 0, 6);
  return fmt::format("{:.{}f}{}", v / div, decimals, v == 0 ? "" : suffix);
}

std::string log_label(double v) {
  if (v >= 1e9) return fmt::format("{:g}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (v >= 1e4) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", v);
}

Scale make_scale(const Axis &a, const std::vector<double> &values, double p0, double p1) {
  Scale s;
  s.log = a.log;
  s.p0 = p0;
  s.p1 = p1;
  double dmin = std::numeric_limits<double>::infinity(), dmax = -dmin;
  for (double v : values)
    if (s.valid(v)) dmin = std::min(dmin, v), dmax = std::max(dmax, v);
  for (const auto &t : a.ticks)
    if (s.valid(t.value) && std::isnan(a.min) && std::isnan(a.max) && values.empty())
      dmin = std::min(dmin, t.value), dmax = std::max(dmax, t.value);
  if (s.log) {
    if (!std::isfinite(dmin)) dmin = 1, dmax = 10;
    double lo = std::isnan(a.min) ? dmin / 1.15 : a.min;
    double hi = std::isnan(a.max) ? dmax * 1.15 : a.max;
    if (!(lo > 0) || !std::isfinite(lo)) lo = 1e-300;
    if (!std::isfinite(hi) || !(hi > lo)) hi = std::max(lo * 10, 1e-299);
    if (hi / lo < 4) {  // a narrow range: widen around its middle so the axis gets a few ticks
      double mid = std::sqrt(hi * lo);
      if (std::isnan(a.min)) lo = mid / 2;
      if (std::isnan(a.max)) hi = mid * 2;
    }
    s.lo = lo, s.hi = hi;
    if (!a.ticks.empty()) {
      for (const auto &t : a.ticks)
        if (t.value >= lo * 0.999 && t.value <= hi * 1.001) s.ticks.push_back(t);
      return s;
    }
    double span = std::log10(hi / lo);
    std::vector<double> mults = span <= 1.3   ? std::vector<double>{1, 2, 3, 5}
                                : span <= 3.5 ? std::vector<double>{1, 2, 5}
                                              : std::vector<double>{1};
    int every = std::max(1, static_cast<int>(std::ceil(span / 8)));  // at most ~8 decades labelled
    for (int attempt = 0; attempt < 2; attempt++) {
      s.ticks.clear();
      for (int e = static_cast<int>(std::floor(std::log10(lo))); e <= static_cast<int>(std::ceil(std::log10(hi)));
           e++) {
        if (e % every) continue;
        for (double m : mults) {
          double v = m * std::pow(10.0, e);
          if (v >= lo * 0.999 && v <= hi * 1.001) s.ticks.push_back({v, log_label(v)});
        }
      }
      if (s.ticks.size() >= 2) break;
      mults = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    }
    return s;
  }
  if (!std::isfinite(dmin)) dmin = 0, dmax = 1;
  if (a.include_zero) dmin = std::min(dmin, 0.0), dmax = std::max(dmax, 0.0);
  if (!std::isnan(a.min)) dmin = a.min;
  if (!std::isnan(a.max)) dmax = a.max;
  if (dmax - dmin <= 0) {
    if (!std::isnan(a.max))
      dmin = dmax - 1;
    else if (dmax == 0)
      dmax = 1;
    else
      dmin -= std::fabs(dmin) * 0.1, dmax += std::fabs(dmax) * 0.1;
  }
  double step = nice_step((dmax - dmin) / 6);
  if (a.integer) step = std::max(step, 1.0);
  s.lo = std::isnan(a.min) ? std::floor(dmin / step + 1e-9) * step : a.min;
  s.hi = std::isnan(a.max) ? std::ceil(dmax / step - 1e-9) * step : a.max;
  if (s.hi <= s.lo) s.hi = s.lo + step;
  if (!a.ticks.empty()) {
    for (const auto &t : a.ticks)
      if (t.value >= s.lo - 1e-9 && t.value <= s.hi + 1e-9) s.ticks.push_back(t);
    return s;
  }
  if (!std::isfinite(s.lo) || !std::isfinite(s.hi)) s.lo = dmin, s.hi = dmax;  // near DBL_MAX: no rounding out
  if (!std::isfinite(s.hi - s.lo) || !(s.hi > s.lo)) s.lo = 0, s.hi = 1;
  // At most ~50 ticks whatever the input: a corrupt bound must not turn into an endless loop.
  int guard = 0;
  for (double k = std::ceil(s.lo / step - 1e-9); k * step <= s.hi + step * 1e-9 && guard < 50; k++, guard++) {
    double v = std::fabs(k) < 1e-9 ? 0 : k * step;
    s.ticks.push_back({v, linear_label(v, step, std::max(std::fabs(s.lo), std::fabs(s.hi)))});
  }
  return s;
}

// Coordinates at 0.1 px: finer is invisible and only bloats the page.
std::string px(double v) {
  double r = std::round(v * 10) / 10;
  if (r == 0) r = 0;  // no "-0"
  return fmt::format("{:g}", r);
}

std::string default_format(double v) { return format_number(v, 3); }

// Characters, not bytes: legend labels carry λ, σ, κ and −, two or three bytes each.
size_t utf8_length(const std::string &s) {
  return std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; });
}

}  // namespace

const std::string &palette(size_t i) {
  static const std::array<std::string, 10> colors = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                     "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return colors[i % colors.size()];
}

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string format_number(double v, int decimals) {
  if (std::isnan(v)) return "–";
  if (std::isinf(v)) return v > 0 ? "∞" : "−∞";
  std::string s = fmt::format("{:.{}f}", std::fabs(v), std::max(decimals, 0));
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  size_t dot = s.find('.');
  size_t int_end = dot == std::string::npos ? s.size() : dot;
  std::string out;
  for (size_t i = 0; i < int_end; i++) {
    if (i > 0 && (int_end - i) % 3 == 0) out += ',';
    out += s[i];
  }
  out += s.substr(int_end);
  bool negative = v < 0 && out.find_first_not_of("0.,") != std::string::npos;
  return negative ? "−" + out : out;
}

bool wants_log(const std::vector<double> &values, double ratio) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (double v : values)
    if (std::isfinite(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
  return hi > 0 && hi / lo > ratio;
}

std::string render_figure(const Chart &c) {
  const double W = c.width;
  const double left = 70, right = 40;  // room for a tick label centred on the right edge
  auto yfmt = c.y_format ? c.y_format : default_format;
  auto xfmt = c.x_format ? c.x_format : [](double v) { return "x = " + format_number(v, 3); };

  // Legend items flow left to right and wrap; the plot starts below them.
  struct LegendItem {
    std::string label;
    const Series *series = nullptr;  // nullptr: a shade
  };
  std::vector<LegendItem> items;
  for (const auto &s : c.series)
    if (s.legend && !s.name.empty()) items.push_back({s.name, &s});
  for (const auto &sh : c.shades)
    if (!sh.label.empty()) items.push_back({sh.label, nullptr});
  std::vector<std::pair<double, int>> item_pos;  // x, row
  {
    double x = left;
    int row = 0;
    for (const auto &it : items) {
      double w = 30 + utf8_length(it.label) * kCharWidth + 18;
      if (x + w > W - right && x > left) x = left, row++;
      item_pos.push_back({x, row});
      x += w;
    }
  }
  int legend_rows = items.empty() ? 0 : item_pos.back().second + 1;
  const double top = 14 + legend_rows * kLegendRow + (legend_rows ? 6 : 0);
  const double plot_h = c.height - 58;
  const double bottom = top + plot_h;
  const double H = bottom + 46;

  // Stacked areas: the scale must cover the stacked tops, not the raw values.
  std::vector<std::vector<double>> area_base, area_top;
  {
    std::vector<double> base;
    for (const auto &s : c.series) {
      if (s.kind != Kind::Area) {
        area_base.emplace_back(), area_top.emplace_back();
        continue;
      }
      if (base.size() < s.points.size()) base.resize(s.points.size(), 0);
      std::vector<double> b(base.begin(), base.begin() + s.points.size()), t(b);
      for (size_t i = 0; i < s.points.size(); i++)
        if (std::isfinite(s.points[i].y)) t[i] += s.points[i].y;
      for (size_t i = 0; i < t.size(); i++) base[i] = t[i];
      area_base.push_back(std::move(b)), area_top.push_back(std::move(t));
    }
  }
  std::vector<double> xs, ys;
  for (size_t k = 0; k < c.series.size(); k++) {
    const auto &s = c.series[k];
    for (size_t i = 0; i < s.points.size(); i++) {
      xs.push_back(s.points[i].x);
      if (s.kind == Kind::Area)
        ys.push_back(area_top[k][i]);
      else
        ys.push_back(s.points[i].y);
      if (s.kind == Kind::Bars && i < s.x0.size()) xs.push_back(s.x0[i]);
    }
  }
  for (const auto &sh : c.shades) xs.push_back(sh.x0), xs.push_back(sh.x1);
  for (const auto &m : c.markers) xs.push_back(m.x);
  Scale sx = make_scale(c.x, xs, left, W - right);
  Scale sy = make_scale(c.y, ys, bottom, top);
  double y_base = sy.log ? bottom : sy.map(std::clamp(0.0, sy.lo, sy.hi));

  std::string clip = "clip-" + c.id;  // not "chart-…-clip": [id^=chart-x] must find the figure only
  std::string o;
  o += fmt::format("<figure class=\"chart\" id=\"{}\">\n<figcaption><strong>{}</strong>{}{}</figcaption>\n",
                   escape(c.id), escape(c.title), c.caption_html.empty() ? "" : " — ", c.caption_html);
  o += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
                   px(W), px(H), escape(c.title));
  o += fmt::format("<defs><clipPath id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath></defs>\n",
                   escape(clip), px(left), px(top - 1), px(W - right - left), px(plot_h + 2));
  o += fmt::format("<rect class=\"plot\" fill=\"#fff\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", px(left),
                   px(top), px(W - right - left), px(plot_h));

  for (const auto &sh : c.shades) {
    double a = sx.map(std::clamp(sh.x0, sx.lo, sx.hi)), b = sx.map(std::clamp(sh.x1, sx.lo, sx.hi));
    if (b - a < 0.5) continue;
    o += fmt::format(
        "<rect class=\"shade\" fill=\"#8c959f\" fill-opacity=\"0.14\" x=\"{}\" y=\"{}\" width=\"{}\" "
        "height=\"{}\"><title>{}</title></rect>\n",
        px(a), px(top), px(b - a), px(plot_h), escape(sh.label));
    o += fmt::format("<text class=\"shade-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     px((a + b) / 2), px(top + 14), escape(sh.label));
  }

  // Grid and tick labels.
  // Presentation attributes as well as the page's CSS classes, so a chart copied out of the page
  // on its own still draws (an unstyled rect is black, an unstyled line invisible).
  o += "<g class=\"grid\" stroke=\"#e6eaef\">";
  for (const auto &t : sy.ticks)
    o += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", px(left), px(W - right), px(sy.map(t.value)),
                     px(sy.map(t.value)));
  for (const auto &t : sx.ticks)
    o += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", px(sx.map(t.value)), px(sx.map(t.value)),
                     px(top), px(bottom));
  o += "</g>\n<g class=\"axis\">";
  o += fmt::format("<line stroke=\"#8c959f\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", px(left), px(W - right),
                   px(bottom), px(bottom));
  o += fmt::format("<line stroke=\"#8c959f\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>", px(left), px(left), px(top),
                   px(bottom));
  for (const auto &t : sy.ticks)
    o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>", px(left - 6),
                     px(sy.map(t.value)), escape(t.label));
  for (const auto &t : sx.ticks)
    o += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", px(sx.map(t.value)), px(bottom + 16),
                     escape(t.label));
  o += fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                   px((left + W - right) / 2), px(bottom + 36), escape(c.x.title));
  o += fmt::format(
      "<text class=\"axis-title\" transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
      px((top + bottom) / 2), escape(c.y.title));
  o += "</g>\n";

  // Data.
  o += fmt::format("<g class=\"data\" clip-path=\"url(#{})\">\n", escape(clip));
  for (size_t k = 0; k < c.series.size(); k++) {
    const auto &s = c.series[k];
    std::string name = escape(s.name);
    switch (s.kind) {
      case Kind::Line: {
        std::string d, dots, last;
        size_t run = 0;  // points in the current unbroken run
        double rx = 0, ry = 0;
        auto end_run = [&] {
          if (run == 1 && !s.dots)
            dots += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>", px(rx), px(ry), px(s.width + 0.5));
          run = 0;
        };
        for (const auto &p : s.points) {
          if (!sx.valid(p.x) || !sy.valid(p.y)) {
            end_run();
            last.clear();
            continue;
          }
          double X = sx.map(p.x), Y = sy.map(p.y);
          std::string xy = px(X) + "," + px(Y);
          if (xy == last) continue;  // same pixel as before: dense histograms would bloat the path
          d += (run == 0 ? "M" : "L") + xy;
          if (s.dots) dots += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"{}\"/>", px(X), px(Y), px(s.width + 1.5));
          last = xy;
          run++, rx = X, ry = Y;
        }
        end_run();
        if (!d.empty())
          o += fmt::format(
              "<path class=\"series\" data-series=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\""
              " stroke-linejoin=\"round\"{}><title>{}</title></path>\n",
              name, d, s.color, px(s.width), s.dash.empty() ? "" : " stroke-dasharray=\"" + s.dash + "\"", name);
        if (!dots.empty())
          o += fmt::format("<g class=\"series\" data-series=\"{}\" fill=\"{}\">{}</g>\n", name, s.color, dots);
        break;
      }
      case Kind::Area: {
        const auto &b = area_base[k], &t = area_top[k];
        std::string fwd, back;
        for (size_t i = 0; i < s.points.size(); i++) {
          if (!sx.valid(s.points[i].x)) continue;
          double X = sx.map(s.points[i].x);
          double yt = sy.log ? (t[i] > 0 ? sy.map(t[i]) : bottom) : sy.map(t[i]);
          double yb = sy.log ? (b[i] > 0 ? sy.map(b[i]) : bottom) : sy.map(b[i]);
          fwd += (fwd.empty() ? "M" : "L") + px(X) + "," + px(yt);
          back = "L" + px(X) + "," + px(yb) + back;
        }
        if (!fwd.empty())
          o += fmt::format(
              "<path class=\"series\" data-series=\"{}\" d=\"{}{}Z\" fill=\"{}\" fill-opacity=\"0.8\" stroke=\"{}\""
              " stroke-width=\"1\"><title>{}</title></path>\n",
              name, fwd, back, s.color, s.color, name);
        break;
      }
      case Kind::Bars: {
        o += fmt::format("<g class=\"bars\" data-series=\"{}\" fill=\"{}\">", name, s.color);
        for (size_t i = 0; i < s.points.size(); i++) {
          const auto &p = s.points[i];
          if (!sx.valid(p.x) || !sy.valid(p.y)) continue;
          double x1 = sx.map(p.x);
          double x0 = i < s.x0.size() && sx.valid(s.x0[i]) ? sx.map(std::max(s.x0[i], sx.lo)) : x1 - 4;
          double w = std::max(1.0, x1 - x0 - 1);  // a 1 px gap keeps neighbouring bars apart
          double y = sy.map(p.y);
          o += fmt::format(
              "<rect class=\"series\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title></rect>",
              px(x1 - w), px(std::min(y, y_base)), px(w), px(std::fabs(y_base - y)), name, escape(yfmt(p.y)));
        }
        o += "</g>\n";
        break;
      }
      case Kind::Points: {
        o += fmt::format("<g data-series=\"{}\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"1.5\">", name, s.color);
        for (const auto &p : s.points) {
          if (!sx.valid(p.x) || !sy.valid(p.y)) continue;
          o += fmt::format("<circle class=\"series\" cx=\"{}\" cy=\"{}\" r=\"{}\"><title>{}\n{}: {}</title></circle>",
                           px(sx.map(p.x)), px(sy.map(p.y)), px(s.width * 2.5), escape(xfmt(p.x)), name,
                           escape(yfmt(p.y)));
        }
        o += "</g>\n";
        break;
      }
    }
  }
  o += "</g>\n";

  for (const auto &m : c.markers) {
    if (!sx.valid(m.x) || m.x < sx.lo || m.x > sx.hi) continue;
    double X = sx.map(m.x);
    o += fmt::format(
        "<g class=\"marker\"><line stroke=\"#6e7781\" stroke-dasharray=\"4 3\" x1=\"{}\" x2=\"{}\" y1=\"{}\" "
        "y2=\"{}\"/><text x=\"{}\" y=\"{}\"{}>{}</text></g>\n",
        px(X), px(X), px(top), px(bottom), px(X + (X > W - 200 ? -4 : 4)), px(top + 14),
        X > W - 200 ? " text-anchor=\"end\"" : "", escape(m.label));
  }

  if (!items.empty()) {
    o += "<g class=\"legend\">";
    for (size_t i = 0; i < items.size(); i++) {
      double x = item_pos[i].first, y = 12 + item_pos[i].second * kLegendRow;
      const Series *s = items[i].series;
      if (!s) {
        o += fmt::format(
            "<rect class=\"shade\" fill=\"#8c959f\" fill-opacity=\"0.14\" x=\"{}\" y=\"{}\" width=\"22\" "
            "height=\"12\"/>",
            px(x), px(y - 6));
      } else if (s->kind == Kind::Line) {
        o += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>", px(x),
                         px(x + 22), px(y), px(y), s->color, px(std::max(s->width, 2.0)),
                         s->dash.empty() ? "" : " stroke-dasharray=\"" + s->dash + "\"");
      } else if (s->kind == Kind::Points) {
        o += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"{}\"/>", px(x + 11), px(y), s->color);
      } else {
        o +=
            fmt::format("<rect x=\"{}\" y=\"{}\" width=\"22\" height=\"12\" fill=\"{}\"/>", px(x), px(y - 6), s->color);
      }
      o += fmt::format("<text x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{}</text>", px(x + 30), px(y),
                       escape(items[i].label));
    }
    o += "</g>\n";
  }

  // Hover columns: one transparent rect per distinct x, titled with every series' value there.
  if (c.hover_columns) {
    std::vector<double> ux;
    for (const auto &s : c.series)
      if (s.kind != Kind::Points)
        for (const auto &p : s.points)
          if (sx.valid(p.x)) ux.push_back(p.x);
    std::sort(ux.begin(), ux.end());
    ux.erase(std::unique(ux.begin(), ux.end(), [](double a, double b) { return std::fabs(a - b) < 1e-9; }), ux.end());
    if (!ux.empty() && ux.size() <= 2000) {
      o += "<g class=\"hover\" fill=\"#000\" fill-opacity=\"0\">";
      for (size_t i = 0; i < ux.size(); i++) {
        double X = sx.map(ux[i]);
        double a =
            i > 0 ? (sx.map(ux[i - 1]) + X) / 2 : std::max(left, X - (ux.size() > 1 ? (sx.map(ux[1]) - X) / 2 : 10));
        double b = i + 1 < ux.size() ? (sx.map(ux[i + 1]) + X) / 2
                                     : std::min(W - right, X + (i > 0 ? (X - sx.map(ux[i - 1])) / 2 : 10));
        std::string text = escape(xfmt(ux[i]));
        for (const auto &s : c.series) {
          if (s.kind == Kind::Points) continue;
          auto it = std::lower_bound(s.points.begin(), s.points.end(), ux[i] - 1e-9,
                                     [](const Point &p, double v) { return p.x < v; });
          if (it != s.points.end() && std::fabs(it->x - ux[i]) < 1e-9 && std::isfinite(it->y))
            text += "\n" + escape(s.name) + ": " + escape(yfmt(it->y));
        }
        o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>", px(a), px(top),
                         px(std::max(b - a, 0.5)), px(plot_h), text);
      }
      o += "</g>\n";
    }
  }
  o += "</svg>\n</figure>\n";
  return o;
}

}  // namespace stormdb::svg
