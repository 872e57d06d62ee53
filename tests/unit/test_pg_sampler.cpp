// Tests for the pg_stat sampler: delta arithmetic, resets, hit ratio and per-version queries without a server, then a
// real sampling run against a throwaway server.
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <limits>
#include <string>
#include <thread>

#include "monitor/pg_delta.h"
#include "monitor/pg_queries.h"
#include "monitor/pg_sampler.h"
#include "pg/ephemeral_server.h"

namespace {

using nlohmann::json;
using namespace stormdb::pgmon;

bool skip_sampler_server_tests() { return std::getenv("STORMDB_SKIP_SERVER_TESTS") != nullptr; }

const SectionQuery *find_section(const std::vector<SectionQuery> &qs, const std::string &name) {
  for (const auto &q : qs)
    if (q.section == name) return &q;
  return nullptr;
}

bool has(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

Rows rows(std::vector<std::string> cols, std::vector<std::vector<std::optional<std::string>>> vals) {
  return Rows{std::move(cols), std::move(vals)};
}

}  // namespace

TEST_CASE("pg sampler: counter deltas treat a decrease or a stats reset as counting from zero") {
  json a = {{"x", 10}, {"y", 5}, {"t", 1.5}, {"nested", {{"k", 3}}}};
  json b = {{"x", 25}, {"y", 2}, {"t", 4.0}, {"nested", {{"k", 7}, {"new", 4}}}, {"s", "text"}};
  json d = counter_delta(a, b, false);
  CHECK(d["x"] == 15);
  CHECK(d["y"] == 2);  // went down: reset, so the new value is what was counted since
  CHECK(d["t"].get<double>() == doctest::Approx(2.5));
  CHECK(d["nested"]["k"] == 4);
  CHECK(d["nested"]["new"] == 4);  // absent before: counted from zero
  CHECK(d["s"] == "text");

  json r = counter_delta(a, b, true);  // stats_reset moved: every counter restarted
  CHECK(r["x"] == 25);
  CHECK(r["nested"]["k"] == 7);
}

TEST_CASE("pg sampler: database section gives hit_ratio of the deltas, null when nothing was read") {
  CHECK_FALSE(hit_ratio(0, 0).has_value());
  CHECK(*hit_ratio(90, 10) == doctest::Approx(0.9));

  json from = {{"counters", {{"blks_hit", 100}, {"blks_read", 50}, {"xact_commit", 7}}}, {"reset", nullptr}};
  json to = {{"counters", {{"blks_hit", 190}, {"blks_read", 60}, {"xact_commit", 9}}}, {"reset", nullptr}};
  json d = section_delta("database", &from, to);
  CHECK(d["xact_commit"] == 2);
  CHECK(d["hit_ratio"].get<double>() == doctest::Approx(0.9));

  json same = section_delta("database", &from, from);
  CHECK(same["hit_ratio"].is_null());

  // pg_stat_reset(): stats_reset moved and the counters are small again.
  json after = {{"counters", {{"blks_hit", 30}, {"blks_read", 10}, {"xact_commit", 3}}},
                {"reset", "2025-01-01 00:00:00+00"}};
  json r = section_delta("database", &to, after);
  CHECK(r["xact_commit"] == 3);
  CHECK(r["blks_hit"] == 30);
  CHECK(r["hit_ratio"].get<double>() == doctest::Approx(0.75));
  CHECK(section_delta("database", nullptr, after).is_null());  // counters need a start
}

TEST_CASE("pg sampler: derived checkpointer total, io drops idle backend types, gauges pass through") {
  json from = {{"counters", {{"num_timed", 1}, {"num_requested", 2}, {"write_time", 0}}}};
  json to = {{"counters", {{"num_timed", 2}, {"num_requested", 4}, {"write_time", 12.5}}}};
  json c = section_delta("checkpointer", &from, to);
  CHECK(c["checkpoints"] == 3);
  CHECK(c["write_time"].get<double>() == doctest::Approx(12.5));

  json io_a = {{"counters", {{"client backend", {{"reads", 1}, {"hits", 5}}}, {"walsender", {{"reads", 0}}}}}};
  json io_b = {{"counters", {{"client backend", {{"reads", 4}, {"hits", 9}}}, {"walsender", {{"reads", 0}}}}}};
  json io = section_delta("io", &io_a, io_b);
  CHECK(io["client backend"]["reads"] == 3);
  CHECK_FALSE(io.contains("walsender"));

  json t_a = {{"counters", {{"seq_scan", 4}}}, {"gauges", {{"n_live_tup", 10}}}, {"reset", nullptr}};
  json t_b = {{"counters", {{"seq_scan", 6}}}, {"gauges", {{"n_live_tup", 99}}}, {"reset", nullptr}};
  json t = section_delta("tables", &t_a, t_b);
  CHECK(t["seq_scan"] == 2);
  CHECK(t["n_live_tup"] == 99);

  // A gauge-only section (activity) needs no earlier snapshot; a counter section does.
  Snapshot s1{1e6, {{"database", t_a}}};
  Snapshot s2{1.5e6, {{"database", t_b}, {"activity", {{"gauges", {{"sessions", 3}}}}}, {"wal", t_b}}};
  json rec = snapshot_delta(s1, s2);
  CHECK(rec["t_us"].get<double>() == doctest::Approx(1.5e6));
  CHECK(rec["span_s"].get<double>() == doctest::Approx(0.5));
  CHECK(rec["activity"]["sessions"] == 3);
  CHECK(rec["database"]["seq_scan"] == 2);
  CHECK_FALSE(rec.contains("wal"));
}

TEST_CASE("pg sampler: queries follow the server version") {
  std::vector<std::string> notes;
  auto v12 = section_queries(120000, &notes);
  CHECK(find_section(v12, "wal") == nullptr);
  CHECK(find_section(v12, "io") == nullptr);
  CHECK(notes.size() == 2);
  CHECK(has(notes[0], "PostgreSQL 14"));
  REQUIRE(find_section(v12, "checkpointer"));
  CHECK(has(find_section(v12, "checkpointer")->sql, "checkpoints_timed AS num_timed"));
  CHECK(has(find_section(v12, "bgwriter")->sql, "buffers_backend"));
  for (const char *s : {"database", "activity", "tables", "replication"}) CHECK(find_section(v12, s));

  notes.clear();
  auto v15 = section_queries(150004, &notes);
  REQUIRE(find_section(v15, "wal"));
  CHECK(has(find_section(v15, "wal")->sql, "wal_write"));
  CHECK(find_section(v15, "io") == nullptr);
  CHECK(notes.size() == 1);

  notes.clear();
  auto v17 = section_queries(170002, &notes);
  CHECK(notes.empty());
  CHECK(has(find_section(v17, "checkpointer")->sql, "FROM pg_stat_checkpointer"));
  CHECK_FALSE(has(find_section(v17, "bgwriter")->sql, "checkpoints_timed"));
  CHECK(has(find_section(v17, "io")->sql, "op_bytes"));

  auto v18 = section_queries(180000, nullptr);
  CHECK_FALSE(has(find_section(v18, "wal")->sql, "wal_write"));
  CHECK_FALSE(has(find_section(v18, "io")->sql, "op_bytes"));
  CHECK(has(find_section(v18, "io")->sql, "read_bytes"));
  for (const auto &q : v18) CHECK(has(q.sql, kSamplerTag));

  CHECK(has(statements_sql(120000, std::nullopt, "public"), "sum(total_time)"));
  CHECK(has(statements_sql(130000, std::nullopt, "public"), "sum(total_exec_time)"));
  CHECK(has(statements_sql(130000, std::string("1.7"), "public"), "sum(total_time)"));  // not updated
  CHECK(has(statements_sql(160000, std::string("1.10"), "\"x\""), "sum(total_exec_time)"));
  CHECK(has(statements_sql(160000, std::string("1.10"), "\"x\""), "\"x\".pg_stat_statements(false)"));
  CHECK(version_text(150004) == "15.4");
}

TEST_CASE("pg sampler: parsers turn rows into counters and gauges") {
  auto qs = section_queries(160000, nullptr);
  json db = find_section(qs, "database")
                ->parse(rows({"xact_commit", "blk_read_time", "stats_reset"}, {{"12", std::nullopt, "2025-01-01"}}));
  CHECK(db["counters"]["xact_commit"] == 12);
  CHECK(db["counters"]["blk_read_time"] == 0);
  CHECK(db["reset"] == "2025-01-01");

  json act = find_section(qs, "activity")
                 ->parse(rows(
                     {"lock_waiters", "state", "wait_event_type", "n"},
                     {{"2", "active", std::nullopt, "3"}, {"2", "active", "Lock", "2"}, {"2", "idle", "Client", "4"}}));
  CHECK(act["gauges"]["sessions"] == 9);
  CHECK(act["gauges"]["by_state"]["active"] == 5);
  CHECK(act["gauges"]["by_wait_event_type"]["none"] == 3);
  CHECK(act["gauges"]["by_wait_event_type"]["Lock"] == 2);
  CHECK(act["gauges"]["lock_waiters"] == 2);
  json quiet = find_section(qs, "activity")
                   ->parse(rows({"lock_waiters", "state", "wait_event_type", "n"},
                                {{"0", std::nullopt, std::nullopt, std::nullopt}}));
  CHECK(quiet["gauges"]["sessions"] == 0);

  const auto *rep = find_section(qs, "replication");
  CHECK(rep->parse(rows({"pid", "application_name"}, {})).is_null());  // no standby: no section
  json r = rep->parse(
      rows({"pid", "application_name", "state", "replay_lag_ms", "replay_lag_bytes"},
           {{"10", "walreceiver", "streaming", "1.5", "8192"}, {"11", "walreceiver", "streaming", std::nullopt, "0"}}));
  CHECK(r["gauges"]["walreceiver"]["replay_lag_bytes"] == 8192);
  CHECK(r["gauges"]["walreceiver#11"]["replay_lag_ms"].is_null());

  json io = find_section(qs, "io")->parse(
      rows({"backend_type", "reads", "hits", "stats_reset"}, {{"client backend", "3", "40", "r1"}}));
  CHECK(io["counters"]["client backend"]["hits"] == 40);
  CHECK(io["reset"] == "r1");
}

TEST_CASE("pg sampler: top statements over a window, with resets and the sampler's own queries left out") {
  StatementSnapshot a{0, {{1, 10, 100.0, 10}, {2, 5, 50.0, 5}, {3, 100, 1000.0, 0}}};
  StatementSnapshot b{1e6, {{1, 20, 300.0, 20}, {2, 2, 80.0, 2}, {3, 200, 2000.0, 0}, {4, 1, 5.0, 1}}};
  json t = top_statements(a, b, {{1, "SELECT 1"}, {2, "UPDATE t"}}, {3}, 2);
  REQUIRE(t["top"].size() == 2);
  CHECK(t["top"][0]["queryid"] == "1");
  CHECK(t["top"][0]["query"] == "SELECT 1");
  CHECK(t["top"][0]["calls"] == 10);
  CHECK(t["top"][0]["total_exec_time_ms"].get<double>() == doctest::Approx(200));
  CHECK(t["top"][0]["mean_exec_time_ms"].get<double>() == doctest::Approx(20));
  CHECK(t["top"][1]["queryid"] == "2");  // calls went 5 -> 2: reset, so 2 calls and 80 ms
  CHECK(t["top"][1]["total_exec_time_ms"].get<double>() == doctest::Approx(80));
  CHECK(t["calls"] == 10 + 2 + 1);  // 3 is excluded, 4 is below the top 2 but in the totals
  CHECK(t["total_exec_time_ms"].get<double>() == doctest::Approx(285));

  Rows r = rows({"queryid", "calls", "total_ms", "rows"},
                {{"-5", "1", "0.5", "1"}, {std::nullopt, "9", "9", "9"}, {"-9", "2", "1", "0"}});
  StatementSnapshot s = parse_statements(r, 7);
  REQUIRE(s.rows.size() == 2);
  CHECK(s.rows[0].queryid == -9);  // sorted
}

TEST_CASE("pg sampler: window bounds and thinning of statement samples") {
  std::vector<double> t = {0, 10, 20, 30};
  CHECK(window_bounds(t, 15, 25) == std::pair<size_t, size_t>{1, 3});
  CHECK(window_bounds(t, 10, 20) == std::pair<size_t, size_t>{1, 2});
  CHECK(window_bounds(t, -5, 99) == std::pair<size_t, size_t>{0, 3});
  CHECK(window_bounds(t, 99, 100) == std::pair<size_t, size_t>{3, 3});

  std::vector<StatementSnapshot> v;
  for (int i = 0; i < 9; ++i) v.push_back({double(i), {{1, i, 0, 0}, {2, i, 0, 0}}});
  CHECK_FALSE(thin_statements(v, 100));
  CHECK(thin_statements(v, 10));
  CHECK(v.size() == 5);
  CHECK(v.front().t_us == 0);
  CHECK(v.back().t_us == 8);
}

TEST_CASE("pg sampler: notes say why a section is missing and how to enable it") {
  StatementsProbe p{"bench", std::nullopt, std::nullopt, true, std::string("")};
  auto n = statements_note(p);
  REQUIRE(n);
  CHECK(has(*n, "not installed in database \"bench\""));
  CHECK(has(*n, "CREATE EXTENSION pg_stat_statements"));
  CHECK(has(*n, "shared_preload_libraries"));
  p.preload = "pg_stat_statements";
  CHECK_FALSE(has(*statements_note(p), "shared_preload_libraries"));
  p.schema = "public";
  CHECK_FALSE(statements_note(p).has_value());
  p.preload = "auto_explain";
  CHECK(has(*statements_note(p), "not loaded"));
  p = StatementsProbe{"bench", std::nullopt, std::nullopt, false, std::nullopt};
  CHECK(has(*statements_note(p), "contrib"));

  SectionQuery q{"wal", "pg_stat_wal", "", nullptr};
  CHECK(
      has(failure_note(q, "42501", "permission denied for view pg_stat_wal\n", "bench"), "GRANT pg_monitor TO bench"));
  CHECK(has(failure_note(q, "42P01", "relation \"pg_stat_wal\" does not exist", "u"), "not available"));
}

TEST_CASE("pg sampler: samples a real server while it is written to" * doctest::skip(skip_sampler_server_tests())) {
  stormdb::EphemeralServerOptions so;
  so.quiet = true;
  so.settings = {"shared_preload_libraries=pg_stat_statements"};
  auto server = stormdb::EphemeralServer::start(so);

  auto t0 = std::chrono::steady_clock::now();
  auto clock = [t0] {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  };
  PGconn *w = PQconnectdb(server->conninfo().c_str());
  REQUIRE(PQstatus(w) == CONNECTION_OK);
  auto exec = [w](const std::string &sql) {
    PGresult *r = PQexec(w, sql.c_str());
    auto st = PQresultStatus(r);
    INFO(sql << ": " << PQresultErrorMessage(r));
    CHECK((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK));
    PQclear(r);
  };
  // Makes this backend's pending table/WAL statistics visible now (15+; before, within ~0.5 s).
  auto flush_stats = [&] {
    if (PQserverVersion(w) >= 150000) exec("SELECT pg_stat_force_next_flush()");
  };

  stormdb::PgSampler s({server->conninfo(), 0.2, 5});
  s.set_clock(clock);
  REQUIRE(s.start());
  CHECK(s.server_version() >= 120000);
  double from = clock();
  exec("CREATE TABLE t (id int PRIMARY KEY, v text)");
  for (int k = 0; k < 4; ++k)
    exec("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(" + std::to_string(k * 2500 + 1) + ", " +
         std::to_string((k + 1) * 2500) + ") g");
  CHECK(s.intervals().is_array());  // readers may call while the sampler runs
  exec("CHECKPOINT");
  flush_stats();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  double to = clock();
  s.stop();

  json iv = s.intervals();
  REQUIRE(iv.size() >= 2);
  CHECK(iv[0]["span_s"].get<double>() > 0.1);
  CHECK(iv[0].contains("database"));
  CHECK(iv[0].contains("activity"));
  json win = s.window(from, to);
  INFO(win.dump(1));
  REQUIRE(win.contains("database"));
  CHECK(win["database"]["xact_commit"].get<int64_t>() > 0);
  CHECK(win["database"]["hit_ratio"].is_number());
  CHECK(win["database"]["hit_ratio"].get<double>() >= 0);
  CHECK(win["database"]["hit_ratio"].get<double>() <= 1);
  if (s.server_version() >= 140000) CHECK(win["wal"]["wal_bytes"].get<int64_t>() > 0);
  CHECK(win["checkpointer"]["checkpoints"].get<int64_t>() >= 1);
  CHECK(win["tables"]["n_live_tup"].get<int64_t>() >= 10000);
  CHECK(win["tables"]["n_tup_upd"] == 0);
  CHECK(win["activity"]["sessions"].get<int64_t>() >= 1);  // the writer
  CHECK_FALSE(win.contains("statements"));
  bool pgss_note = false;
  for (const auto &n : s.notes())
    pgss_note |= has(n, "pg_stat_statements is not installed") && has(n, "CREATE EXTENSION");
  CHECK(pgss_note);

  // With the extension created, the window also names the top statements (and not the sampler's).
  exec("CREATE EXTENSION pg_stat_statements");
  stormdb::PgSampler s2({server->conninfo(), 0.2, 3});
  REQUIRE(s2.start());
  for (int k = 0; k < 50; ++k) exec("UPDATE t SET v = 'x' WHERE id = " + std::to_string(k + 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  s2.stop();
  json w2 = s2.window(-std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity());
  INFO(w2.dump(1));
  REQUIRE(w2.contains("statements"));
  REQUIRE(w2["statements"]["top"].size() >= 1);
  bool update_seen = false;
  for (const auto &st : w2["statements"]["top"]) {
    CHECK_FALSE(has(st["query"].is_string() ? st["query"].get<std::string>() : "", kSamplerTag));
    if (st["query"].is_string() && has(st["query"].get<std::string>(), "UPDATE t")) {
      update_seen = true;
      CHECK(st["calls"] == 50);
    }
  }
  CHECK(update_seen);

  // A role that may not read a view loses that section (with a note) and keeps the others; a
  // sampler whose backend is killed reconnects and goes on.
  exec("CREATE ROLE bench LOGIN");
  exec("REVOKE SELECT ON pg_stat_bgwriter FROM PUBLIC");
  std::string bench = server->conninfo();
  bench.replace(bench.find("user=postgres"), 13, "user=bench");
  stormdb::PgSampler s3({bench, 0.2, 3});
  REQUIRE(s3.start());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'bench'");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  s3.stop();
  json last = s3.intervals().back();
  INFO(last.dump(1));
  CHECK_FALSE(last.contains("bgwriter"));
  CHECK_FALSE(last.contains("checkpointer"));
  CHECK(last.contains("database"));
  std::string all_notes;
  for (const auto &n : s3.notes()) all_notes += n + "\n";
  INFO(all_notes);
  CHECK(has(all_notes, "bgwriter is not sampled: permission denied"));
  CHECK(has(all_notes, "GRANT pg_monitor TO bench"));
  CHECK(has(all_notes, "reconnected"));
  PQfinish(w);
}

TEST_CASE("pg sampler: an unreachable server gives a note, not an exception") {
  stormdb::PgSampler s({"host=/nonexistent-stormdb-dir port=1 connect_timeout=1", 0.2, 3});
  CHECK_FALSE(s.start());
  REQUIRE(s.notes().size() == 1);
  CHECK(has(s.notes()[0], "cannot connect"));
  CHECK(s.intervals().empty());
  CHECK(s.window(0, 1e9).empty());
  s.stop();  // harmless
}
