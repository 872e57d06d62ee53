// ConnectGate: at most a few connection attempts in flight per event loop; the rest wait their turn.
#pragma once
#include <deque>

struct sdb_conn;

namespace stormdb {

// Connection attempts an event loop keeps in flight at once. The postmaster starts backends one
// at a time, so a thread that opened all of its connections at once would only queue them at the
// server; each would then wait for the ones before it, and on a loaded machine the last of 256
// outlived its connect_timeout (libpq's own default, and pgbench's, is to wait for ever). Gated,
// an attempt's timeout covers the server's answer to that attempt alone, as pgbench's blocking
// connects do, and the postmaster still always has the next one waiting.
constexpr int kConnectsInFlight = 8;

// Admits connection attempts up to a limit and queues the rest in arrival order. Single-threaded:
// one per event loop (the ConnHost's). sdb_conn calls it; see sdb_conn::connect.
class ConnectGate {
 public:
  explicit ConnectGate(int limit = kConnectsInFlight) : limit_(limit) {}
  ConnectGate(const ConnectGate &) = delete;
  ConnectGate &operator=(const ConnectGate &) = delete;

  // True: c may start its attempt now (it holds a place until release()). False: c is queued,
  // and its attempt starts (sdb_conn::start_queued) when a place frees up.
  bool admit(sdb_conn *c);
  // An admitted attempt ended (connected, failed or abandoned): starts queued ones while there
  // is room. Safe to call from within a queued attempt's start.
  void release();
  // c no longer waits (disconnected or aborted while queued).
  void drop(sdb_conn *c);
  // From now on nothing queued is started (the event loop is going away).
  void close() { closed_ = true; }
  int in_flight() const { return in_flight_; }
  int queued() const { return static_cast<int>(queue_.size()); }

 private:
  int limit_;
  int in_flight_ = 0;
  bool starting_ = false;
  bool closed_ = false;
  std::deque<sdb_conn *> queue_;
};

}  // namespace stormdb
