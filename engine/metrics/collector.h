// Gathers the workers' interval records, merges each interval across workers in order, and keeps
// the measure-phase total; the reporter thread consumes complete intervals from it.
#pragma once
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "metrics/outages.h"
#include "metrics/stats.h"

namespace stormdb {

class Collector {
 public:
  explicit Collector(int workers);

  // Thread-safe; called by a worker's Recorder at each boundary.
  void post(int worker, std::unique_ptr<IntervalStats> s);
  // Waits up to timeout_ms for the next interval that every worker has posted (or ended before);
  // returns nullptr on timeout or when every worker has ended and nothing is left.
  std::unique_ptr<IntervalStats> next(int timeout_ms);
  // True once every worker posted its last interval and next() has handed out everything.
  bool drained();
  // Marks a worker that will post nothing (e.g. it never started) as ended.
  void worker_ended(int worker);

  // Sum of every measure-phase interval, with start_us/end_us spanning the phase.
  IntervalStats measure_total();
  // When the database was unreachable during the run (thread-safe).
  OutageLog &outages() { return outages_; }

 private:
  using Key = std::pair<int, int>;  // (phase, index)
  struct Pending {
    IntervalStats merged;
    std::vector<bool> posted;
    bool have_first = false;
  };
  bool complete(const Key &k, const Pending &p) const;

  std::mutex mu_;
  std::condition_variable cv_;
  int workers_;
  std::vector<bool> ended_;
  std::vector<Key> last_key_;
  std::map<Key, Pending> pending_;
  IntervalStats total_;
  bool have_total_ = false;
  OutageLog outages_;
};

}  // namespace stormdb
