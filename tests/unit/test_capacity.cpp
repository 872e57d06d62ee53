// Unit tests of the up-front connection count checks: what a command needs, and the fd-limit refusal.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <string>

#include "run/capacity.h"

using namespace stormdb;

namespace {
Config run_config(int clients) {
  Config c;
  c.command = "run";
  c.clients = clients;
  c.threads = 2;
  c.loaders = 2;
  c.sources["clients"] = "-c/--clients";
  return c;
}
}  // namespace

TEST_CASE("connections_needed: the largest client count of the run plus the sampler") {
  WorkloadInfo w;
  Config c = run_config(10);
  ConnectionNeed n = connections_needed(c, w, false);
  CHECK(n.total == 11);
  CHECK(n.detail == "10 clients + 1 for the pg_stat sampler");
  CHECK(n.source == "-c/--clients");

  c.scale_clients = {1, 64, 16};
  c.sources["scale_clients"] = "--scale-clients";
  n = connections_needed(c, w, false);
  CHECK(n.total == 65);
  CHECK(n.source == "--scale-clients");

  PhaseConfig ph;
  ph.name = "peak";
  ph.clients = 100;
  c.phases = {ph};
  c.pg_stats = false;
  w.background = {{"vacuum_loop", 1}};
  n = connections_needed(c, w, false);
  CHECK(n.total == 102);  // 100 + 1 background worker per thread
  CHECK(n.source == "phase peak");

  Config p = run_config(1);
  p.command = "prepare";
  p.loaders = 8;
  n = connections_needed(p, w, false);
  CHECK(n.total == 9);
  CHECK(throwaway_max_connections(n) == 300);
  CHECK(throwaway_max_connections(connections_needed(run_config(1000), WorkloadInfo{}, false)) == 1011);
}

TEST_CASE("check_fd_limit: refused up front with both numbers and what to change") {
  rlimit lim{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &lim) == 0);
  if (lim.rlim_max == RLIM_INFINITY) return;
  WorkloadInfo w;
  Config c = run_config(static_cast<int>(lim.rlim_max) + 10);
  std::string msg;
  try {
    check_fd_limit(connections_needed(c, w, false), c.threads);
  } catch (const UsageError &e) {
    msg = e.what();
  }
  CHECK(msg.find("-c/--clients " + std::to_string(lim.rlim_max + 10)) == 0);
  CHECK(msg.find("may open only " + std::to_string(lim.rlim_max)) != std::string::npos);
  CHECK(msg.find("ulimit -n") != std::string::npos);
  CHECK_NOTHROW(check_fd_limit(connections_needed(run_config(10), w, false), 2));
  REQUIRE(getrlimit(RLIMIT_NOFILE, &lim) == 0);
  CHECK(lim.rlim_cur == lim.rlim_max);  // the soft limit was raised
}
