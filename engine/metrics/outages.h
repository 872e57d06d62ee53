// Outages: the spans during which the database could not be reached, as the clients' reconnect
// attempts saw them, shared by every worker of a run.
#pragma once
#include <limits>
#include <mutex>
#include <vector>

namespace stormdb {

// One span of unreachability, engine clock (µs). end_us is kOpen while it lasts.
struct Outage {
  static constexpr double kOpen = std::numeric_limits<double>::infinity();
  double start_us = 0;
  double end_us = kOpen;
  bool open() const { return end_us == kOpen; }
};

// Thread-safe; written only on connection losses, so a mutex costs nothing on the hot path.
class OutageLog {
 public:
  // A reconnect attempt by a client that lost its connection at lost_us: a failure opens an
  // outage from lost_us unless one is open; a success (at now_us) closes the open one.
  void attempt(bool ok, double lost_us, double now_us);
  // A client gave up at the end of the run without reconnecting.
  void gave_up();
  std::vector<Outage> outages();
  int clients_gave_up();

 private:
  std::mutex mu_;
  std::vector<Outage> outages_;
  int gave_up_ = 0;
};

}  // namespace stormdb
