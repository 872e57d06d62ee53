// libFuzzer target: parse_duration_us (util/duration) on arbitrary text, and format_duration on its result.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "util/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    const int64_t us = stormdb::parse_duration_us(text);
    // The documented contract: never negative, and formatting any result works.
    if (us < 0) __builtin_trap();
    (void)stormdb::format_duration(us);
  } catch (const std::invalid_argument &) {
    // Bad input: the expected outcome, with a message.
  }
  return 0;
}
