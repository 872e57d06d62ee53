// A PostgreSQL statistics sampler: its own thread and blocking connection poll pg_stat_* views and give deltas per
// interval and over a measured window.
#include "monitor/pg_sampler.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "monitor/pg_delta.h"
#include "monitor/pg_queries.h"
#include "pg/text_session.h"

namespace stormdb {

using nlohmann::json;
using namespace pgmon;

namespace {

// Above this many pg_stat_statements entries kept over all polls (32 bytes each), every other
// statement sample is dropped: ~64 MB, i.e. hours of 1 s polls with thousands of statements.
constexpr size_t kMaxStatementRows = 2'000'000;

// How long stop() waits for the final snapshot before it leaves the sampler behind.
constexpr double kStopBudgetS = 1.5;

// A sampler query that hangs (e.g. behind a lock on a catalog) must not hang stop().
constexpr const char *kStatementTimeout = "SET /*stormdb-sampler*/ statement_timeout = 5000";

// libpq messages end in a newline and may span lines ("...failed: ...\n\tIs the server
// running..."): notes are one line each.
std::string trimmed(const std::string &in) {
  std::string s;
  for (char c : in) {
    bool space = c == '\n' || c == '\t' || c == ' ';
    if (space && (s.empty() || s.back() == ' ')) continue;
    s += space ? ' ' : c;
  }
  if (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// What one multi-statement query string gave back.
struct Batch {
  std::vector<Rows> results;  // one per statement that succeeded, in order
  int failed = -1;            // index of the statement that failed (the rest did not run)
  std::string sqlstate, message;
  bool conn_lost = false;
};

// Sends the statements as one simple-query string: one round trip and one implicit transaction,
// so the sampler adds one xact_commit per poll to the database it measures, not one per view.
Batch run_batch(TextSession &conn, const std::vector<std::string> &sqls) {
  std::string text;
  for (const auto &s : sqls) text += s + ";\n";
  TextBatch t = conn.run_batch(text);
  Batch b;
  for (auto &r : t.results) b.results.push_back(Rows{std::move(r.columns), std::move(r.values)});
  b.failed = t.failed;
  b.sqlstate = std::move(t.sqlstate);
  b.message = trimmed(t.message);
  b.conn_lost = t.conn_lost;
  return b;
}

// Errors that say nothing about the view itself (the connection, the server shutting down, a
// timeout, lack of memory): the poll is skipped and the next one tries again.
bool transient(const Batch &b) {
  if (b.conn_lost) return true;
  std::string cls = b.sqlstate.substr(0, 2);
  return cls == "08" || cls == "53" || cls == "57" || cls == "58" || cls == "40" || b.sqlstate.empty();
}

double steady_us() {
  using namespace std::chrono;
  return duration<double, std::micro>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

struct PgSampler::Impl {
  PgSamplerOptions opts;
  std::function<double()> clock = steady_us;
  TextSession conn;
  std::string user;

  std::thread thread;
  std::mutex wake_mu;
  std::condition_variable wake;
  bool stop_requested = false;  // under wake_mu
  bool loop_ended = false;      // under wake_mu: the thread took its final snapshot
  bool running = false;         // owner thread only
  bool abandoned = false;       // owner thread only: the thread was left waiting for the server

  // Poll state: used by the sampler thread, or by the owner once the thread is joined.
  std::vector<SectionQuery> queries;
  std::optional<SectionQuery> statements;
  std::string statements_schema;      // quoted identifier
  std::unordered_set<int64_t> asked;  // queryids whose text was looked up

  // Shared with readers, under mu.
  mutable std::mutex mu;
  std::vector<Snapshot> snapshots;
  std::vector<StatementSnapshot> stmt_samples;
  std::unordered_map<int64_t, std::string> texts;
  std::unordered_set<int64_t> own_ids;  // the sampler's own statements
  std::vector<std::string> notes;
  std::unordered_set<std::string> note_keys;
  int version = 0;

  // Adds a note unless one with the same key was added before.
  void note(const std::string &key, const std::string &text) {
    std::lock_guard lk(mu);
    if (note_keys.insert(key).second) notes.push_back(text);
  }
  void note(const std::string &text) { note(text, text); }

  bool connect();
  void setup();
  void setup_statements();
  bool ensure_connected();
  void poll();
  void record(const Batch &b, double t_us);
  void fetch_texts(const StatementSnapshot &s);
  void loop();
  void halt();
};

bool PgSampler::Impl::connect() {
  // Entries before dbname are defaults that the user's conninfo overrides.
  if (!conn.connect({{"connect_timeout", "5"}, {"fallback_application_name", "stormdb-sampler"}}, opts.conninfo)) {
    note("pg_stat sampler cannot connect, so no server statistics are reported: " + trimmed(conn.error()));
    conn.close();
    return false;
  }
  conn.exec(kStatementTimeout);
  return true;
}

void PgSampler::Impl::setup() {
  int v = conn.server_version();
  user = conn.user();
  {
    std::lock_guard lk(mu);
    version = v;
  }
  if (v < 120000)
    note(
        fmt::format("server {} is older than PostgreSQL 12, the oldest the sampler knows; "
                    "sections it cannot read are left out",
                    version_text(v)));
  std::vector<std::string> missing;
  queries = section_queries(v, &missing);
  for (const auto &m : missing) note(m);
  setup_statements();
}

void PgSampler::Impl::setup_statements() {
  SectionQuery probe{"statements", "pg_stat_statements", statements_probe_sql(), nullptr};
  Batch b = run_batch(conn, {probe.sql});
  if (b.failed >= 0 || b.results.empty()) {
    note(failure_note(probe, b.sqlstate, b.message, user));
    return;
  }
  StatementsProbe p = parse_statements_probe(b.results[0]);
  if (auto n = statements_note(p)) {
    note(*n);
    return;
  }
  std::optional<std::string> q = conn.quote_identifier(*p.schema);
  if (!q) return;
  statements_schema = *q;
  statements = SectionQuery{"statements", "pg_stat_statements",
                            statements_sql(conn.server_version(), p.version, statements_schema), nullptr};
}

bool PgSampler::Impl::ensure_connected() {
  if (conn.ok()) return true;
  if (!conn.reset()) return false;
  conn.exec(kStatementTimeout);
  note("pg_stat sampler reconnected after losing its connection; the intervals around the loss are merged");
  return true;
}

void PgSampler::Impl::poll() {
  // Each failure disables one section and runs the batch again, so this ends.
  for (size_t attempt = 0; attempt <= queries.size() + 1; ++attempt) {
    if (!ensure_connected()) {
      note("lost", "pg_stat sampler lost its connection (" + trimmed(conn.error()) +
                       "); polls are skipped until it reconnects");
      return;
    }
    std::vector<std::string> sqls;
    for (const auto &q : queries) sqls.push_back(q.sql);
    if (statements) sqls.push_back(statements->sql);
    double t0 = clock();
    Batch b = run_batch(conn, sqls);
    double t1 = clock();
    if (b.failed < 0 && !b.conn_lost && b.results.size() == sqls.size()) {
      record(b, (t0 + t1) / 2);  // the midpoint: the views were read somewhere in between
      return;
    }
    if (transient(b)) {
      note("transient:" + b.sqlstate, fmt::format("a pg_stat poll failed and was skipped ({}); its interval is "
                                                  "merged into the next one",
                                                  b.message));
      return;
    }
    size_t i = static_cast<size_t>(b.failed);
    if (i < queries.size()) {
      note(failure_note(queries[i], b.sqlstate, b.message, user));
      queries.erase(queries.begin() + static_cast<long>(i));
    } else if (statements) {
      note(failure_note(*statements, b.sqlstate, b.message, user));
      statements.reset();
    } else {
      return;  // a result count mismatch without an error: nothing to disable, try next time
    }
  }
}

void PgSampler::Impl::record(const Batch &b, double t_us) {
  Snapshot snap{t_us, json::object()};
  for (size_t i = 0; i < queries.size(); ++i) {
    SectionSnapshot s = queries[i].parse(b.results[i]);
    if (!s.is_null()) snap.sections[queries[i].section] = std::move(s);
  }
  if (auto a = snap.sections.find("activity"); a != snap.sections.end())
    if ((*a)["gauges"]["by_state"].contains("unknown"))
      note("activity-hidden", fmt::format("activity: sessions of other roles show no state and count as "
                                          "\"unknown\"; GRANT pg_read_all_stats TO {} to see them",
                                          user));
  std::optional<StatementSnapshot> ss;
  if (statements) {
    ss = parse_statements(b.results.back(), t_us);
    fetch_texts(*ss);
  }
  std::lock_guard lk(mu);
  snapshots.push_back(std::move(snap));
  if (ss) {
    stmt_samples.push_back(std::move(*ss));
    thin_statements(stmt_samples, kMaxStatementRows);
  }
}

// Query texts are read only for queryids not seen before: reading them makes the server read
// pg_stat_statements' whole text file.
void PgSampler::Impl::fetch_texts(const StatementSnapshot &s) {
  std::vector<int64_t> ids;
  for (const auto &r : s.rows)
    if (!asked.count(r.queryid)) ids.push_back(r.queryid);
  if (ids.empty()) return;
  Batch b = run_batch(conn, {statement_texts_sql(statements_schema, ids)});
  if (b.failed >= 0 || b.results.empty()) return;  // texts are a nicety: try again next poll
  asked.insert(ids.begin(), ids.end());
  const Rows &r = b.results[0];
  std::lock_guard lk(mu);
  for (size_t i = 0; i < r.values.size(); ++i) {
    json id = parse_number(r.get(i, "queryid"));
    auto text = r.get(i, "query");
    if (!id.is_number_integer() || !text) continue;
    if (text->find(kSamplerTag) != std::string::npos) own_ids.insert(id.get<int64_t>());
    texts[id.get<int64_t>()] = *text;
  }
}

void PgSampler::Impl::loop() {
  using namespace std::chrono;
  auto period = duration_cast<steady_clock::duration>(duration<double>(opts.interval_s));
  auto next = steady_clock::now() + period;
  std::unique_lock lk(wake_mu);
  while (!stop_requested) {
    if (wake.wait_until(lk, next, [&] { return stop_requested; })) break;
    lk.unlock();
    poll();
    lk.lock();
    // A poll slower than the period skips ticks rather than running back to back.
    next += period;
    if (auto now = steady_clock::now(); next <= now) next = now + period;
  }
  lk.unlock();
  poll();  // the final snapshot
  lk.lock();
  loop_ended = true;
  wake.notify_all();
}

void PgSampler::Impl::halt() {
  std::unique_lock lk(wake_mu);
  stop_requested = true;
  wake.notify_all();
  if (!thread.joinable()) return;
  // A frozen server never answers (statement_timeout needs a running server): the stop waits
  // a bounded time, then leaves the thread and its connection behind.
  if (!wake.wait_for(lk, std::chrono::duration<double>(kStopBudgetS), [&] { return loop_ended; })) {
    thread.detach();
    abandoned = true;
    lk.unlock();
    note(
        fmt::format("the pg_stat sampler got no answer from the server within {} s at the end of the run: its last "
                    "snapshot is missing",
                    kStopBudgetS));
    return;
  }
  lk.unlock();
  thread.join();
}

PgSampler::PgSampler(PgSamplerOptions o) : impl_(std::make_unique<Impl>()) {
  if (!(o.interval_s > 0)) o.interval_s = 1;
  impl_->opts = std::move(o);
}

PgSampler::~PgSampler() {
  impl_->halt();
  if (impl_->abandoned) {
    (void)impl_.release();  // its thread may still wake up and use it
    return;
  }
  impl_->conn.close();
}

bool PgSampler::start() {
  Impl &s = *impl_;
  if (s.running) return true;
  if (!s.conn.open() && !s.connect()) return false;
  s.setup();
  s.poll();
  s.stop_requested = false;
  s.loop_ended = false;
  s.thread = std::thread([&s] { s.loop(); });
  s.running = true;
  return true;
}

void PgSampler::stop() {
  Impl &s = *impl_;
  if (!s.running) return;
  s.halt();  // the sampler's thread takes the final snapshot
  s.running = false;
  if (s.abandoned) return;
  s.conn.close();
}

json PgSampler::intervals() const {
  std::lock_guard lk(impl_->mu);
  const auto &snaps = impl_->snapshots;
  json out = json::array();
  for (size_t i = 1; i < snaps.size(); ++i) out.push_back(snapshot_delta(snaps[i - 1], snaps[i]));
  return out;
}

json PgSampler::window(double from_us, double to_us) const {
  const Impl &s = *impl_;
  std::lock_guard lk(s.mu);
  if (s.snapshots.size() < 2) return json::object();
  std::vector<double> times;
  for (const auto &snap : s.snapshots) times.push_back(snap.t_us);
  auto [a, b] = window_bounds(times, from_us, to_us);
  json rec = snapshot_delta(s.snapshots[a], s.snapshots[b]);
  if (s.stmt_samples.size() >= 2) {
    times.clear();
    for (const auto &st : s.stmt_samples) times.push_back(st.t_us);
    auto [sa, sb] = window_bounds(times, from_us, to_us);
    rec["statements"] =
        top_statements(s.stmt_samples[sa], s.stmt_samples[sb], s.texts, s.own_ids, s.opts.top_statements);
  }
  return rec;
}

std::vector<std::string> PgSampler::notes() const {
  std::lock_guard lk(impl_->mu);
  return impl_->notes;
}

int PgSampler::server_version() const {
  std::lock_guard lk(impl_->mu);
  return impl_->version;
}

void PgSampler::set_clock(std::function<double()> now_us) {
  if (now_us) impl_->clock = std::move(now_us);
}

}  // namespace stormdb
