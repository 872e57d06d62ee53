// libFuzzer target: a stormdb-pack.yaml manifest (read_pack_manifest) for the built-in workloads folder.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/packs.h"
#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  // The built-in folder, so manifests naming real scripts (simple, point_select) get past that check.
  static const std::string dir = std::string(STORMDB_SOURCE_DIR) + "/workloads";
  try {
    stormdb::Pack p;
    stormdb::read_pack_manifest(text, dir, p);
    (void)stormdb::version_at_least(STORMDB_VERSION, p.min_stormdb);
  } catch (const stormdb::UsageError &) {
    // Bad input: the documented outcome (exit 2 with a message naming file:line).
  }
  return 0;
}
