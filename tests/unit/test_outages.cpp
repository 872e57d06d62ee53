// Unit tests of outage spans and reconnect counts: attempts vs successes, outages opened by a
// failed attempt from the loss time and closed by the first success, several or one left open.
#include <doctest/doctest.h>

#include "metrics/collector.h"
#include "metrics/outages.h"
#include "metrics/recorder.h"

using namespace stormdb;

TEST_CASE("outages: a reconnect that works at once is no outage") {
  OutageLog log;
  log.attempt(true, 100, 110);
  CHECK(log.outages().empty());
  CHECK(log.clients_gave_up() == 0);
}

TEST_CASE("outages: from the loss to the first successful reconnect, several in a run") {
  OutageLog log;
  log.attempt(false, 1000, 1001);  // client A lost at 1000, cannot reconnect
  log.attempt(false, 1200, 1201);  // client B, during the same outage
  log.attempt(false, 1000, 1500);  // A again
  log.attempt(true, 1000, 3000);   // A is back: the database is reachable
  log.attempt(true, 1200, 3100);   // B is back: nothing more to close
  log.attempt(false, 5000, 5001);  // a second outage
  log.attempt(true, 5000, 6000);
  auto o = log.outages();
  REQUIRE(o.size() == 2);
  CHECK(o[0].start_us == 1000);
  CHECK(o[0].end_us == 3000);
  CHECK(o[1].start_us == 5000);
  CHECK(o[1].end_us == 6000);
  CHECK_FALSE(o[1].open());
}

TEST_CASE("outages: one still open at the end, and clients that gave up") {
  OutageLog log;
  log.attempt(false, 1000, 1001);
  log.gave_up();
  log.gave_up();
  auto o = log.outages();
  REQUIRE(o.size() == 1);
  CHECK(o[0].open());
  CHECK(log.clients_gave_up() == 2);
}

TEST_CASE("outages: a late failure of a client lost before the last reconnect starts after it") {
  OutageLog log;
  log.attempt(false, 1000, 1001);
  log.attempt(true, 1000, 2000);
  log.attempt(false, 900, 2500);  // lost at 900, but the database was reachable at 2000
  auto o = log.outages();
  REQUIRE(o.size() == 2);
  CHECK(o[1].start_us == 2000);
}

TEST_CASE("recorder: reconnect attempts and successes are counted apart") {
  Collector c(1);
  Recorder r(&c, 0);
  r.start(0, 0, 1e6);
  r.reconnect_attempt(false, 10, 20);
  r.reconnect_attempt(false, 10, 120);
  r.reconnect_attempt(true, 10, 320);
  r.finish(2e5);
  IntervalStats t;
  while (auto iv = c.next(0)) t.merge(*iv);
  CHECK(t.reconnect_attempts == 3);
  CHECK(t.reconnects == 1);
  auto o = c.outages().outages();
  REQUIRE(o.size() == 1);
  CHECK(o[0].start_us == 10);
  CHECK(o[0].end_us == 320);
}
