// A worker's share of the connection pool (--connections): clients borrow a connection for one
// transaction and give it back; waiting clients queue first come, first served.
#pragma once
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "pg/connection.h"

struct sdb_client;

namespace stormdb {

class ConnPool {
 public:
  // size connections of conninfo (>= 1), driven by host's loop; none is opened here.
  ConnPool(ConnHost *host, const std::string *conninfo, int size);
  ~ConnPool();

  int size() const { return static_cast<int>(conns_.size()); }
  size_t waiting() const { return waiters_.size(); }

  // A connection never handed out yet, now held by cl, for it to open (and run on_connect on)
  // before the start barrier; nullptr once every connection was claimed.
  sdb_conn *claim_unopened(sdb_client *cl);
  // A free connection, now held by cl; nullptr when none is free: cl is queued and is handed one
  // by a later give_back (it must not be queued already).
  sdb_conn *borrow(sdb_client *cl);
  // cl gives back the connection it holds. Returns the client it was handed to (the longest
  // waiting), or nullptr when it went back to the free list.
  sdb_client *give_back(sdb_client *cl);
  // cl ended: it leaves the queue, and gives back what it holds.
  sdb_client *forget(sdb_client *cl);
  // Every connection is closed (end of the job).
  void disconnect_all();

 private:
  void hand(sdb_conn *c, sdb_client *cl);

  std::vector<std::unique_ptr<sdb_conn>> conns_;
  size_t claimed_ = 0;                // conns_[0..claimed_) have been handed out at least once
  std::vector<sdb_conn *> free_;      // last in, first out: the warmest connection goes first
  std::deque<sdb_client *> waiters_;  // first come, first served
};

}  // namespace stormdb
