// Merging and validation of settings from YAML, STORMDB_* variables and the command line.
#include "config/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <regex>
#include <thread>

#include "config/conn_flags.h"
#include "config/foreign_flags.h"
#include "config/scale_spec.h"
#include "config/thresholds.h"
#include "util/duration.h"
#include "util/secrets.h"

namespace stormdb {
namespace {

const std::vector<std::string> kSettingKeys = {"clients",
                                               "threads",
                                               "duration",
                                               "transactions",
                                               "warmup",
                                               "report_interval",
                                               "seed",
                                               "max_tries",
                                               "loaders",
                                               "json",
                                               "url",
                                               "keep_server",
                                               "prepare",
                                               "check",
                                               "quiet",
                                               "workload",
                                               "rate",
                                               "rate_per_client",
                                               "arrival",
                                               "latency_limit",
                                               "scale_clients",
                                               "scale_latency_bound",
                                               "cooldown",
                                               "csv",
                                               "html",
                                               "metrics_listen",
                                               "pg_stats",
                                               "pg_stats_interval",
                                               "thresholds",
                                               "force",
                                               "skip_load_check",
                                               "realtime",
                                               "lua_memory_limit",
                                               "connections",
                                               "query_mode"};

size_t edit_distance(const std::string &a, const std::string &b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); j++) prev[j] = j;
  for (size_t i = 1; i <= a.size(); i++) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); j++)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}


int64_t to_int(const RawValue &v, const std::string &key, int64_t min) {
  try {
    size_t pos = 0;
    long long n = std::stoll(v.value, &pos);
    if (pos != v.value.size()) throw std::invalid_argument("trailing");
    if (n < min) throw UsageError(fmt::format("{}: {} must be at least {}, not {}", v.source, key, min, n));
    return n;
  } catch (const UsageError &) {
    throw;
  } catch (const std::exception &) {
    throw UsageError(fmt::format("{}: {} must be a whole number, not '{}'", v.source, key, v.value));
  }
}

bool to_bool(const RawValue &v, const std::string &key) {
  std::string s = v.value;
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "true" || s == "yes" || s == "on" || s == "1" || s.empty()) return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  throw UsageError(fmt::format("{}: {} must be true or false, not '{}'", v.source, key, v.value));
}

double to_rate(const RawValue &v, const std::string &key) {
  char *end = nullptr;
  double x = std::strtod(v.value.c_str(), &end);
  if (v.value.empty() || *end != '\0' || !std::isfinite(x) || x <= 0)
    throw UsageError(
        fmt::format("{}: {} must be a number of transactions per second above 0, not '{}'", v.source, key, v.value));
  return x;
}

int64_t to_duration(const RawValue &v, const std::string &key) {
  try {
    return parse_duration_us(v.value);
  } catch (const std::invalid_argument &e) {
    throw UsageError(fmt::format("{}: {}", v.source, e.what()));
  }
}

std::string lua_quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void validate_option(const OptionDecl &d, const RawValue &v) {
  if (d.type == "number") {
    char *end = nullptr;
    double x = std::strtod(v.value.c_str(), &end);
    if (v.value.empty() || *end != '\0' || !std::isfinite(x))
      throw UsageError(fmt::format("{}: option {} must be a number, not '{}'", v.source, d.name, v.value));
    if (d.integer && x != std::floor(x))
      throw UsageError(fmt::format("{}: option {} must be a whole number, not '{}'", v.source, d.name, v.value));
    if ((!d.min.empty() && x < std::strtod(d.min.c_str(), nullptr)) ||
        (!d.max.empty() && x > std::strtod(d.max.c_str(), nullptr)))
      throw UsageError(fmt::format("{}: option {} must be {}, not '{}'", v.source, d.name,
                                   d.max.empty()   ? ">= " + d.min
                                   : d.min.empty() ? "<= " + d.max
                                                   : "in " + d.min + ".." + d.max,
                                   v.value));
  } else if (d.type == "boolean") {
    to_bool(v, "option " + d.name);
  }
  if (!d.choices.empty() && std::find(d.choices.begin(), d.choices.end(), v.value) == d.choices.end()) {
    std::string all;
    for (const auto &c : d.choices) all += (all.empty() ? "" : ", ") + c;
    throw UsageError(fmt::format("{}: option {} must be one of {}, not '{}'{}", v.source, d.name, all, v.value,
                                 suggestion(v.value, d.choices)));
  }
}

