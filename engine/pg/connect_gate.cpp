// ConnectGate: admission of connection attempts, and the queue of those waiting for a place.
#include "pg/connect_gate.h"

#include <algorithm>

#include "pg/connection.h"

namespace stormdb {

bool ConnectGate::admit(sdb_conn *c) {
  if (in_flight_ < limit_ && queue_.empty()) {
    in_flight_++;
    return true;
  }
  queue_.push_back(c);
  return false;
}

void ConnectGate::release() {
  if (in_flight_ > 0) in_flight_--;
  // An attempt that fails as it starts releases its place from inside the loop below: the loop
  // then goes on, rather than nest one call per queued connection.
  if (starting_) return;
  starting_ = true;
  while (!closed_ && in_flight_ < limit_ && !queue_.empty()) {
    sdb_conn *c = queue_.front();
    queue_.pop_front();
    in_flight_++;
    c->start_queued();
  }
  starting_ = false;
}

void ConnectGate::drop(sdb_conn *c) {
  if (closed_) return;  // nothing queued starts any more: a loop's teardown need not search
  auto it = std::find(queue_.begin(), queue_.end(), c);
  if (it != queue_.end()) queue_.erase(it);
}

}  // namespace stormdb
