// How many connections a command opens at once, checked up front against the file-descriptor limit
// and the server's free connection slots, so that a too large -c is a clear usage error instead of
// libpq's raw EAGAIN/EMFILE/"too many clients" text after the run has started.
#pragma once
#include <string>

#include "config/config.h"
#include "config/workload_info.h"
#include "pg/preflight.h"

namespace stormdb {

struct ConnectionNeed {
  int total = 0;       // the most connections open at the same time
  int clients = 0;     // the largest client count of the run (phases, --scale-clients), or loaders
  std::string source;  // where that count comes from, e.g. "-c/--clients", "--scale-clients"
  std::string detail;  // what total is made of, e.g. "1000 clients + 1 for the pg_stat sampler"
};

/// The connections `cfg.command` opens at once: for run, the largest client count (run, phases,
/// --scale-clients) plus background workers (per thread) and the pg_stat sampler; for prepare (or
/// run with --prepare or a throwaway server, which prepare first) the loaders plus the hook's own.
ConnectionNeed connections_needed(const Config &cfg, const WorkloadInfo &w, bool throwaway);

/// Raises the soft RLIMIT_NOFILE to the hard limit, then throws UsageError naming both numbers and
/// how to raise the limit when the connections (one descriptor each) plus stormdb's own
/// descriptors (a few per thread) still do not fit.
void check_fd_limit(const ConnectionNeed &need, int threads);

/// Throws UsageError naming both numbers and what to change when need.total exceeds the slots the
/// server has free: max_connections - reserved - in use. Does nothing when the server cannot be
/// asked (the run then reports what libpq says).
void check_server_slots(const std::string &conninfo, const ConnectionNeed &need);

/// The max_connections a throwaway server needs for `need` (at least PostgreSQL's 300 we use).
int throwaway_max_connections(const ConnectionNeed &need);

}  // namespace stormdb