PhaseConfig validate_phase(const RawPhase &rp, const std::vector<std::string> &txns, size_t index) {
  static const std::vector<std::string> kKeys = {"name", "duration", "warmup", "clients", "rate", "closed"};
  PhaseConfig ph;
  ph.name = fmt::format("phase{}", index + 1);
  for (const auto &[k, v] : rp.settings) {
    if (k == "name") {
      ph.name = v.value;
    } else if (k == "duration") {
      ph.duration_us = to_duration(v, "duration");
    } else if (k == "warmup") {
      ph.warmup_us = to_duration(v, "warmup");
    } else if (k == "clients") {
      ph.clients = static_cast<int>(to_int(v, "clients", 1));
    } else if (k == "rate") {
      ph.rate = to_rate(v, "rate");
    } else if (k == "closed") {
      ph.closed = to_bool(v, "closed");
    } else {
      throw UsageError(fmt::format("{}: unknown phase key '{}'{}", v.source, k, suggestion(k, kKeys)));
    }
  }
  if (ph.duration_us <= 0) throw UsageError(fmt::format("{}: phase {} needs a duration", rp.where, ph.name));
  for (const auto &[k, v] : rp.mix) {
    if (std::find(txns.begin(), txns.end(), k) == txns.end())
      throw UsageError(fmt::format("{}: phase {} mix names '{}', which is not a transaction of the workload{}",
                                   v.source, ph.name, k, suggestion(k, txns)));
    char *end = nullptr;
    double wgt = std::strtod(v.value.c_str(), &end);
    if (v.value.empty() || *end != '\0' || wgt < 0)
      throw UsageError(fmt::format("{}: mix weight of {} must be a number >= 0, not '{}'", v.source, k, v.value));
    ph.mix[k] = wgt;
  }
  return ph;
}

std::string conninfo_from_database(const std::map<std::string, RawValue> &db) {
  std::string out;
  for (const auto &[k, v] : db) {
    std::string val;
    for (char c : v.value) {
      if (c == '\'' || c == '\\') val += '\\';
      val += c;
    }
    out += fmt::format("{}{}='{}'", out.empty() ? "" : " ", k, val);
  }
  return out;
}

}  // namespace

const std::vector<std::string> &setting_keys() { return kSettingKeys; }

std::string suggestion(const std::string &word, const std::vector<std::string> &candidates) {
  std::string c = closest(word, candidates);
  return c.empty() ? "" : fmt::format(" (did you mean '{}'?)", c);
}

std::string closest(const std::string &word, const std::vector<std::string> &candidates) {
  std::string best;
  size_t best_d = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto &c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string redact_conninfo(const std::string &s) {
  static const std::regex kv(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))");
  static const std::regex uri_userinfo(R"(^(postgres(ql)?://[^:/@]*:)[^@]*@)");
  static const std::regex uri_query(R"(([?&]password=)[^&]*)");
  if (s.rfind("postgres://", 0) == 0 || s.rfind("postgresql://", 0) == 0)
    return std::regex_replace(std::regex_replace(s, uri_userinfo, "$1***@"), uri_query, "$1***");
  return std::regex_replace(s, kv, "$1***");
}

std::string Config::redacted_conninfo() const { return redact_conninfo(conninfo); }

std::string Config::options_lua(const WorkloadInfo &w) const {
  std::string out = "return {";
  for (const auto &d : w.options) {
    auto it = options.find(d.name);
    if (it == options.end()) continue;
    std::string v = it->second;
    if (d.type == "number") {
      out += fmt::format("[{}]={},", lua_quote(d.name), v);
    } else if (d.type == "boolean") {
      out += fmt::format("[{}]={},", lua_quote(d.name), to_bool(RawValue{v, d.name}, d.name) ? "true" : "false");
    } else {
      out += fmt::format("[{}]={},", lua_quote(d.name), lua_quote(v));
    }
  }
  return out + "}";
}

namespace {
// Before anything can echo them: libpq's parse errors quote malformed conninfo.
void remember_secrets(const std::vector<Layer> &layers) {
  for (const auto &l : layers) {
    if (auto it = l.settings.find("url"); it != l.settings.end()) remember_conninfo_secrets(it->second.value);
    for (const auto &[k, v] : l.database)
      if (k.find("pass") != std::string::npos) remember_secret(v.value);
    if (auto it = l.conn_flags.find("dbname"); it != l.conn_flags.end()) remember_conninfo_secrets(it->second.value);
  }
  if (const char *pw = std::getenv("PGPASSWORD")) remember_secret(pw);
}

// 0 would otherwise fall back to the 10 s default, silently; with -t it means no time limit.
int64_t run_duration(const RawValue &v, uint64_t transactions) {
  int64_t us = to_duration(v, "duration");
  if (us == 0 && transactions == 0)
    throw UsageError(
        fmt::format("{}: duration must be above 0; for a run bounded only by a transaction count, "
                    "give -t N (with -T 0 or no -T)",
                    v.source));
  return us;
}
}  // namespace

