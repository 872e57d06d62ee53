// Parsing and printing of human-written durations ("30s", "1h30m", "500ms") used by config and CLI options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stormdb {

// Parses a duration into microseconds. Accepts one or more <number><unit> parts with units
// h, m (or min), s, ms, us (or µs), largest unit first ("1h30m", "1m30s"), decimal fractions
// ("1.5s"), and a bare number meaning seconds ("10", "0.5"). Surrounding whitespace is ignored;
// fractional microseconds are rounded to the nearest.
// Throws std::invalid_argument naming the text when it is empty, negative, has an unknown or
// repeated unit, trailing garbage, or exceeds the int64 range of microseconds.
int64_t parse_duration_us(std::string_view text);

// Short human form of `us` microseconds for messages and reports: "250 us", "1.5 ms", "500 ms",
// "1.5 s", "30 s", "2 min", "1 h 30 min". From one minute up the value is rounded to whole seconds.
std::string format_duration(int64_t us);

}  // namespace stormdb
