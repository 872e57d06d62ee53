// The immutable run configuration: workload defaults < YAML < environment < CLI, merged then validated.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/scale_spec.h"
#include "config/thresholds.h"
#include "config/workload_info.h"

namespace stormdb {

// Bad input (options, YAML, values): main prints what() and exits with status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One raw setting before validation, with where it came from (for error messages).
struct RawValue {
  std::string value;
  std::string source;  // "--clients", "STORMDB_CLIENTS", "bench.yaml:4", "workload default"
};

// One entry of a YAML phases: list, not yet validated.
struct RawPhase {
  std::string where;                         // file:line of the entry
  std::map<std::string, RawValue> settings;  // name, duration, warmup, clients, rate, ...
  std::map<std::string, RawValue> mix;       // transaction -> weight overrides
};

// Settings gathered from one layer (YAML file, environment or command line), not yet validated.
struct Layer {
  std::vector<RawPhase> phases;
  std::map<std::string, RawValue> settings;         // engine keys, snake_case (clients, duration, ...)
  std::map<std::string, RawValue> options;          // workload options
  std::map<std::string, RawValue> database;         // libpq keywords from YAML database:
  std::map<std::string, RawValue> server_settings;  // --server-setting, YAML server: settings:
  std::map<std::string, RawValue> conn_flags;       // -h/-p/-U/-d as libpq keywords (config/conn_flags.h)
};

// A phase of a phased run: its own duration, clients, load model and mix weights.
struct PhaseConfig {
  std::string name;
  int64_t duration_us = 0;
  int64_t warmup_us = 0;
  int clients = 0;                    // 0: the run's clients
  double rate = 0;                    // 0: closed loop (or the run's rate when inherited)
  bool closed = false;                // explicitly closed even if the run has a rate
  std::map<std::string, double> mix;  // overrides of the workload's weights
};

struct Config {
  std::string command;   // run, prepare, cleanup, check
  std::string script;    // path of the workload script
  std::string conninfo;  // what libpq gets; "" with no database named (throwaway server)
  bool database_named = false;
  int clients = 1;
  int threads = 1;
  int connections = 0;      // --connections: the pool's size (at most clients); 0: one per client, no pool
  std::string query_mode;   // -M/--query-mode: simple, extended or prepared; "" when not given
  int64_t duration_us = 0;  // 0 with transactions > 0
  int64_t warmup_us = 0;
  uint64_t transactions = 0;     // per client
  double report_interval_s = 0;  // progress lines; 0 = none
  uint64_t seed = 0;
  int max_tries = 10;
  int64_t lua_memory_limit_mb = 1024;  // per Lua state (one per thread); above it allocations fail
  int loaders = 1;
  double rate = 0;             // --rate: transactions/s over all clients; 0 = closed loop
  double rate_per_client = 0;  // --rate-per-client
  std::string arrival = "poisson";
  int64_t latency_limit_us = 0;     // --latency-limit: late count; skip transactions already this late
  std::vector<int> scale_clients;   // --scale-clients: one band per client count
  LatencyBound scale_bound;         // --scale-latency-bound: best band must meet it
  int64_t cooldown_us = 0;          // pause between bands
  std::vector<PhaseConfig> phases;  // YAML phases:, run in sequence
  std::string json_path;
  std::string csv_path;               // --csv: interval time series
  std::string html_path;              // --html: self-contained report page
  std::string metrics_listen;         // --metrics-listen HOST:PORT: OpenMetrics during the run
  bool pg_stats = true;               // sample pg_stat_* views during runs
  double pg_stats_interval_s = 1;     // PostgreSQL sampler period (default: the report interval)
  std::vector<Threshold> thresholds;  // --threshold: checked at the end, exit 99 when one fails
  bool keep_server = false;
  std::string pg_bin;  // --pg-bin / server.bin_dir: the throwaway server's binaries; "" = the newest installed
  // --server-setting / server.settings: postgresql.conf settings of the throwaway server, as
  // name -> value with where each came from (the server judges them; a refusal is exit 2).
  std::map<std::string, RawValue> server_settings;
  bool prepare_first = false;
  bool check_after = false;
  bool force = false;            // prepare --force: take over objects of the same names stormdb did not create
  bool skip_load_check = false;  // run/check --skip-load-check: no complete stormdb load required
  bool realtime = false;         // run --realtime: worker threads under SCHED_FIFO (util/thread_sched.h)
  bool quiet = false;
  std::map<std::string, std::string> options;  // every declared workload option, validated, as text
  std::map<std::string, std::string> sources;  // key -> where its value came from

  // The options as a Lua chunk "return { name = value, ... }" with typed values.
  std::string options_lua(const WorkloadInfo &w) const;
  // conninfo with any password replaced by "***".
  std::string redacted_conninfo() const;
};

// Reads a YAML config file into a layer. Throws UsageError naming file:line for malformed YAML,
// unknown keys (with the closest valid name) and unset ${VAR}s.
Layer load_yaml_layer(const std::string &path);
// The same from YAML text already in memory (the fuzz target uses it); `path` only names the
// source in messages. Throws UsageError as load_yaml_layer does.
Layer parse_yaml_layer(const std::string &text, const std::string &path);
// Reads STORMDB_* environment variables (STORMDB_CLIENTS, STORMDB_OPT_ROWS, ...).
Layer env_layer();
// One warning per STORMDB_* environment variable that is neither a setting, nor STORMDB_OPT_*, nor
// one stormdb or its tests read otherwise (STORMDB_PATH, STORMDB_PG_BINDIR, STORMDB_DEBUG,
// STORMDB_BIN, STORMDB_TEST_*, ...), naming the closest valid name when there is one.
std::vector<std::string> env_warnings();
// Merges layers (later wins) over the workload's defaults and validates everything. Passwords in
// url and database: are remembered (util/secrets.h) before anything can echo them.
Config merge_config(const std::string &command, const std::string &script, const WorkloadInfo &w,
                    const std::vector<Layer> &layers);

// The closest of candidates to word (edit distance), or "" when nothing is close.
std::string closest(const std::string &word, const std::vector<std::string> &candidates);
// " (did you mean 'X'?)" naming the closest of candidates to word, or "" when nothing is close.
std::string suggestion(const std::string &word, const std::vector<std::string> &candidates);
// Replaces the password in a conninfo string or URI with ***.
std::string redact_conninfo(const std::string &conninfo);
// The engine setting keys a YAML file or STORMDB_* variable may name.
const std::vector<std::string> &setting_keys();

}  // namespace stormdb
