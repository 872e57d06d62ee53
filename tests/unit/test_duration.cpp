// Unit tests of duration parsing ("1h30m" -> microseconds) and its short human formatting.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "util/duration.h"

using stormdb::format_duration;
using stormdb::parse_duration_us;

namespace {

constexpr int64_t kS = 1'000'000;
constexpr int64_t kMin = 60 * kS;
constexpr int64_t kH = 60 * kMin;

}  // namespace

TEST_CASE("duration: good inputs") {
  struct Case {
    std::string_view text;
    int64_t us;
  };
  const Case cases[] = {
      {"30s", 30 * kS},
      {"2m", 2 * kMin},
      {"1h", kH},
      {"500ms", 500'000},
      {"250us", 250},
      {"250\xC2\xB5s", 250},
      {"1h30m", kH + 30 * kMin},
      {"1m30s", kMin + 30 * kS},
      {"1h2m3s4ms5us", kH + 2 * kMin + 3 * kS + 4'005},
      {"2min", 2 * kMin},
      {"1.5s", 1'500'000},
      {"0.25h", 15 * kMin},
      {".5s", 500'000},
      {"1.5ms", 1'500},
      {"0.4us", 0},  // rounded to the nearest microsecond
      {"0.5us", 1},
      {"10", 10 * kS},
      {"0.5", 500'000},
      {"0", 0},
      {"0s", 0},
      {" 30s\n", 30 * kS},
      {"1.0000005s", 1'000'001},
      {"2562047788h", 2'562'047'788 * kH},
  };
  for (const Case &c : cases) {
    CAPTURE(c.text);
    CHECK(parse_duration_us(c.text) == c.us);
  }
}

TEST_CASE("duration: bad inputs name the text in the error") {
  const std::string_view bad[] = {
      "",  "   ", "ten",   "-5s",  "+5s",   "5x",   "5 s", "30s garbage",           "1h30",
      "s", ".",   "1..5s", "1e3s", "1s30m", "1m1m", "5S",  "99999999999999999999h", "2562047789h",
  };
  for (const std::string_view text : bad) {
    CAPTURE(text);
    bool threw = false;
    try {
      parse_duration_us(text);
    } catch (const std::invalid_argument &e) {
      threw = true;
      const std::string what = e.what();
      CHECK(what.find("invalid duration '" + std::string(text) + "'") != std::string::npos);
    }
    CHECK(threw);
  }
  try {
    parse_duration_us("ten");
    FAIL("no exception");
  } catch (const std::invalid_argument &e) {
    CHECK(std::string(e.what()) ==
          "invalid duration 'ten': expected a number with a unit such as 30s, 2m, 1h30m or 500ms");
  }
}

TEST_CASE("duration: short human form") {
  CHECK(format_duration(0) == "0 s");
  CHECK(format_duration(250) == "250 us");
  CHECK(format_duration(1'500) == "1.5 ms");
  CHECK(format_duration(500'000) == "500 ms");
  CHECK(format_duration(999'999) == "1 s");
  CHECK(format_duration(1'500'000) == "1.5 s");
  CHECK(format_duration(12'345'678) == "12.3 s");
  CHECK(format_duration(30 * kS) == "30 s");
  CHECK(format_duration(59'999'999) == "1 min");
  CHECK(format_duration(2 * kMin) == "2 min");
  CHECK(format_duration(kMin + 30 * kS) == "1 min 30 s");
  CHECK(format_duration(kH + 30 * kMin) == "1 h 30 min");
  CHECK(format_duration(25 * kH + 5 * kS) == "25 h 5 s");
  CHECK(format_duration(-1'500'000) == "-1.5 s");
  // What format_duration prints for whole units reads back through the parser without spaces.
  for (const int64_t us : {30 * kS, 2 * kMin, kH + 30 * kMin, int64_t{500'000}}) {
    std::string text = format_duration(us);
    std::erase(text, ' ');
    CAPTURE(text);
    CHECK(parse_duration_us(text) == us);
  }
}
