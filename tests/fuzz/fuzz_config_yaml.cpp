// libFuzzer target: a YAML config layer (parse_yaml_layer) merged and validated as stormdb run would.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

namespace {
// Options of each type and a two-transaction mix, so options:, mix: and phases: get validated.
const stormdb::WorkloadInfo &sample_workload() {
  static const stormdb::WorkloadInfo w = [] {
    stormdb::WorkloadInfo info;
    info.name = "fuzz";
    info.options = {{"fk", "boolean", "false", "foreign keys", {}},
                    {"mode", "string", "read", "mode", {"read", "write"}},
                    {"rows", "number", "1000", "rows", {}}};
    info.mix = {{"a", 1}, {"b", 2}};
    return info;
  }();
  return w;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  try {
    const stormdb::Layer layer = stormdb::parse_yaml_layer(text, "fuzz.yaml");
    const stormdb::Config c = stormdb::merge_config("run", "fuzz.lua", sample_workload(), {layer});
    (void)c.options_lua(sample_workload());
    (void)c.redacted_conninfo();
  } catch (const stormdb::UsageError &) {
    // Bad input: the documented outcome (exit 2 with a message naming file:line).
  }
  return 0;
}
