// Client-count strategies for --scale-clients and the --scale-latency-bound expression.
#include "config/scale_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "base/latency_stats.h"
#include "util/duration.h"

namespace stormdb {
namespace {

int to_count(const std::string &s, const std::string &spec) {
  size_t pos = 0;
  int v = 0;
  try {
    v = std::stoi(s, &pos);
  } catch (const std::exception &) {
    pos = 0;
  }
  if (pos != s.size() || v < 1 || s.empty())
    throw std::invalid_argument(
        fmt::format("invalid client count '{}' in '{}': expected a whole number >= 1", s, spec));
  return v;
}

std::vector<std::string> split(const std::string &s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

}  // namespace

std::vector<int> parse_scale_clients(const std::string &spec) {
  std::vector<int> out;
  auto parts = split(spec, ':');
  const std::string &kind = parts[0];
  auto need = [&](size_t n, const char *form) {
    if (parts.size() != n) throw std::invalid_argument(fmt::format("invalid '{}': expected {}", spec, form));
  };
  if (parts.size() == 1) {
    for (const auto &c : split(spec, ',')) out.push_back(to_count(c, spec));
  } else if (kind == "linear") {
    need(4, "linear:START:END:STEP");
    int a = to_count(parts[1], spec), b = to_count(parts[2], spec), step = to_count(parts[3], spec);
    for (int n = a; n <= b; n += step) out.push_back(n);
    if (out.empty() || out.back() != b) out.push_back(b);
  } else if (kind == "exponential") {
    need(3, "exponential:START:END");
    int a = to_count(parts[1], spec), b = to_count(parts[2], spec);
    for (long n = a; n <= b; n *= 2) out.push_back(static_cast<int>(n));
    if (out.empty() || out.back() != b) out.push_back(b);
  } else if (kind == "fibonacci") {
    need(3, "fibonacci:START:END");
    int a = to_count(parts[1], spec), b = to_count(parts[2], spec);
    for (long x = 1, y = 2; x <= b; std::swap(x, y), y += x)
      if (x >= a) out.push_back(static_cast<int>(x));
    if (out.empty() || out.back() != b) out.push_back(b);
  } else {
    throw std::invalid_argument(fmt::format(
        "invalid '{}': expected a list like 1,2,4 or linear:1:64:8, exponential:1:256, fibonacci:1:89", spec));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

LatencyBound parse_latency_bound(const std::string &text) {
  size_t lt = text.find('<');
  if (lt == std::string::npos || !is_latency_stat(text.substr(0, lt)))
    throw std::invalid_argument(
        fmt::format("invalid latency bound '{}': expected e.g. p95<50ms (mean, p50, p90, p95, "
                    "p99, p99.9 or max, then < and a duration)",
                    text));
  LatencyBound b;
  b.stat = text.substr(0, lt);
  b.limit_ms = parse_duration_us(text.substr(lt + 1)) / 1e3;
  return b;
}

}  // namespace stormdb
