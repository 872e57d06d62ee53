// Unit tests of interval bookkeeping: warmup/measure boundaries with no sliver intervals from
// floating-point rounding, and transactions in flight at the stop time counted in the last one.
#include <doctest/doctest.h>

#include "metrics/collector.h"
#include "metrics/recorder.h"
#include "script/stormdb_ffi.h"

using namespace stormdb;

TEST_CASE("recorder: whole intervals only, whatever the clock's offset") {
  // The first three are clocks where (t0 + 0.5e6) + 0.5e6 < t0 + 1e6 in doubles: an interval end
  // built by adding steps falls a hair short of the phase end.
  for (double t0 : {173015.29096145756, 124606.14199380869, 259336.52573532393, 1e6, 987654321.987654}) {
    Collector c(1);
    Recorder r(&c, 0);
    r.start(t0, 1e6, 0.5e6);
    double stop = t0 + 1e6 + 2e6;
    for (double t = t0; t < stop; t += 1234.5) {
      r.advance(t, stop);
      r.record(0, SDB_COMMITTED, t, t, t + 10, 0, nullptr);
    }
    r.record(0, SDB_COMMITTED, stop - 5, stop - 5, stop + 300, 0, nullptr);  // in flight at the stop
    r.finish(stop + 400);
    int warmup = 0, measure = 0;
    uint64_t measured = 0;
    while (auto iv = c.next(0)) {
      CHECK(iv->end_us - iv->start_us > 1000);  // no sliver interval
      if (iv->phase == Phase::kWarmup) {
        warmup++;
      } else {
        measure++;
        measured += iv->total().committed;
      }
    }
    CHECK(warmup == 2);
    CHECK(measure == 4);
    IntervalStats total = c.measure_total();
    CHECK(total.total().committed == measured);
    CHECK(total.end_us == doctest::Approx(stop + 300));  // ends with the last transaction in flight
  }
}
