// Non-blocking libpq connection: extended-protocol sends, result collection, COPY IN (connecting: connection_connect.cpp).
#include "pg/connection.h"

#include "pg/literal_sql.h"
#include "pg/pipeline.h"
#include "pg/sqlstate.h"

#include <libpq-fe.h>
#include <sys/epoll.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {
constexpr size_t kCopyChunk = 256 * 1024;

// Formats a Lua number as PostgreSQL accepts it: integral values without a fraction (so they
// bind to integer parameters), others in the shortest round-trip form.
size_t format_number(double v, char *buf, size_t cap) {
  char *end;
  if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.2e18) {
    end = std::to_chars(buf, buf + cap - 1, static_cast<int64_t>(v)).ptr;
  } else if (std::isnan(v)) {
    end = std::copy_n("NaN", 3, buf);
  } else if (std::isinf(v)) {
    end = v > 0 ? std::copy_n("Infinity", 8, buf) : std::copy_n("-Infinity", 9, buf);
  } else {
    end = std::to_chars(buf, buf + cap - 1, v).ptr;
  }
  *end = '\0';
  return static_cast<size_t>(end - buf);
}
}  // namespace

void sdb_conn::want(bool write) {
  if (fd_ < 0) return;
  if (fd_ == watched_fd_ && write == watched_write_) return;
  host_->watch(this, fd_, write);
  watched_fd_ = fd_;
  watched_write_ = write;
}

void sdb_conn::stop_watching() {
  if (watched_fd_ >= 0) host_->unwatch(this, watched_fd_);
  watched_fd_ = -1;
}

sdb_conn::~sdb_conn() {
  disconnect();
  delete pipe_;
}

bool sdb_conn::ok() const {
  return pg_ && PQstatus(pg_) == CONNECTION_OK && state_ != State::kClosed && state_ != State::kConnecting;
}

int sdb_conn::server_version() const { return pg_ ? PQserverVersion(pg_) : 0; }

void sdb_conn::clear_result() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  res_status_ = 0;
  had_error_ = false;
  pending_stmt_ = -1;  // every request starts here: a prepare cut short (abort_request) is forgotten
}

void sdb_conn::disconnect() {
  leave_gate();
  clear_result();
  if (pipe_) pipe_->reset();
  stop_watching();
  fd_ = -1;
  if (pg_) PQfinish(pg_);
  pg_ = nullptr;
  state_ = State::kClosed;
}

void sdb_conn::abort_request(const char *why, const char *sqlstate) {
  bool waiting = state_ == State::kBusy || state_ == State::kConnecting || state_ == State::kConnectQueued ||
                 state_ == State::kCopyFlush;
  disconnect();
  if (!waiting) return;
  err_sqlstate_ = sqlstate;
  err_message_ = why;
  err_detail_.clear();
  err_hint_.clear();
  res_status_ = -1;
  host_->complete(this);
}

bool sdb_conn::cut_short(const char *why) {
  if (state_ != State::kBusy && state_ != State::kConnecting && state_ != State::kConnectQueued &&
      state_ != State::kCopyFlush)
    return false;
  PGcancel *cancel = state_ == State::kConnecting || state_ == State::kConnectQueued ? nullptr : PQgetCancel(pg_);
  if (cancel) {
    try {
      std::thread([cancel] {
        char err[256];
        PQcancel(cancel, err, sizeof err);
        PQfreeCancel(cancel);
      }).detach();
    } catch (const std::system_error &) {
      PQfreeCancel(cancel);  // no thread to spare: the server ends the query when it sees the close
    }
  }
  abort_request(why, "57014");
  return true;
}

