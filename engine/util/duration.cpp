// Implementation of the duration parser and formatter declared in util/duration.h.
#include "util/duration.h"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace stormdb {
namespace {

struct Unit {
  std::string_view name;
  int64_t us;
  int rank;  // larger units first; parts must strictly decrease so "1s30m" is caught as a typo
};

constexpr Unit kUnits[] = {
    {"h", 3'600'000'000, 5}, {"m", 60'000'000, 4}, {"min", 60'000'000, 4}, {"s", 1'000'000, 3},
    {"ms", 1'000, 2},        {"us", 1, 1},         {"\xC2\xB5s", 1, 1},  // UTF-8 "µs"
};

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw std::invalid_argument(fmt::format("invalid duration '{}': {}", text, why));
}

[[noreturn]] void fail_syntax(std::string_view text) {
  fail(text, "expected a number with a unit such as 30s, 2m, 1h30m or 500ms");
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
// Unit letters, plus the bytes of UTF-8 "µ" (0xC2 0xB5).
bool is_unit_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\xC2' || c == '\xB5'; }

// "12.345" as an exact decimal: 12 and 345 / 10^3.
struct Decimal {
  unsigned __int128 integer = 0;
  unsigned __int128 fraction = 0;
  unsigned __int128 fraction_scale = 1;
};

// Ceiling for the integer part while parsing: beyond it the result overflows int64 anyway, and
// stopping here keeps the 128-bit arithmetic below from overflowing.
constexpr unsigned __int128 kIntegerLimit = static_cast<unsigned __int128>(1) << 64;
// More fraction digits than this cannot change a microsecond count.
constexpr int kMaxFractionDigits = 18;

}  // namespace

int64_t parse_duration_us(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.empty()) fail_syntax(text);

  unsigned __int128 total = 0;
  int last_rank = 100;
  size_t pos = 0;
  bool first = true;
  while (pos < s.size()) {
    Decimal number;
    size_t digits = 0;
    while (pos < s.size() && is_digit(s[pos])) {
      if (number.integer < kIntegerLimit) number.integer = number.integer * 10 + (s[pos] - '0');
      ++pos;
      ++digits;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int fraction_digits = 0;
      while (pos < s.size() && is_digit(s[pos])) {
        if (fraction_digits < kMaxFractionDigits) {
          number.fraction = number.fraction * 10 + (s[pos] - '0');
          number.fraction_scale *= 10;
          ++fraction_digits;
        }
        ++pos;
        ++digits;
      }
    }
    if (digits == 0) fail_syntax(text);  // also catches a leading '-' or '+'

    int64_t unit_us = 0;
    if (pos == s.size() && first) {
      unit_us = 1'000'000;  // a bare number is seconds, as in pgbench -T
    } else {
      const size_t start = pos;
      while (pos < s.size() && is_unit_char(s[pos])) ++pos;
      const std::string_view name = s.substr(start, pos - start);
      const Unit *unit = nullptr;
      for (const Unit &u : kUnits) {
        if (u.name == name) unit = &u;
      }
      if (unit == nullptr) fail_syntax(text);
      if (unit->rank >= last_rank) fail(text, "units must go from largest to smallest, as in 1h30m");
      last_rank = unit->rank;
      unit_us = unit->us;
    }
    if (number.integer >= kIntegerLimit) fail(text, "too large");
    const auto unit = static_cast<unsigned __int128>(unit_us);
    total += number.integer * unit;
    total += (number.fraction * unit + number.fraction_scale / 2) / number.fraction_scale;
    if (total > static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max())) {
      fail(text, "too large");
    }
    first = false;
  }
  return static_cast<int64_t>(total);
}

namespace {

// Up to three significant digits without trailing zeros: 1.5, 12.3, 250.
std::string short_number(double x) {
  const int decimals = x < 10.0 ? 2 : (x < 100.0 ? 1 : 0);
  std::string out = fmt::format("{:.{}f}", x, decimals);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

std::string format_magnitude(uint64_t us) {
  if (us == 0) return "0 s";
  if (us < 1'000) return fmt::format("{} us", us);
  // The thresholds sit where rounding to three digits would print "1000 ms" or "60 s".
  if (us < 999'500) return short_number(static_cast<double>(us) / 1e3) + " ms";
  if (us < 59'950'000) return short_number(static_cast<double>(us) / 1e6) + " s";
  const uint64_t seconds = (us + 500'000) / 1'000'000;
  const uint64_t h = seconds / 3600;
  const uint64_t min = seconds / 60 % 60;
  const uint64_t sec = seconds % 60;
  std::string out;
  auto add = [&out](uint64_t value, std::string_view unit) {
    if (value == 0) return;
    if (!out.empty()) out += ' ';
    out += fmt::format("{} {}", value, unit);
  };
  add(h, "h");
  add(min, "min");
  add(sec, "s");
  return out;
}

}  // namespace

std::string format_duration(int64_t us) {
  if (us < 0) return "-" + format_magnitude(0 - static_cast<uint64_t>(us));
  return format_magnitude(static_cast<uint64_t>(us));
}

}  // namespace stormdb