Config merge_config(const std::string &command, const std::string &script, const WorkloadInfo &w,
                    const std::vector<Layer> &layers) {
  remember_secrets(layers);
  Layer m;
  for (const auto &l : layers) {
    if (!l.phases.empty()) m.phases = l.phases;
    for (const auto &[k, v] : l.settings) m.settings[k] = v;
    for (const auto &[k, v] : l.options) m.options[k] = v;
    for (const auto &[k, v] : l.database) m.database[k] = v;
    for (const auto &[k, v] : l.server_settings) m.server_settings[k] = v;
    for (const auto &[k, v] : l.conn_flags) m.conn_flags[k] = v;
  }
  Config c;
  c.command = command;
  c.script = script;
  auto get = [&](const std::string &k) -> const RawValue * {
    auto it = m.settings.find(k);
    if (it == m.settings.end()) return nullptr;
    c.sources[k] = it->second.source;
    return &it->second;
  };
  int cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  c.threads = cpus;
  if (auto v = get("threads")) c.threads = static_cast<int>(to_int(*v, "threads", 1));
  c.clients = c.threads;
  if (auto v = get("clients")) c.clients = static_cast<int>(to_int(*v, "clients", 1));
  if (c.threads > c.clients) c.threads = c.clients;  // as pgbench: no idle threads
  if (w.one_client_per_thread && c.clients != c.threads) {
    if (c.sources.count("threads"))
      throw UsageError(
          fmt::format("{} and {}: workload {} runs one client per thread (sysbench's model: each thread has "
                      "its own Lua globals): give --threads=N alone",
                      c.sources["clients"], c.sources["threads"], w.name));
    c.threads = c.clients;  // -c alone: one thread per client
  }
  if (auto v = get("connections")) {
    int64_t n = to_int(*v, "connections", std::numeric_limits<int64_t>::min());
    if (n < 1)
      throw UsageError(
          fmt::format("{}: connections must be at least 1, not {} (leave it out for one connection per "
                      "client)",
                      v->source, n));
    c.connections = static_cast<int>(std::min<int64_t>(n, c.clients));  // more than clients: capped
    if (c.threads > c.connections) c.threads = c.connections;           // every thread needs a connection of its own
  }
  if (auto v = get("query_mode")) {
    if (v->value != "simple" && v->value != "extended" && v->value != "prepared")
      throw UsageError(fmt::format("{}: query mode must be one of simple, extended, prepared, not '{}'{}", v->source,
                                   v->value, suggestion(v->value, {"simple", "extended", "prepared"})));
    c.query_mode = v->value;
  }
  if (c.query_mode.empty()) c.query_mode = w.query_mode.empty() ? "prepared" : w.query_mode;
  if (c.connections > 0 && w.one_client_per_thread)
    throw UsageError(
        fmt::format("{}: workload {} runs one client per thread (sysbench's model), each with its own "
                    "connection: it cannot share connections",
                    c.sources["connections"], w.name));
  if (auto v = get("transactions")) c.transactions = static_cast<uint64_t>(to_int(*v, "transactions", 0));
  if (auto v = get("duration")) c.duration_us = run_duration(*v, c.transactions);
  if (c.duration_us == 0 && c.transactions == 0) c.duration_us = 10'000'000;  // 10 s, like sysbench
  if (auto v = get("warmup")) c.warmup_us = to_duration(*v, "warmup");
  if (auto v = get("report_interval")) c.report_interval_s = to_duration(*v, "report_interval") / 1e6;
  if (auto v = get("seed")) c.seed = static_cast<uint64_t>(to_int(*v, "seed", 0));
  if (auto v = get("max_tries")) c.max_tries = static_cast<int>(to_int(*v, "max_tries", 1));
  if (auto v = get("lua_memory_limit")) c.lua_memory_limit_mb = to_int(*v, "lua_memory_limit", 16);
  c.loaders = c.threads;
  if (auto v = get("loaders")) c.loaders = static_cast<int>(to_int(*v, "loaders", 1));
  if (auto v = get("json")) c.json_path = v->value;
  if (auto v = get("keep_server")) c.keep_server = to_bool(*v, "keep_server");
  if (auto v = get("pg_bin")) c.pg_bin = v->value;
  c.server_settings = m.server_settings;  // judged when the throwaway server starts (pg/server_settings.h)
  if (auto v = get("prepare")) c.prepare_first = to_bool(*v, "prepare");
  if (auto v = get("check")) c.check_after = to_bool(*v, "check");
  if (auto v = get("force")) c.force = to_bool(*v, "force");
  if (auto v = get("skip_load_check")) c.skip_load_check = to_bool(*v, "skip_load_check");
  if (auto v = get("realtime")) c.realtime = to_bool(*v, "realtime");
  if (auto v = get("quiet")) c.quiet = to_bool(*v, "quiet");
  if (auto v = get("rate")) c.rate = to_rate(*v, "rate");
  if (auto v = get("rate_per_client")) c.rate_per_client = to_rate(*v, "rate_per_client");
  if (c.rate > 0 && c.rate_per_client > 0)
    throw UsageError(
        fmt::format("{} and {}: give the rate in one way only", c.sources["rate"], c.sources["rate_per_client"]));
  if (auto v = get("arrival")) {
    if (v->value != "poisson" && v->value != "uniform")
      throw UsageError(fmt::format("{}: arrival must be poisson or uniform, not '{}'{}", v->source, v->value,
                                   suggestion(v->value, {"poisson", "uniform"})));
    c.arrival = v->value;
  }
  if (auto v = get("latency_limit")) c.latency_limit_us = to_duration(*v, "latency_limit");
  if (auto v = get("scale_clients")) {
    try {
      c.scale_clients = parse_scale_clients(v->value);
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("{}: {}", v->source, e.what()));
    }
  }
  if (auto v = get("scale_latency_bound")) {
    try {
      c.scale_bound = parse_latency_bound(v->value);
    } catch (const std::invalid_argument &e) {
      throw UsageError(fmt::format("{}: {}", v->source, e.what()));
    }
  }
  if (auto v = get("cooldown")) c.cooldown_us = to_duration(*v, "cooldown");
  if (auto v = get("csv")) c.csv_path = v->value;
  if (auto v = get("html")) c.html_path = v->value;
  if (auto v = get("metrics_listen")) {
    size_t colon = v->value.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == v->value.size())
      throw UsageError(
          fmt::format("{}: metrics_listen must be HOST:PORT, e.g. 127.0.0.1:9187, not '{}'", v->source, v->value));
    int64_t port = to_int(RawValue{v->value.substr(colon + 1), v->source}, "metrics_listen port", 1);
    if (port > 65535)
      throw UsageError(fmt::format("{}: metrics_listen port must be 1..65535, not {}", v->source, port));
    c.metrics_listen = v->value;
  }
  c.pg_stats_interval_s = c.report_interval_s > 0 ? c.report_interval_s : 1;
  if (auto v = get("pg_stats")) c.pg_stats = to_bool(*v, "pg_stats");
  if (auto v = get("pg_stats_interval")) c.pg_stats_interval_s = to_duration(*v, "pg_stats_interval") / 1e6;
  if (auto v = get("thresholds")) {
    size_t start = 0;
    const std::string &all = v->value;
    while (start <= all.size()) {
      size_t e = all.find('\n', start);
      std::string one = all.substr(start, e == std::string::npos ? std::string::npos : e - start);
      if (!one.empty()) {
        try {
          c.thresholds.push_back(parse_threshold(one));
        } catch (const std::invalid_argument &ex) {
          throw UsageError(fmt::format("{}: {}", v->source, ex.what()));
        }
      }
      if (e == std::string::npos) break;
      start = e + 1;
    }
  }
  if (auto v = get("url")) c.conninfo = v->value;
  if (c.conninfo.empty() && !m.database.empty()) c.conninfo = conninfo_from_database(m.database);
  if (!m.conn_flags.empty()) c.conninfo = apply_conn_flags(c.conninfo, m.conn_flags);
  c.database_named = !c.conninfo.empty();
  for (const char *pg : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE"})
    if (std::getenv(pg)) c.database_named = true;  // libpq reads them itself

  std::vector<std::string> txn_names;
  for (const auto &[name, weight] : w.mix) txn_names.push_back(name);
  for (const auto &rp : m.phases) c.phases.push_back(validate_phase(rp, txn_names, c.phases.size()));

  std::vector<std::string> names;
  for (const auto &d : w.options) names.push_back(d.name);
  for (const auto &[k, v] : m.options) {
    if (!w.option(k))
      throw UsageError(
          fmt::format("{}: workload {} has no option '{}'{}{}", v.source, w.name, k, suggestion(k, names),
                      foreign_flag_hint(v.source).empty() ? "" : " (" + foreign_flag_hint(v.source) + ")"));
  }
  for (const auto &d : w.options) {
    auto it = m.options.find(d.name);
    RawValue v = it != m.options.end() ? it->second : RawValue{d.default_value, "workload default"};
    validate_option(d, v);
    if (d.type == "boolean") v.value = to_bool(v, d.name) ? "true" : "false";
    c.options[d.name] = v.value;
    c.sources["options." + d.name] = v.source;
  }
  return c;
}

}  // namespace stormdb