void sdb_conn::set_error(PGresult *r) {
  auto field = [r](int code) {
    const char *v = PQresultErrorField(r, code);
    return std::string(v ? v : "");
  };
  err_sqlstate_ = field(PG_DIAG_SQLSTATE);
  err_message_ = field(PG_DIAG_MESSAGE_PRIMARY);
  err_detail_ = field(PG_DIAG_MESSAGE_DETAIL);
  err_hint_ = field(PG_DIAG_MESSAGE_HINT);
  if (err_sqlstate_.empty() && !fatal_sqlstate_.empty()) {
    // libpq's own "server closed the connection" result: the server said why before (on_notice).
    err_sqlstate_ = fatal_sqlstate_;
    err_message_ = fatal_message_;
  }
  if (err_message_.empty()) {
    const char *m = PQresultErrorMessage(r);
    err_message_ = m ? m : "unknown error";
  }
}

void sdb_conn::collect_last_words() {
  if (!pg_ || PQstatus(pg_) != CONNECTION_BAD) return;
  // On a dead connection PQgetResult never waits: it parses what was read (an idle session's
  // FATAL goes to on_notice) and then reports the loss, once.
  while (PGresult *r = PQgetResult(pg_)) {
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (fatal_sqlstate_.empty() && code && *code) {
      const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
      note_fatal(code, msg ? msg : "");
    }
    PQclear(r);
  }
}

void sdb_conn::note_fatal(const std::string &sqlstate, const std::string &message) {
  fatal_sqlstate_ = sqlstate;
  fatal_message_ = message;
}

void sdb_conn::set_conn_error(const char *fallback) {
  std::string m = pg_ ? PQerrorMessage(pg_) : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  err_sqlstate_ = fatal_sqlstate_;
  err_message_ = !fatal_message_.empty() ? fatal_message_ : (m.empty() ? fallback : m);
  err_detail_.clear();
  err_hint_.clear();
}

int32_t sdb_conn::fail_now(const char *what) {
  collect_last_words();  // a send fails on a closed socket after libpq read the server's FATAL
  set_conn_error(what);
  res_status_ = -1;
  if (pg_ && PQstatus(pg_) == CONNECTION_BAD) {
    stop_watching();
    fd_ = -1;
    state_ = State::kClosed;
  }
  return -1;
}

int32_t sdb_conn::started() {
  state_ = State::kBusy;
  int f = PQflush(pg_);
  if (f < 0) return fail_now("could not send the query");
  want(f == 1);
  return 0;
}

const char *const *sdb_conn::bind(int32_t n, const sdb_param *p) {
  if (static_cast<int32_t>(values_.size()) < n) {
    values_.resize(n);
    num_text_.resize(n);
  }
  for (int32_t i = 0; i < n; i++) {
    switch (p[i].kind) {
      case 1:
        format_number(p[i].num, num_text_[i].data(), num_text_[i].size());
        values_[i] = num_text_[i].data();
        break;
      case 2:
        values_[i] = p[i].str;
        break;
      case 3:
        values_[i] = p[i].num != 0 ? "true" : "false";
        break;
      default:
        values_[i] = nullptr;
    }
  }
  return values_.data();
}

int32_t sdb_conn::send_query(const char *sql) {
  if (!ok()) return fail_now("not connected");
  clear_result();
  if (!PQsendQuery(pg_, sql)) return fail_now("could not send the query");
  return started();
}

int32_t sdb_conn::send_params(const char *sql, int32_t n, const sdb_param *p) {
  if (!ok()) return fail_now("not connected");
  clear_result();
  if (!PQsendQueryParams(pg_, sql, n, nullptr, bind(n, p), nullptr, nullptr, 0))
    return fail_now("could not send the query");
  return started();
}

int32_t sdb_conn::send_prepare(const char *name, const char *sql) {
  if (!ok()) return fail_now("not connected");
  clear_result();
  if (!PQsendPrepare(pg_, name, sql, 0, nullptr)) return fail_now("could not send the prepare");
  int32_t idx = -1;
  for (size_t i = 0; i < stmt_names_.size(); i++)
    if (stmt_names_[i] == name) idx = static_cast<int32_t>(i);
  if (idx < 0) {
    stmt_names_.emplace_back(name);
    idx = static_cast<int32_t>(stmt_names_.size() - 1);
    pending_stmt_ = idx;
  }
  return started() == 0 ? idx : -1;
}

