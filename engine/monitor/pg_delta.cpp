// Pure arithmetic of the pg_stat sampler: counter deltas that survive stats resets, gauges, derived ratios, top
// statements.
#include "monitor/pg_delta.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>

namespace stormdb::pgmon {

using nlohmann::json;

namespace {

json number_delta(const json &from, const json &to, bool reset) {
  if (from.is_number_integer() && to.is_number_integer()) {
    int64_t a = from.get<int64_t>(), b = to.get<int64_t>();
    return (reset || b < a) ? b : b - a;
  }
  double a = from.get<double>(), b = to.get<double>();
  return (reset || b < a) ? b : b - a;
}

double num(const json &obj, const char *key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : 0.0;
}

bool all_zero(const json &j) {
  if (j.is_number()) return j.get<double>() == 0;
  if (j.is_object()) {
    for (const auto &[k, v] : j.items())
      if (!all_zero(v)) return false;
    return true;
  }
  return false;
}

// Fields computed from the deltas, so that consumers need not know each version's columns.
void add_derived(std::string_view name, json &rec) {
  if (name == "database") {
    auto r = hit_ratio(num(rec, "blks_hit"), num(rec, "blks_read"));
    rec["hit_ratio"] = r ? json(*r) : json(nullptr);
  } else if (name == "checkpointer") {
    json t = rec.value("num_timed", json(0)), q = rec.value("num_requested", json(0));
    if (t.is_number_integer() && q.is_number_integer()) rec["checkpoints"] = t.get<int64_t>() + q.get<int64_t>();
  } else if (name == "io") {
    // Most backend types do no I/O in a given second; an absent key reads as all zeros.
    for (auto it = rec.begin(); it != rec.end();) it = all_zero(*it) ? rec.erase(it) : std::next(it);
  }
}

}  // namespace

json counter_delta(const json &from, const json &to, bool reset) {
  if (to.is_object()) {
    json out = json::object();
    static const json kEmpty = json::object();
    for (const auto &[k, v] : to.items()) {
      auto it = from.is_object() ? from.find(k) : from.end();
      out[k] = counter_delta(from.is_object() && it != from.end() ? *it : kEmpty, v, reset);
    }
    return out;
  }
  if (!to.is_number()) return to;
  if (!from.is_number()) return to;  // new counter: it counted from zero
  return number_delta(from, to, reset);
}

std::optional<double> hit_ratio(double blks_hit, double blks_read) {
  if (blks_hit + blks_read <= 0) return std::nullopt;
  return blks_hit / (blks_hit + blks_read);
}

json section_delta(std::string_view name, const json *from, const json &to) {
  json rec = json::object();
  if (auto c = to.find("counters"); c != to.end()) {
    if (!from || !from->contains("counters")) return nullptr;
    json fr = from->value("reset", json(nullptr)), tr = to.value("reset", json(nullptr));
    rec = counter_delta((*from)["counters"], *c, fr != tr);
  }
  if (auto g = to.find("gauges"); g != to.end())
    for (const auto &[k, v] : g->items()) rec[k] = v;
  add_derived(name, rec);
  return rec;
}

json snapshot_delta(const Snapshot &from, const Snapshot &to) {
  json rec = json::object();
  rec["t_us"] = to.t_us;
  rec["span_s"] = (to.t_us - from.t_us) / 1e6;
  if (!to.sections.is_object()) return rec;
  for (const auto &[name, snap] : to.sections.items()) {
    const json *f = nullptr;
    if (from.sections.is_object())
      if (auto it = from.sections.find(name); it != from.sections.end()) f = &*it;
    json d = section_delta(name, f, snap);
    if (!d.is_null()) rec[name] = std::move(d);
  }
  return rec;
}

json top_statements(const StatementSnapshot &from, const StatementSnapshot &to,
                    const std::unordered_map<int64_t, std::string> &texts, const std::unordered_set<int64_t> &exclude,
                    int n) {
  std::vector<StatementSample> d;
  int64_t calls = 0;
  double total = 0;
  size_t i = 0;
  for (const auto &b : to.rows) {  // both sorted by queryid: a merge walk
    while (i < from.rows.size() && from.rows[i].queryid < b.queryid) ++i;
    if (exclude.count(b.queryid)) continue;
    StatementSample s = b;
    if (i < from.rows.size() && from.rows[i].queryid == b.queryid && from.rows[i].calls <= b.calls) {
      const auto &a = from.rows[i];
      s.calls = b.calls - a.calls;
      s.total_ms = std::max(0.0, b.total_ms - a.total_ms);
      s.rows = std::max<int64_t>(0, b.rows - a.rows);
    }
    if (s.calls <= 0) continue;
    calls += s.calls;
    total += s.total_ms;
    d.push_back(s);
  }
  size_t keep = std::min(d.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(d.begin(), d.begin() + keep, d.end(),
                    [](const auto &x, const auto &y) { return x.total_ms > y.total_ms; });
  json top = json::array();
  for (size_t k = 0; k < keep; ++k) {
    const auto &s = d[k];
    auto t = texts.find(s.queryid);
    top.push_back({{"queryid", std::to_string(s.queryid)},
                   {"query", t != texts.end() ? json(t->second) : json(nullptr)},
                   {"calls", s.calls},
                   {"total_exec_time_ms", s.total_ms},
                   {"mean_exec_time_ms", s.total_ms / s.calls},
                   {"rows", s.rows}});
  }
  return {{"calls", calls}, {"total_exec_time_ms", total}, {"top", std::move(top)}};
}

std::pair<size_t, size_t> window_bounds(const std::vector<double> &times, double from_us, double to_us) {
  // upper_bound - 1: the last time <= from_us; lower_bound: the first time >= to_us.
  auto ub = std::upper_bound(times.begin(), times.end(), from_us);
  size_t a = ub == times.begin() ? 0 : static_cast<size_t>(ub - times.begin()) - 1;
  auto lb = std::lower_bound(times.begin(), times.end(), to_us);
  size_t b = lb == times.end() ? times.size() - 1 : static_cast<size_t>(lb - times.begin());
  return {a, std::max(a, b)};
}

bool thin_statements(std::vector<StatementSnapshot> &samples, size_t max_rows) {
  auto total = [&] {
    size_t t = 0;
    for (const auto &s : samples) t += s.rows.size();
    return t;
  };
  bool dropped = false;
  while (samples.size() > 2 && total() > max_rows) {
    std::vector<StatementSnapshot> kept;
    for (size_t i = 0; i < samples.size(); ++i)
      if (i % 2 == 0 || i + 1 == samples.size()) kept.push_back(std::move(samples[i]));
    samples = std::move(kept);
    dropped = true;
  }
  return dropped;
}

json parse_number(const std::optional<std::string> &text) {
  if (!text) return nullptr;
  const std::string &s = *text;
  int64_t i = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return i;
  char *end = nullptr;
  errno = 0;
  double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return d;
  return s;
}

}  // namespace stormdb::pgmon
