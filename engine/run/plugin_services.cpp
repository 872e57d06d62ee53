// Installs the run layer's client services (counters, timings, clock, the client loop's) for plugin/.
#include "plugin/plugin_loader.h"
#include "script/stormdb_ffi.h"

namespace {
// Before main(): every plugin is loaded later, from a Lua state or `stormdb plugin`.
[[maybe_unused]] const bool kInstalled = [] {
  stormdb::set_plugin_client_services(
      {sdb_counter_id, sdb_count, sdb_timing_id, sdb_observe, sdb_now_us, sdb_next, sdb_record, sdb_client_conn});
  return true;
}();
}  // namespace