int32_t sdb_conn::send_prepared(int32_t stmt, int32_t n, const sdb_param *p) {
  if (!ok()) return fail_now("not connected");
  if (!has_statement(stmt)) return fail_now("unknown statement");
  clear_result();
  if (!PQsendQueryPrepared(pg_, stmt_names_[stmt].c_str(), n, bind(n, p), nullptr, nullptr, 0))
    return fail_now("could not send the query");
  return started();
}

int32_t sdb_conn::send_prepare_at(int32_t slot, const char *name, const char *sql) {
  if (!ok()) return fail_now("not connected");
  if (slot < 0 || !*name) return fail_now("bad statement slot");
  clear_result();
  if (!PQsendPrepare(pg_, name, sql, 0, nullptr)) return fail_now("could not send the prepare");
  if (!has_statement(slot)) pending_stmt_ = slot;
  if (static_cast<size_t>(slot) >= stmt_names_.size()) stmt_names_.resize(slot + 1);
  stmt_names_[slot] = name;
  return started();
}

bool sdb_conn::has_statement(int32_t slot) const {
  return slot >= 0 && static_cast<size_t>(slot) < stmt_names_.size() && !stmt_names_[slot].empty();
}

int32_t sdb_conn::send_literal(const char *sql, int32_t n, const sdb_param *p) {
  if (!ok()) return fail_now("not connected");
  std::string text, why = stormdb::inline_literals(pg_, sql, n, bind(n, p), text);
  if (!why.empty()) {  // the script's fault, not the connection's: SQLSTATE 42P02 undefined_parameter
    err_sqlstate_ = "42P02";
    err_message_ = why;
    err_detail_.clear();
    err_hint_.clear();
    res_status_ = -1;
    return -1;
  }
  clear_result();
  if (!PQsendQuery(pg_, text.c_str())) return fail_now("could not send the query");
  return started();
}

int32_t sdb_conn::txn_status() const {
  if (!pg_ || PQstatus(pg_) != CONNECTION_OK) return 3;
  switch (PQtransactionStatus(pg_)) {
    case PQTRANS_IDLE:
      return 0;
    case PQTRANS_INTRANS:
    case PQTRANS_ACTIVE:
      return 1;
    case PQTRANS_INERROR:
      return 2;
    default:
      return 3;
  }
}

void sdb_conn::finish_request() {
  if (had_error_) res_status_ = -1;
  // A failed prepare made no statement: the next use must prepare it again, not Execute a name
  // the session does not have (26000 invalid_sql_statement_name instead of the prepare's error).
  if (pending_stmt_ >= 0 && had_error_) stmt_names_[pending_stmt_].clear();
  pending_stmt_ = -1;
  if (PQstatus(pg_) == CONNECTION_BAD) {
    stop_watching();
    fd_ = -1;
    state_ = State::kClosed;
    if (!had_error_) {
      set_conn_error("connection lost");
      res_status_ = -1;
    }
  } else if (state_ != State::kCopyIn) {
    state_ = State::kIdle;
    want(false);
  }
  host_->complete(this);
}

void sdb_conn::read_results() {
  if (!PQconsumeInput(pg_)) {
    // The server may have said why before closing (FATAL 57P01 ...): collect what was read.
    while (PGresult *r = PQgetResult(pg_)) {
      if (!had_error_ && PQresultStatus(r) == PGRES_FATAL_ERROR) {
        set_error(r);
        had_error_ = true;
      }
      PQclear(r);
    }
    if (!had_error_) set_conn_error("connection lost");
    had_error_ = true;
    finish_request();
    return;
  }
  while (!PQisBusy(pg_)) {
    PGresult *r = PQgetResult(pg_);
    if (!r) {
      finish_request();
      return;
    }
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COPY_IN) {
      if (result_) PQclear(result_);
      result_ = r;
      res_status_ = 2;
      state_ = State::kCopyIn;
      copy_buf_.clear();
      copy_row_start_ = true;
      want(false);
      host_->complete(this);
      return;
    }
    if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) {
      if (!had_error_) set_error(r);  // the first error of a multi-statement string is the cause
      had_error_ = true;
      PQclear(r);
      continue;
    }
    if (had_error_) {
      PQclear(r);
      continue;
    }
    if (result_) PQclear(result_);
    result_ = r;
    res_status_ = st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE ? 1 : 0;
  }
}

