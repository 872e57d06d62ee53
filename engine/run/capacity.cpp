// Up-front checks of a command's connection count against RLIMIT_NOFILE and max_connections.
#include "run/capacity.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>

namespace stormdb {
namespace {

// stdio, the Lua state's files, JSON/CSV/HTML outputs, the metrics listener, libpq's odd socket
// while reconnecting; plus per thread its epoll, eventfd and timer descriptors.
constexpr int kBaseDescriptors = 64;
constexpr int kDescriptorsPerThread = 4;
// Head room a throwaway server keeps above what the run needs (psql sessions, checks).
constexpr int kThrowawaySpare = 10;
constexpr int kThrowawayDefault = 300;

}  // namespace

ConnectionNeed connections_needed(const Config &cfg, const WorkloadInfo &w, bool throwaway) {
  ConnectionNeed need;
  bool runs = cfg.command == "run";
  if (runs) {
    need.clients = cfg.clients;
    need.source = cfg.sources.count("clients") ? cfg.sources.at("clients") : "-c/--clients (default: threads)";
    for (const auto &ph : cfg.phases)
      if (ph.clients > need.clients) {
        need.clients = ph.clients;
        need.source = "phase " + ph.name;
      }
    for (int n : cfg.scale_clients)
      if (n > need.clients) {
        need.clients = n;
        need.source = cfg.sources.count("scale_clients") ? cfg.sources.at("scale_clients") : "--scale-clients";
      }
    int background = 0;
    for (const auto &[fn, per_thread] : w.background) background += per_thread * cfg.threads;
    if (cfg.connections > 0) {  // pooled: terminals and background workers share the pool
      need.clients = cfg.connections;
      need.source = cfg.sources.count("connections") ? cfg.sources.at("connections") : "--connections";
      background = 0;
    }
    int sampler = cfg.pg_stats ? 1 : 0;
    need.total = need.clients + background + sampler;
    need.detail = fmt::format("{} {}", need.clients, cfg.connections > 0 ? "pooled connections" : "clients");
    if (background > 0) need.detail += fmt::format(" + {} background workers", background);
    if (sampler > 0) need.detail += " + 1 for the pg_stat sampler";
  }
  bool prepares = cfg.command == "prepare" || (runs && (cfg.prepare_first || throwaway) && w.has_hook("prepare"));
  if (prepares && cfg.loaders + 1 > need.total) {
    need.clients = cfg.loaders;
    need.source = cfg.sources.count("loaders") ? cfg.sources.at("loaders") : "--loaders (default: threads)";
    need.total = cfg.loaders + 1;
    need.detail = fmt::format("{} loaders + 1 for the prepare hook", cfg.loaders);
  }
  if (need.total == 0) {
    need.total = need.clients = 1;
    need.detail = "1 for the hook";
  }
  return need;
}

void check_fd_limit(const ConnectionNeed &need, int threads) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  long long wanted = static_cast<long long>(need.total) + kBaseDescriptors + kDescriptorsPerThread * threads;
  if (lim.rlim_cur == RLIM_INFINITY || static_cast<long long>(lim.rlim_cur) >= wanted) return;
  throw UsageError(fmt::format(
      "{} {} needs {} connections ({}) and about {} file descriptors with stormdb's own, but this process may "
      "open only {} (RLIMIT_NOFILE, already raised to its hard limit): lower {}, or raise the limit, e.g. "
      "`ulimit -n {}` as root in the shell that starts stormdb (LimitNOFILE= for a systemd unit)",
      need.source, need.clients, need.total, need.detail, wanted, static_cast<long long>(lim.rlim_cur), need.source,
      wanted));
}

void check_server_slots(const std::string &conninfo, const ConnectionNeed &need) {
  ConnectionSlots s;
  try {
    s = connection_slots(conninfo);
  } catch (const ConnectError &) {
    return;
  }
  int free_slots = s.max_connections - s.reserved - s.in_use;
  if (need.total <= free_slots) return;
  throw UsageError(fmt::format(
      "{} {} needs {} connections at once ({}), but the server accepts only {} more (max_connections {} - {} "
      "reserved for superusers - {} in use): lower {}, or raise max_connections on the server to at least {} "
      "(ALTER SYSTEM SET max_connections = {}; then restart PostgreSQL)",
      need.source, need.clients, need.total, need.detail, std::max(free_slots, 0), s.max_connections, s.reserved,
      s.in_use, need.source, need.total + s.reserved + s.in_use, need.total + s.reserved + s.in_use));
}

int throwaway_max_connections(const ConnectionNeed &need) {
  return std::max(kThrowawayDefault, need.total + kThrowawaySpare);
}

}  // namespace stormdb
