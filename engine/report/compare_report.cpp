// Rendering of `stormdb compare`: two runs side by side with the change and the noise of each figure.
#include "report/compare_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "report/noise.h"

namespace stormdb {
namespace {

std::string change(double a, double b) {
  if (a == 0) return b == 0 ? "0.0%" : "n/a";
  return fmt::format("{:+.1f}%", 100 * (b - a) / a);
}

// "±x.x%" and the flag for a change of a..b with the given noise (-1: unknown).
std::string noise_cells(double a, double b, double noise) {
  if (noise < 0) return fmt::format("{:>8}", "n/a");
  bool inside = a != 0 && std::fabs(100 * (b - a) / a) <= noise;
  return fmt::format("{:>8}{}", fmt::format("±{:.1f}%", noise), inside ? "  within noise" : "");
}

struct Side {
  const nlohmann::json &run;
  const nlohmann::json *row;  // the type's row (or total), nullptr when the run has no such type
};

void compare_row(std::FILE *out, const std::string &name, const std::string &type, const Side &a, const Side &b,
                 size_t w) {
  auto num = [](const Side &s, const char *k) { return s.row ? s.row->value(k, 0.0) : 0.0; };
  auto lat = [](const Side &s, const char *k) {
    return s.row && s.row->contains("latency_ms") ? (*s.row)["latency_ms"].value(k, 0.0) : 0.0;
  };
  auto noise = [&](const char *stat) {
    return combined_noise_pct(interval_spread(a.run, type, stat), interval_spread(b.run, type, stat));
  };
  double ta = num(a, "tps"), tb = num(b, "tps");
  std::fprintf(out, "%s\n",
               fmt::format("{:<{}} {:>12.1f} {:>12.1f} {:>8} {}", name, w, ta, tb, change(ta, tb),
                           noise_cells(ta, tb, noise("tps")))
                   .c_str());
  for (const char *p : {"p50", "p95", "p99", "max"}) {
    double la = lat(a, p), lb = lat(b, p);
    std::fprintf(out, "%s\n",
                 fmt::format("  {:<{}} {:>10.3f}ms {:>10.3f}ms {:>8} {}", p, w - 2, la, lb, change(la, lb),
                             noise_cells(la, lb, noise(p)))
                     .c_str());
  }
  double fa = num(a, "failed"), fb = num(b, "failed");
  std::fprintf(out, "%s\n",
               fmt::format("  {:<{}} {:>12.0f} {:>12.0f} {:>8}", "failed", w - 2, fa, fb, change(fa, fb)).c_str());
}

std::string header(const nlohmann::json &j, const std::string &path) {
  Spread s = interval_spread(j, "", "tps");
  std::string spread = s.intervals >= 3
                           ? fmt::format("interval tps spread ±{:.1f}% over {} intervals", s.cv_pct, s.intervals)
                           : fmt::format("{} full intervals: too few for a spread", s.intervals);
  const auto &cfg = j.contains("config") ? j["config"] : nlohmann::json::object();
  return fmt::format("{} ({}, {} clients, {:.1f} s; {})", path,
                     j.contains("workload") ? j["workload"].value("name", "?") : "?",
                     cfg.value("clients", nlohmann::json(0)).dump(), j.value("elapsed_s", 0.0), spread);
}

}  // namespace

void print_comparison(std::FILE *out, const nlohmann::json &a, const nlohmann::json &b, const std::string &path_a,
                      const std::string &path_b) {
  std::fprintf(out, "A: %s\nB: %s\n\n", header(a, path_a).c_str(), header(b, path_b).c_str());
  std::vector<std::string> names;
  for (const auto *j : {&a, &b})
    if (j->contains("transactions"))
      for (auto it = (*j)["transactions"].begin(); it != (*j)["transactions"].end(); ++it)
        if (std::find(names.begin(), names.end(), it.key()) == names.end()) names.push_back(it.key());
  size_t w = 16;
  for (const auto &n : names) w = std::max(w, n.size());
  std::fprintf(
      out, "%s\n",
      fmt::format("{:<{}} {:>12} {:>12} {:>8} {:>8}", "transaction", w, "A tps", "B tps", "change", "noise").c_str());
  auto row = [](const nlohmann::json &j, const std::string &n) -> const nlohmann::json * {
    return j.contains("transactions") && j["transactions"].contains(n) ? &j["transactions"][n] : nullptr;
  };
  for (const auto &n : names) compare_row(out, n, n, Side{a, row(a, n)}, Side{b, row(b, n)}, w);
  const nlohmann::json *ta = a.contains("total") ? &a["total"] : nullptr,
                       *tb = b.contains("total") ? &b["total"] : nullptr;
  compare_row(out, "total", "", Side{a, ta}, Side{b, tb}, w);
  std::fprintf(out,
               "\nnoise: the two runs' interval-to-interval spreads combined (root of the sum of squares); a change "
               "inside it is not a measured difference\n");
}

}  // namespace stormdb
