// One non-blocking libpq connection driven by a thread's event loop: connect, queries, COPY, errors.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "pg/pg_ffi.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace stormdb {

class Pipeline;
class ConnectGate;

// What a connection needs from the event loop that drives it.
class ConnHost {
 public:
  virtual ~ConnHost() = default;
  // Watch fd for readability, and for writability when `write` is set (replaces earlier interest).
  virtual void watch(sdb_conn *c, int fd, bool write) = 0;
  virtual void unwatch(sdb_conn *c, int fd) = 0;
  // The request in flight (connect, query, COPY flush) has ended: resume whoever waits on c.
  virtual void complete(sdb_conn *c) = 0;
  // Calls c->on_deadline(generation) after_us from now (connect timeouts).
  virtual void add_deadline(sdb_conn *c, double after_us, uint64_t generation) = 0;
  // The gate that spaces out this loop's connection attempts (see ConnectGate), or none.
  virtual ConnectGate *connect_gate() { return nullptr; }
};

// Seconds a connection attempt may take when neither the conninfo nor PGCONNECT_TIMEOUT sets
// connect_timeout (libpq's own default is to wait for ever).
constexpr int kDefaultConnectTimeoutS = 10;
// connect_timeout for a blocking libpq connect: PGCONNECT_TIMEOUT if set, else the default above;
// pass it as a default keyword before "dbname" so that the conninfo still overrides it.
std::string default_connect_timeout();

}  // namespace stormdb

// Defined at global scope because the FFI header declares `struct sdb_conn`.
struct sdb_conn {
  // kConnectQueued: connect() was called, and the attempt waits for a place at the host's
  // ConnectGate (no socket yet; the connect timeout has not started).
  enum class State { kClosed, kConnectQueued, kConnecting, kIdle, kBusy, kCopyIn, kCopyFlush };

  sdb_conn(stormdb::ConnHost *host, const std::string *conninfo, void *owner)
      : host_(host), conninfo_(conninfo), owner_(owner) {}
  ~sdb_conn();
  sdb_conn(const sdb_conn &) = delete;
  sdb_conn &operator=(const sdb_conn &) = delete;

  // Called by the event loop when the socket is ready (events are EPOLLIN/EPOLLOUT bits).
  void on_io(uint32_t events);

  // Starts a connection attempt (or queues it at the host's ConnectGate); 0, or -1 when it
  // failed at once (the error is set). The host's complete() follows when it ends either way.
  int32_t connect();
  // Called by the ConnectGate: the queued attempt may start now.
  void start_queued();
  void disconnect();
  // Ends the request in flight (if any) as failed with `why` (and `sqlstate`) and closes the
  // connection.
  void abort_request(const char *why, const char *sqlstate = "");
  // At the end of a run: cancels the request in flight on a thread of its own (PQcancel waits for
  // the server, and a frozen server never answers), then ends it as failed with SQLSTATE 57014
  // (query_canceled) and closes the connection. Returns false when nothing was in flight.
  bool cut_short(const char *why);
  // The connect timeout of attempt `generation` expired (see ConnHost::add_deadline).
  void on_deadline(uint64_t generation);
  bool ok() const;
  int32_t send_query(const char *sql);
  int32_t send_params(const char *sql, int32_t n, const sdb_param *p);
  int32_t send_prepare(const char *name, const char *sql);
  int32_t send_prepared(int32_t stmt, int32_t n, const sdb_param *p);
  // Lazy prepare: prepares `sql` as `name` under statement number `slot` (a number the caller
  // keeps for every connection alike, unlike send_prepare's). A new session forgets them all, and
  // a prepare that fails leaves its number unprepared (has_statement false).
  int32_t send_prepare_at(int32_t slot, const char *name, const char *sql);
  bool has_statement(int32_t slot) const;
  // Simple protocol with $1..$n replaced by the values quoted by libpq (PQescapeLiteral).
  int32_t send_literal(const char *sql, int32_t n, const sdb_param *p);
  int32_t txn_status() const;

  int32_t res_status() const { return res_status_; }
  PGresult *result() const { return result_; }

  void copy_num(double v);
  void copy_str(const char *s, int32_t len);
  void copy_null();
  int32_t copy_end_row();
  int32_t copy_finish();

  const std::string &err_sqlstate() const { return err_sqlstate_; }
  const std::string &err_message() const { return err_message_; }
  const std::string &err_detail() const { return err_detail_; }
  const std::string &err_hint() const { return err_hint_; }
  void *owner() const { return owner_; }
  // Who the connection's completions go to (a pooled connection changes hands per transaction).
  void set_owner(void *owner) { owner_ = owner; }
  State state() const { return state_; }
  // Records a FATAL message that arrived while no request was in flight (see on_notice).
  void note_fatal(const std::string &sqlstate, const std::string &message);
  // Server version as PQserverVersion gives it (e.g. 150018), 0 when not connected.
  int server_version() const;
  // This connection's pipeline-mode state, made on first use (pg/pipeline.cpp).
  stormdb::Pipeline &pipeline();

 private:
  friend class stormdb::Pipeline;
  void clear_result();
  void set_error(PGresult *r);
  void set_conn_error(const char *fallback);
  // On a connection libpq found closed: takes the server's reason (FATAL 57P01 ...) from what
  // was read but not parsed yet, for the error of the request that found it closed.
  void collect_last_words();
  int32_t fail_now(const char *what);
  int32_t started();
  void poll_connect();
  // Opens the socket and starts the handshake: false when that failed at once (error set).
  bool start_attempt();
  // Gives back the place at the ConnectGate, or leaves its queue.
  void leave_gate();
  void read_results();
  void finish_request();
  const char *const *bind(int32_t n, const sdb_param *p);
  void copy_sep();
  int32_t copy_put(bool end);
  void want(bool write);
  void stop_watching();

  stormdb::ConnHost *host_;
  const std::string *conninfo_;
  void *owner_;
  PGconn *pg_ = nullptr;
  int fd_ = -1;
  int watched_fd_ = -1;  // what the event loop watches now, to skip redundant epoll_ctl calls
  bool watched_write_ = false;
  State state_ = State::kClosed;
  uint64_t connect_generation_ = 0;  // a connect deadline applies to its own attempt only
  double connect_timeout_s_ = 0;
  bool holds_gate_place_ = false;  // this attempt was admitted by the host's ConnectGate
  PGresult *result_ = nullptr;
  int32_t res_status_ = 0;
  bool had_error_ = false;
  std::string err_sqlstate_, err_message_, err_detail_, err_hint_;
  std::string fatal_sqlstate_, fatal_message_;
  std::vector<std::string> stmt_names_;
  int32_t pending_stmt_ = -1;  // the statement number a prepare in flight adds; dropped if it fails
  std::vector<const char *> values_;
  std::vector<std::array<char, 32>> num_text_;
  std::string copy_buf_;
  bool copy_row_start_ = true;
  stormdb::Pipeline *pipe_ = nullptr;  // owned; made by pipeline()
};
