// Flags of pgbench and sysbench that stormdb spells differently or lacks, with what to use instead.
#include "config/foreign_flags.h"

#include <map>

namespace stormdb {

std::string foreign_flag_hint(const std::string &flag) {
  static const std::map<std::string, std::string> kHints = {
      // pgbench
      {"-i", "pgbench's -i/--initialize is `stormdb prepare tpcb_like --scale=N` (the same tables and data)"},
      {"--initialize", "pgbench's -i/--initialize is `stormdb prepare tpcb_like --scale=N` (the same tables and data)"},
      {"-I",
       "pgbench's -I (init steps) has no stormdb equivalent: `stormdb prepare tpcb_like` runs pgbench's steps tgvp"},
      {"--init-steps",
       "pgbench's --init-steps has no stormdb equivalent: `stormdb prepare tpcb_like` runs pgbench's steps tgvp"},
      {"-F",
       "pgbench's -F/--fillfactor has no stormdb equivalent (tpcb_like loads with fillfactor 100, pgbench's default)"},
      {"--fillfactor", "pgbench's -F/--fillfactor has no stormdb equivalent (tpcb_like loads with fillfactor 100)"},
      {"-n", "pgbench's -n/--no-vacuum is not needed: stormdb run never vacuums before measuring"},
      {"--no-vacuum", "pgbench's -n/--no-vacuum is not needed: stormdb run never vacuums before measuring"},
      {"-v", "pgbench's -v/--vacuum-all has no stormdb equivalent: run VACUUM with psql first"},
      {"--vacuum-all", "pgbench's -v/--vacuum-all has no stormdb equivalent: run VACUUM with psql first"},
      {"-C", "pgbench's -C/--connect (a new connection per transaction) has no stormdb equivalent yet"},
      {"--connect", "pgbench's -C/--connect (a new connection per transaction) has no stormdb equivalent yet"},
      {"-l", "pgbench's -l/--log is stormdb's --json FILE (full histograms) and --csv FILE (interval series)"},
      {"--log", "pgbench's -l/--log is stormdb's --json FILE (full histograms) and --csv FILE (interval series)"},
      {"--aggregate-interval", "pgbench's --aggregate-interval is stormdb's -P/--report-interval with --csv FILE"},
      {"--sampling-rate",
       "pgbench's --sampling-rate has no stormdb equivalent: --json keeps every transaction in histograms"},
      {"--log-prefix", "pgbench's --log-prefix is stormdb's --json FILE / --csv FILE"},
      {"--progress-timestamp", "pgbench's --progress-timestamp has no stormdb equivalent (--csv rows carry times)"},
      {"--random-seed", "pgbench's --random-seed is stormdb's --seed N"},
      {"-r",
       "pgbench's -r/--report-per-command is always on for pgbench scripts run by stormdb (per-statement latencies)"},
      {"--report-per-command", "pgbench's -r/--report-per-command is always on for pgbench scripts run by stormdb"},
      {"--failures-detailed",
       "pgbench's --failures-detailed is always on in stormdb: failures are reported by SQLSTATE"},
      {"--verbose-errors",
       "pgbench's --verbose-errors: stormdb reports each distinct error text once, with its SQLSTATE"},
      {"--exit-on-abort",
       "pgbench's --exit-on-abort has no stormdb equivalent: failed transactions are counted and the client goes on"},
      {"--partitions", "pgbench's --partitions has no stormdb equivalent"},
      {"--foreign-keys", "pgbench's --foreign-keys has no stormdb equivalent"},
      {"--unlogged-tables", "pgbench's --unlogged-tables has no stormdb equivalent"},
      {"--debug",
       "pgbench's -d/--debug is not stormdb's -d, which is psql's -d/--dbname; set STORMDB_DEBUG=1 for Lua stack "
       "traces"},
      {"-V", "pgbench's -V is stormdb's --version"},
      // sysbench
      {"--time", "sysbench's --time is stormdb's -T/--duration (e.g. -T 60s)"},
      {"--events", "sysbench's --events (a total) is stormdb's -t/--transactions (per client)"},
      {"--rand-seed", "sysbench's --rand-seed is stormdb's --seed N"},
      {"--db-driver", "sysbench's --db-driver: stormdb speaks only PostgreSQL (sysbench's pgsql driver)"},
      {"--pgsql-host", "sysbench's --pgsql-host is stormdb's -h/--host"},
      {"--pgsql-port", "sysbench's --pgsql-port is stormdb's -p/--port"},
      {"--pgsql-user", "sysbench's --pgsql-user is stormdb's -U/--username"},
      {"--pgsql-password", "sysbench's --pgsql-password: put the password in PGPASSWORD or ~/.pgpass (or --url)"},
      {"--pgsql-db", "sysbench's --pgsql-db is stormdb's -d/--dbname"},
      {"--histogram", "sysbench's --histogram: stormdb always keeps full latency histograms (see --json, --html)"},
      {"--percentile", "sysbench's --percentile: stormdb reports p50/p90/p95/p99/p99.9/max"},
      {"--db-ps-mode",
       "sysbench's --db-ps-mode has no stormdb equivalent: sysbench scripts' prepare() is always a server-side "
       "prepare"},
  };
  std::string key = flag.substr(0, flag.find('='));
  auto it = kHints.find(key);
  return it == kHints.end() ? "" : it->second;
}

}  // namespace stormdb
