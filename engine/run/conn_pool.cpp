// The connection pool of one worker: who holds which connection, the free list and the queue.
#include "run/conn_pool.h"

#include <algorithm>

#include "run/client.h"

namespace stormdb {

ConnPool::ConnPool(ConnHost *host, const std::string *conninfo, int size) {
  for (int i = 0; i < size; i++) conns_.push_back(std::make_unique<sdb_conn>(host, conninfo, nullptr));
}

ConnPool::~ConnPool() { disconnect_all(); }

void ConnPool::hand(sdb_conn *c, sdb_client *cl) {
  c->set_owner(cl);
  cl->held = c;
}

sdb_conn *ConnPool::claim_unopened(sdb_client *cl) {
  if (claimed_ >= conns_.size()) return nullptr;
  sdb_conn *c = conns_[claimed_++].get();
  hand(c, cl);
  return c;
}

sdb_conn *ConnPool::borrow(sdb_client *cl) {
  if (free_.empty()) {
    waiters_.push_back(cl);
    return nullptr;
  }
  sdb_conn *c = free_.back();
  free_.pop_back();
  hand(c, cl);
  return c;
}

sdb_client *ConnPool::give_back(sdb_client *cl) {
  sdb_conn *c = cl->held;
  if (!c) return nullptr;
  cl->held = nullptr;
  c->set_owner(nullptr);
  if (waiters_.empty()) {
    free_.push_back(c);
    return nullptr;
  }
  sdb_client *next = waiters_.front();
  waiters_.pop_front();
  hand(c, next);
  return next;
}

sdb_client *ConnPool::forget(sdb_client *cl) {
  waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), cl), waiters_.end());
  if (cl->held && cl->held->txn_status() != 0) cl->held->disconnect();  // never hand on an open transaction
  return give_back(cl);
}

void ConnPool::disconnect_all() {
  for (auto &c : conns_) c->disconnect();
}

}  // namespace stormdb
