// sdb_conn's connection attempts: the ConnectGate, libpq's async handshake, connect_timeout and notices.
#include "pg/connection.h"

#include "pg/connect_gate.h"
#include "pg/sqlstate.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// Notices are dropped, except the server's reason for ending the session: a FATAL on an idle
// session (pg_terminate_backend and fast shutdown: 57P01), or the WARNING a backend sends as it
// quits on an immediate shutdown (57P01) or after another server process crashed (57P02). It is
// kept so that the request that finds the connection gone reports that SQLSTATE rather than a
// bare "connection lost".
void on_notice(void *arg, const PGresult *r) {
  const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  bool fatal = sev && (std::strcmp(sev, "FATAL") == 0 || std::strcmp(sev, "PANIC") == 0);
  if (!fatal && !(code && *code && stormdb::sqlstate_is_connection_loss(code))) return;
  auto *c = static_cast<sdb_conn *>(arg);
  const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  c->note_fatal(code ? code : "", msg ? msg : "");
}

// The connect timeout that applies to pg (conninfo or PGCONNECT_TIMEOUT, as libpq resolved
// them; 0: none asked for), or the default when neither set one. libpq only enforces it in
// blocking connects; PQconnectPoll never gives up by itself.
double connect_timeout_of(PGconn *pg) {
  double s = stormdb::kDefaultConnectTimeoutS;
  if (PQconninfoOption *opts = PQconninfo(pg)) {
    for (PQconninfoOption *o = opts; o->keyword; o++)
      if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) s = std::atoi(o->val);
    PQconninfoFree(opts);
  }
  return s > 0 && s < 2 ? 2 : s;  // as libpq: one second is too short to be reliable
}

std::string timeout_message(double s) {
  char m[200];
  std::snprintf(m, sizeof m,
                "timeout expired: no answer within %g s (connect_timeout; set connect_timeout=N in the "
                "conninfo to change it)",
                s);
  return m;
}
}  // namespace

std::string stormdb::default_connect_timeout() {
  const char *env = std::getenv("PGCONNECT_TIMEOUT");
  return env && *env ? env : std::to_string(kDefaultConnectTimeoutS);
}

void sdb_conn::leave_gate() {
  stormdb::ConnectGate *gate = host_->connect_gate();
  if (!gate) return;
  if (state_ == State::kConnectQueued) gate->drop(this);
  if (holds_gate_place_) {
    holds_gate_place_ = false;
    gate->release();
  }
}

int32_t sdb_conn::connect() {
  disconnect();
  stmt_names_.clear();  // a new session has no prepared statements (db:prepare's indexes are re-made in order)
  if (stormdb::ConnectGate *gate = host_->connect_gate()) {
    if (!gate->admit(this)) {
      state_ = State::kConnectQueued;
      return 0;
    }
    holds_gate_place_ = true;
  }
  if (start_attempt()) return 0;
  leave_gate();
  return -1;
}

void sdb_conn::start_queued() {
  holds_gate_place_ = true;
  if (start_attempt()) return;
  leave_gate();
  host_->complete(this);  // its owner waits for the attempt to end
}

bool sdb_conn::start_attempt() {
  pg_ = PQconnectStart(conninfo_->c_str());
  const char *failed = !pg_ ? "out of memory starting a connection"
                       : PQstatus(pg_) == CONNECTION_BAD ? "invalid connection string"
                                                         : nullptr;
  if (failed) {
    fail_now(failed);
    state_ = State::kClosed;
    return false;
  }
  PQsetNoticeReceiver(pg_, on_notice, this);
  fatal_sqlstate_.clear();
  state_ = State::kConnecting;
  fd_ = PQsocket(pg_);
  want(true);  // libpq: behave as if PGRES_POLLING_WRITING first
  connect_timeout_s_ = connect_timeout_of(pg_);
  if (connect_timeout_s_ > 0) host_->add_deadline(this, connect_timeout_s_ * 1e6, ++connect_generation_);
  return true;
}

void sdb_conn::poll_connect() {
  PostgresPollingStatusType st = PQconnectPoll(pg_);
  int fd = PQsocket(pg_);
  if (fd != fd_) stop_watching();
  // libpq may have closed and reopened the socket (next host, SSL/GSS fallback), possibly under
  // the same number, so register again rather than trust the cached interest.
  fd_ = fd;
  watched_fd_ = -1;
  switch (st) {
    case PGRES_POLLING_READING:
      want(false);
      return;
    case PGRES_POLLING_WRITING:
      want(true);
      return;
    case PGRES_POLLING_OK:
      PQsetnonblocking(pg_, 1);
      state_ = State::kIdle;
      want(false);
      res_status_ = 0;
      break;
    default:
      set_conn_error("could not connect");
      res_status_ = -1;
      stop_watching();
      fd_ = -1;
      PQfinish(pg_);
      pg_ = nullptr;
      state_ = State::kClosed;
      break;
  }
  leave_gate();
  host_->complete(this);
}

void sdb_conn::on_deadline(uint64_t generation) {
  if (state_ != State::kConnecting || generation != connect_generation_) return;
  std::string m = timeout_message(connect_timeout_s_);
  abort_request(m.c_str(), "08001");
}