void sdb_conn::on_io(uint32_t events) {
  if (!pg_) return;
  switch (state_) {
    case State::kConnecting:
      poll_connect();
      return;
    case State::kBusy:
    case State::kCopyFlush:
      if (events & EPOLLOUT) {
        int f = PQflush(pg_);
        if (f < 0) {
          had_error_ = true;
          set_conn_error("could not send data");
          finish_request();
          return;
        }
        if (f == 1) return;  // still more to send; keep write interest
        if (state_ == State::kCopyFlush) {
          state_ = State::kCopyIn;
          want(false);
          host_->complete(this);
          return;
        }
        want(false);
      }
      if (state_ == State::kBusy && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        if (pipe_ && pipe_->active())
          pipe_->on_input(*this);
        else
          read_results();
      }
      return;
    default:
      // Idle or in COPY: input here is a notice, or the server ending the session. PQisBusy
      // parses what was read, which hands a FATAL message to on_notice.
      bool read_ok = PQconsumeInput(pg_) != 0;
      if (state_ == State::kIdle) PQisBusy(pg_);
      if (!read_ok || PQstatus(pg_) == CONNECTION_BAD) {
        if (state_ == State::kIdle) collect_last_words();
        stop_watching();
        fd_ = -1;
        if (state_ != State::kCopyIn) state_ = State::kClosed;
      }
      return;
  }
}

// ---- COPY IN ----------------------------------------------------------------------------------

void sdb_conn::copy_sep() {
  if (!copy_row_start_) copy_buf_.push_back('\t');
  copy_row_start_ = false;
}

void sdb_conn::copy_num(double v) {
  copy_sep();
  char buf[32];
  size_t n = format_number(v, buf, sizeof buf);
  copy_buf_.append(buf, n);
}

void sdb_conn::copy_str(const char *s, int32_t len) {
  copy_sep();
  // Runs without a special character (nearly all generated text) are appended in one piece:
  // appending a byte at a time cost the native TPC-C loader ~15 % of its client CPU.
  const char *run = s, *end = s + len;
  for (const char *p = s; p < end; p++) {
    const char *esc;
    switch (*p) {
      case '\\':
        esc = "\\\\";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      default:
        continue;
    }
    copy_buf_.append(run, p - run);
    copy_buf_.append(esc, 2);
    run = p + 1;
  }
  copy_buf_.append(run, end - run);
}

void sdb_conn::copy_null() {
  copy_sep();
  copy_buf_ += "\\N";
}

int32_t sdb_conn::copy_put(bool end) {
  if (!copy_buf_.empty()) {
    if (PQputCopyData(pg_, copy_buf_.data(), static_cast<int>(copy_buf_.size())) != 1) return fail_now("COPY failed");
    copy_buf_.clear();
  }
  if (end && PQputCopyEnd(pg_, nullptr) != 1) return fail_now("COPY failed");
  return 0;
}

int32_t sdb_conn::copy_end_row() {
  copy_buf_.push_back('\n');
  copy_row_start_ = true;
  if (copy_buf_.size() < kCopyChunk) return 0;
  if (state_ != State::kCopyIn || copy_put(false) < 0) return -1;
  int f = PQflush(pg_);
  if (f < 0) return fail_now("COPY failed");
  if (f == 0) return 0;
  state_ = State::kCopyFlush;
  want(true);
  return 1;
}

int32_t sdb_conn::copy_finish() {
  // kCopyFlush: the last row filled the buffer and the socket has not taken it all yet (a C
  // generator returns after such a key, and it may be the COPY's last one). started() goes on
  // flushing it, then the end of COPY, before the result is read.
  if (state_ != State::kCopyIn && state_ != State::kCopyFlush) return fail_now("not in COPY");
  if (copy_put(true) < 0) return -1;
  clear_result();
  return started();
}
