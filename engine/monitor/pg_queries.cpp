// Which statistics queries the pg_stat sampler runs for a PostgreSQL version (12 to 18), how their rows become snapshot
// sections, and what notes explain a section's absence.
#include "monitor/pg_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

namespace stormdb::pgmon {

using nlohmann::json;

int Rows::col(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

std::optional<std::string> Rows::get(size_t row, std::string_view name) const {
  int c = col(name);
  if (c < 0 || row >= values.size() || static_cast<size_t>(c) >= values[row].size()) return std::nullopt;
  return values[row][c];
}

std::string version_text(int v) { return fmt::format("{}.{}", v / 10000, v % 10000); }

namespace {

// --- parsers: rows -> {"counters", "gauges", "reset"} ---------------------------------------

// One row whose columns are all cumulative counters, but stats_reset (the reset marker) and the
// columns named in `gauges`.
SectionSnapshot one_row(const Rows &r, std::initializer_list<std::string_view> gauges) {
  if (r.values.empty()) return nullptr;
  json counters = json::object(), g = json::object(), reset = nullptr;
  for (size_t c = 0; c < r.columns.size(); ++c) {
    const std::string &name = r.columns[c];
    if (name == "stats_reset") {
      if (r.values[0][c]) reset = *r.values[0][c];
    } else if (std::find(gauges.begin(), gauges.end(), name) != gauges.end()) {
      g[name] = parse_number(r.values[0][c]);
    } else {
      // A NULL counter (e.g. a time column with tracking off) counts as 0 so deltas stay numbers.
      json v = parse_number(r.values[0][c]);
      counters[name] = v.is_null() ? json(0) : v;
    }
  }
  json out = {{"counters", counters}, {"reset", reset}};
  if (!g.empty()) out["gauges"] = g;
  return out;
}

SectionSnapshot parse_counters(const Rows &r) { return one_row(r, {}); }
SectionSnapshot parse_tables(const Rows &r) { return one_row(r, {"n_live_tup", "n_dead_tup"}); }

// Rows keyed by backend_type: {"counters": {backend_type: {reads, ...}}}.
SectionSnapshot parse_io(const Rows &r) {
  json counters = json::object(), reset = nullptr;
  for (size_t i = 0; i < r.values.size(); ++i) {
    auto bt = r.get(i, "backend_type");
    if (!bt) continue;
    json &o = counters[*bt];
    for (size_t c = 0; c < r.columns.size(); ++c) {
      const std::string &name = r.columns[c];
      if (name == "backend_type") continue;
      if (name == "stats_reset") {
        if (r.values[i][c]) reset = *r.values[i][c];
        continue;
      }
      json v = parse_number(r.values[i][c]);
      o[name] = v.is_null() ? json(0) : v;
    }
  }
  return {{"counters", counters}, {"reset", reset}};
}

// (lock_waiters, state, wait_event_type, n) rows: sessions by state and by wait event type.
SectionSnapshot parse_activity(const Rows &r) {
  json by_state = json::object(), by_wait = json::object();
  int64_t sessions = 0, lock_waiters = 0;
  for (size_t i = 0; i < r.values.size(); ++i) {
    json lw = parse_number(r.get(i, "lock_waiters"));
    if (lw.is_number_integer()) lock_waiters = lw.get<int64_t>();
    json n = parse_number(r.get(i, "n"));
    auto state = r.get(i, "state");
    if (!state || !n.is_number_integer()) continue;  // the LEFT JOIN's row when no session is there
    int64_t k = n.get<int64_t>();
    sessions += k;
    by_state[*state] = by_state.value(*state, int64_t{0}) + k;
    std::string w = r.get(i, "wait_event_type").value_or("none");
    by_wait[w] = by_wait.value(w, int64_t{0}) + k;
  }
  return {{"gauges",
           {{"sessions", sessions},
            {"by_state", by_state},
            {"by_wait_event_type", by_wait},
            {"lock_waiters", lock_waiters}}}};
}

// One entry per standby, keyed by application_name (disambiguated by pid when two standbys share
// a name, as every standby left at the default "walreceiver" does).
SectionSnapshot parse_replication(const Rows &r) {
  if (r.values.empty()) return nullptr;
  json standbys = json::object();
  for (size_t i = 0; i < r.values.size(); ++i) {
    std::string name = r.get(i, "application_name").value_or("");
    if (name.empty() || standbys.contains(name)) name += "#" + r.get(i, "pid").value_or("?");
    json s = json::object();
    for (const char *k : {"state", "sync_state", "client_addr"}) {
      auto v = r.get(i, k);
      s[k] = v ? json(*v) : json(nullptr);
    }
    for (const char *k : {"write_lag_ms", "flush_lag_ms", "replay_lag_ms", "replay_lag_bytes"})
      s[k] = parse_number(r.get(i, k));
    standbys[name] = s;
  }
  return {{"gauges", standbys}};
}

// --- SQL by version ---------------------------------------------------------------------------

std::string tagged(std::string_view body) { return fmt::format("SELECT {} {}", kSamplerTag, body); }

SectionQuery database_query() {
  return {"database", "pg_stat_database",
          tagged("xact_commit, xact_rollback, blks_read, blks_hit, tup_returned, tup_fetched, "
                 "tup_inserted, tup_updated, tup_deleted, conflicts, temp_files, temp_bytes, deadlocks, "
                 "blk_read_time, blk_write_time, stats_reset "
                 "FROM pg_stat_database WHERE datname = current_database()"),
          parse_counters};
}

SectionQuery bgwriter_query(int v) {
  // 17 moved the checkpoint and backend columns to pg_stat_checkpointer / pg_stat_io.
  std::string cols = v >= 170000 ? "buffers_clean, maxwritten_clean, buffers_alloc, stats_reset"
                                 : "checkpoints_timed, checkpoints_req, checkpoint_write_time, "
                                   "checkpoint_sync_time, buffers_checkpoint, buffers_clean, "
                                   "maxwritten_clean, buffers_backend, buffers_backend_fsync, "
                                   "buffers_alloc, stats_reset";
  return {"bgwriter", "pg_stat_bgwriter", tagged(cols + " FROM pg_stat_bgwriter"), parse_counters};
}

SectionQuery checkpointer_query(int v) {
  // Before 17 the same counters live in pg_stat_bgwriter; renamed so consumers see one shape.
  if (v >= 170000)
    return {"checkpointer", "pg_stat_checkpointer",
            tagged("num_timed, num_requested, buffers_written, write_time, sync_time, stats_reset "
                   "FROM pg_stat_checkpointer"),
            parse_counters};
  return {"checkpointer", "pg_stat_bgwriter",
          tagged("checkpoints_timed AS num_timed, checkpoints_req AS num_requested, "
                 "buffers_checkpoint AS buffers_written, checkpoint_write_time AS write_time, "
                 "checkpoint_sync_time AS sync_time, stats_reset FROM pg_stat_bgwriter"),
          parse_counters};
}

SectionQuery wal_query(int v) {
  // 18 moved write/sync counts and times to pg_stat_io.
  std::string cols = v >= 180000 ? "wal_records, wal_fpi, wal_bytes, wal_buffers_full, stats_reset"
                                 : "wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, "
                                   "wal_sync, wal_write_time, wal_sync_time, stats_reset";
  return {"wal", "pg_stat_wal", tagged(cols + " FROM pg_stat_wal"), parse_counters};
}

SectionQuery io_query(int v) {
  // 16-17 give op_bytes (the block size) per row; 18 replaced it with byte counters.
  std::string bytes = v >= 180000 ? "sum(coalesce(read_bytes, 0)) AS read_bytes, "
                                    "sum(coalesce(write_bytes, 0)) AS write_bytes, "
                                    "sum(coalesce(extend_bytes, 0)) AS extend_bytes"
                                  : "sum(coalesce(reads * op_bytes, 0)) AS read_bytes, "
                                    "sum(coalesce(writes * op_bytes, 0)) AS write_bytes, "
                                    "sum(coalesce(extends * op_bytes, 0)) AS extend_bytes";
  return {"io", "pg_stat_io",
          tagged("backend_type, sum(coalesce(reads, 0)) AS reads, sum(coalesce(writes, 0)) AS writes, "
                 "sum(coalesce(writebacks, 0)) AS writebacks, sum(coalesce(extends, 0)) AS extends, "
                 "sum(coalesce(hits, 0)) AS hits, sum(coalesce(evictions, 0)) AS evictions, "
                 "sum(coalesce(fsyncs, 0)) AS fsyncs, sum(coalesce(read_time, 0)) AS read_time, "
                 "sum(coalesce(write_time, 0)) AS write_time, " +
                 bytes +
                 ", (SELECT max(stats_reset) FROM pg_stat_io) AS stats_reset "
                 "FROM pg_stat_io GROUP BY backend_type ORDER BY backend_type"),
          parse_io};
}

SectionQuery activity_query() {
  // The LEFT JOIN keeps one row (with the lock count) when no other session is connected.
  return {"activity", "pg_stat_activity",
          tagged("l.lock_waiters, s.state, s.wait_event_type, s.n FROM "
                 "(SELECT count(DISTINCT pid) AS lock_waiters FROM pg_locks "
                 "WHERE NOT granted AND pid <> pg_backend_pid()) l LEFT JOIN "
                 "(SELECT coalesce(state, 'unknown') AS state, wait_event_type, count(*) AS n "
                 "FROM pg_stat_activity WHERE datname = current_database() "
                 // Sessions of other roles show NULL backend_type and state without
                 // pg_read_all_stats: counted, as state "unknown".
                 "AND pid <> pg_backend_pid() "
                 "AND (backend_type = 'client backend' OR backend_type IS NULL) "
                 "GROUP BY 1, 2) s ON true"),
          parse_activity};
}

SectionQuery tables_query() {
  return {"tables", "pg_stat_user_tables",
          tagged("coalesce(sum(n_live_tup), 0) AS n_live_tup, coalesce(sum(n_dead_tup), 0) AS n_dead_tup, "
                 "coalesce(sum(seq_scan), 0) AS seq_scan, coalesce(sum(idx_scan), 0) AS idx_scan, "
                 "coalesce(sum(n_tup_upd), 0) AS n_tup_upd, coalesce(sum(n_tup_hot_upd), 0) AS n_tup_hot_upd, "
                 "coalesce(sum(vacuum_count), 0) AS vacuum_count, "
                 "coalesce(sum(autovacuum_count), 0) AS autovacuum_count, "
                 "coalesce(sum(analyze_count), 0) AS analyze_count, "
                 "coalesce(sum(autoanalyze_count), 0) AS autoanalyze_count, "
                 // Per-table resets move the database's stats_reset, so it marks resets here too.
                 "(SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) "
                 "AS stats_reset FROM pg_stat_user_tables"),
          parse_tables};
}

SectionQuery replication_query() {
  // pg_current_wal_lsn() fails on a standby, hence the CASE.
  return {"replication", "pg_stat_replication",
          tagged("pid, application_name, client_addr::text AS client_addr, state, sync_state, "
                 "extract(epoch FROM write_lag) * 1000 AS write_lag_ms, "
                 "extract(epoch FROM flush_lag) * 1000 AS flush_lag_ms, "
                 "extract(epoch FROM replay_lag) * 1000 AS replay_lag_ms, "
                 "CASE WHEN pg_is_in_recovery() THEN NULL "
                 "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) END AS replay_lag_bytes "
                 "FROM pg_stat_replication ORDER BY pid"),
          parse_replication};
}

std::pair<int, int> ext_version(const std::string &s) {
  int major = 0, minor = 0;
  std::sscanf(s.c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

std::string db_filter() { return "dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"; }

}  // namespace

std::vector<SectionQuery> section_queries(int v, std::vector<std::string> *notes) {
  std::vector<SectionQuery> q = {database_query(), bgwriter_query(v), checkpointer_query(v)};
  if (v >= 140000)
    q.push_back(wal_query(v));
  else if (notes)
    notes->push_back(
        fmt::format("wal is not sampled: pg_stat_wal needs PostgreSQL 14 or later (server is {})", version_text(v)));
  if (v >= 160000)
    q.push_back(io_query(v));
  else if (notes)
    notes->push_back(
        fmt::format("io is not sampled: pg_stat_io needs PostgreSQL 16 or later (server is {})", version_text(v)));
  q.push_back(activity_query());
  q.push_back(tables_query());
  q.push_back(replication_query());
  return q;
}

std::string statements_probe_sql() {
  // pg_settings hides superuser-only settings such as shared_preload_libraries from other roles
  // (no row: NULL) where current_setting() would raise an error.
  return tagged(
      "current_database() AS database, "
      "(SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
      "WHERE e.extname = 'pg_stat_statements') AS schema, "
      "(SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements') AS version, "
      "EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available, "
      "(SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS preload");
}

StatementsProbe parse_statements_probe(const Rows &r) {
  StatementsProbe p;
  if (r.values.empty()) return p;
  p.database = r.get(0, "database").value_or("");
  p.schema = r.get(0, "schema");
  p.version = r.get(0, "version");
  p.available = r.get(0, "available").value_or("f") == "t";
  p.preload = r.get(0, "preload");
  return p;
}

std::optional<std::string> statements_note(const StatementsProbe &p) {
  bool preloaded = p.preload && p.preload->find("pg_stat_statements") != std::string::npos;
  if (p.schema) {
    if (!p.preload || preloaded) return std::nullopt;  // unknown: the poll's error will tell
    return fmt::format(
        "pg_stat_statements is installed in database \"{}\" but not loaded: add it to "
        "shared_preload_libraries and restart the server to see top statements",
        p.database);
  }
  if (!p.available)
    return fmt::format(
        "pg_stat_statements is not available on this server: install PostgreSQL's contrib package, "
        "add pg_stat_statements to shared_preload_libraries (restart), then CREATE EXTENSION "
        "pg_stat_statements in database \"{}\" to see top statements",
        p.database);
  std::string preload_hint = !p.preload  ? " (it must also be in shared_preload_libraries)"
                             : preloaded ? ""
                                         : " and add it to shared_preload_libraries (server restart)";
  return fmt::format(
      "pg_stat_statements is not installed in database \"{}\": CREATE EXTENSION pg_stat_statements{} "
      "to see top statements",
      p.database, preload_hint);
}

std::string statements_sql(int v, const std::optional<std::string> &extversion, const std::string &schema) {
  bool exec_time = extversion ? ext_version(*extversion) >= std::pair{1, 8} : v >= 130000;
  return tagged(
      fmt::format("queryid, sum(calls) AS calls, sum({}) AS total_ms, sum(rows) AS rows "
                  "FROM {}.pg_stat_statements(false) WHERE {} AND queryid IS NOT NULL GROUP BY queryid",
                  exec_time ? "total_exec_time" : "total_time", schema, db_filter()));
}

StatementSnapshot parse_statements(const Rows &r, double t_us) {
  StatementSnapshot s;
  s.t_us = t_us;
  s.rows.reserve(r.values.size());
  for (size_t i = 0; i < r.values.size(); ++i) {
    json id = parse_number(r.get(i, "queryid"));
    if (!id.is_number_integer()) continue;
    json calls = parse_number(r.get(i, "calls")), total = parse_number(r.get(i, "total_ms")),
         rows = parse_number(r.get(i, "rows"));
    s.rows.push_back({id.get<int64_t>(), calls.is_number() ? calls.get<int64_t>() : 0,
                      total.is_number() ? total.get<double>() : 0.0, rows.is_number() ? rows.get<int64_t>() : 0});
  }
  std::sort(s.rows.begin(), s.rows.end(), [](const auto &a, const auto &b) { return a.queryid < b.queryid; });
  return s;
}

std::string statement_texts_sql(const std::string &schema, const std::vector<int64_t> &ids) {
  std::string list;
  for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  // Whitespace is folded server-side so the 200 characters are the ones a reader sees.
  return tagged(
      fmt::format("DISTINCT ON (queryid) queryid, left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query "
                  "FROM {}.pg_stat_statements(true) WHERE {} AND queryid = ANY('{{{}}}'::bigint[])",
                  schema, db_filter(), list));
}

std::string failure_note(const SectionQuery &q, std::string_view sqlstate, std::string_view message,
                         std::string_view user) {
  std::string msg(message);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (q.section == "statements" && sqlstate == "55000")  // "must be loaded via shared_preload_libraries"
    return fmt::format(
        "pg_stat_statements is installed but not loaded ({}): add it to shared_preload_libraries and "
        "restart the server to see top statements",
        msg);
  if (sqlstate == "42501")
    return fmt::format("{} is not sampled: {} ({}); GRANT pg_monitor TO {} to see it", q.section, msg, q.source, user);
  if (sqlstate == "42P01" || sqlstate == "42883" || sqlstate == "42703")
    return fmt::format("{} is not sampled: {} is not available on this server ({})", q.section, q.source, msg);
  return fmt::format("{} is not sampled: reading {} failed: {} [SQLSTATE {}]", q.section, q.source, msg, sqlstate);
}

}  // namespace stormdb::pgmon
