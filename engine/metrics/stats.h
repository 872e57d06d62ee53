// Counts and latency histograms of one interval (or a whole phase): per transaction type and custom counters.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "metrics/histogram.h"

namespace stormdb {

enum class Phase { kWarmup = 0, kMeasure = 1 };

// Outcomes of the transactions of one type.
struct TxnStats {
  Histogram latency;  // µs, from the intended start to the end, committed + rolled back
  uint64_t committed = 0;
  uint64_t rolled_back = 0;  // by design (ctx:rollback_by_design)
  uint64_t failed = 0;
  uint64_t retried = 0;                  // transactions that needed more than one try
  uint64_t retries = 0;                  // extra tries in all
  uint64_t skipped = 0;                  // open loop: already later than --latency-limit at their start, never sent
  uint64_t late = 0;                     // completed later than --latency-limit (from the intended start)
  std::unique_ptr<Histogram> service;    // open loop: µs from the actual start (latency is from the intended one)
  std::unique_ptr<Histogram> pool_wait;  // pooled runs: µs waited for a connection (part of the latency)
  uint64_t lag_count = 0;                // transactions that started after their intended start
  double lag_sum_us = 0;                 // schedule lag (start - intended), µs
  double lag_max_us = 0;
  std::map<std::string, uint64_t> failures;  // SQLSTATE ("script" for Lua errors) -> count

  uint64_t completed() const { return committed + rolled_back; }
  void merge(const TxnStats &o);
};

// What one worker recorded between two interval boundaries.
struct IntervalStats {
  Phase phase = Phase::kWarmup;
  int index = 0;        // 0-based within the phase
  double start_us = 0;  // engine clock
  double end_us = 0;
  bool last = false;                                // the worker's final interval
  std::vector<std::unique_ptr<TxnStats>> types;     // by transaction type id; may hold nullptr
  std::vector<double> counters;                     // by counter id
  std::vector<std::unique_ptr<Histogram>> timings;  // by timing id (ctx:observe), µs
  uint64_t reconnect_attempts = 0;                  // made by clients that lost their connection
  uint64_t reconnects = 0;                          // attempts that succeeded
  std::unique_ptr<Histogram> timer_lateness;        // µs a sleep's client ran after its timer was due
  bool pooled = false;                              // a connection pool ran: the queue fields below mean something
  double queue_area = 0;                            // clients waiting for a connection × µs (sum over workers)
  uint64_t queue_max = 0;                           // most clients waiting at one worker at once
  double on_cpu_us = 0;                             // worker threads' time on a CPU (sum over workers)
  double cpu_wait_us = 0;                           // ... and waiting on a run queue for one (schedstat)

  TxnStats &type(int id);
  void merge(const IntervalStats &o);
  TxnStats total() const;
};

}  // namespace stormdb
