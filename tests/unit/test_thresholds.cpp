// Unit tests of --threshold parsing and evaluation against result rows.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "config/thresholds.h"

using namespace stormdb;

namespace {
nlohmann::json sample() {
  return nlohmann::json::parse(R"({
    "total": {"count": 990, "failed": 10, "retries": 5, "tps": 99.0,
              "latency_ms": {"p50": 2.0, "p90": 4.0, "p95": 5.0, "p99": 9.5, "p99.9": 12.0, "max": 30.0, "mean": 2.5}},
    "transactions": {"new_order": {"count": 400, "failed": 0, "retries": 0, "tps": 40.0,
                                   "latency_ms": {"p50": 3.0, "p90": 4200.0, "p95": 6.0, "p99": 10.0, "p99.9": 12.0, "max": 31.0, "mean": 3.0}}}
  })");
}
}  // namespace

TEST_CASE("thresholds parse latency with units, rates, counts and percentages") {
  Threshold t = parse_threshold("p99<20ms");
  CHECK(t.type.empty());
  CHECK(t.metric == "p99");
  CHECK(t.value == doctest::Approx(20));
  CHECK(parse_threshold("new_order.p90<5s").value == doctest::Approx(5000));
  CHECK(parse_threshold("new_order.p90<5s").type == "new_order");
  CHECK(parse_threshold("p99.9 <= 1.5s").metric == "p99.9");
  CHECK(parse_threshold("errors<0.1%").percent);
  CHECK(!parse_threshold("retries<=10").percent);
  CHECK(parse_threshold("tps>1000").op == ">");
  CHECK_THROWS_WITH_AS(parse_threshold("p98<5ms"), doctest::Contains("expected [type.]metric<value"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_threshold("tps>5%"), doctest::Contains("not a percentage"), std::invalid_argument);
  CHECK_THROWS_AS(parse_threshold("p99<5parsecs"), std::invalid_argument);
}

TEST_CASE("threshold numbers that std::stod rejects are bad input with a clear message") {
  // std::stod threw a bare "stod" for ".", out_of_range (exit 1) beyond double's range, and read
  // "1.2.3" as 1.2.
  CHECK_THROWS_WITH_AS(parse_threshold("errors<."), doctest::Contains("'.' is not a number"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_threshold("tps>1.2.3"), doctest::Contains("'1.2.3' is not a number"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(parse_threshold("tps>" + std::string(400, '9')), doctest::Contains("is not a number"),
                       std::invalid_argument);
}

TEST_CASE("thresholds evaluate against the total and per type") {
  auto rs = evaluate_thresholds(
      {parse_threshold("p99<20ms"), parse_threshold("p99<9ms"), parse_threshold("errors<0.1%"),
       parse_threshold("errors<=1%"), parse_threshold("new_order.p90<5s"), parse_threshold("new_order.p90<4s"),
       parse_threshold("tps>=99"), parse_threshold("payment.p90<5s")},
      sample());
  REQUIRE(rs.size() == 8);
  CHECK(rs[0].ok);
  CHECK(!rs[1].ok);
  CHECK(!rs[2].ok);  // 10 failed of 1000 = 1%
  CHECK(rs[2].actual == doctest::Approx(1.0));
  CHECK(rs[3].ok);
  CHECK(rs[4].ok);
  CHECK(!rs[5].ok);
  CHECK(rs[6].ok);
  CHECK(!rs[7].ok);
  CHECK(rs[7].detail.find("no transaction type 'payment'") != std::string::npos);
  CHECK(rs[0].detail == "p99 = 9.500 ms");
}
