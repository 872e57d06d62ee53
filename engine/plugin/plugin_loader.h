// Loading native plugin .so files: dlopen, the ABI check, the entry point and the declared symbols.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "plugin/include/stormdb/plugin.h"

namespace stormdb {

// A file that is not a usable plugin; what() names the file and the mismatch. Callers turn it
// into exit status 2 (bad input).
struct PluginError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One loaded plugin library. Libraries stay loaded until the process exits (a LuaJIT ffi.load
// namespace or a running instance may still point into them).
struct PluginLibrary {
  std::string path;       // canonical path of the .so
  uint32_t abi = 0;       // the plugin's stormdb_plugin_abi
  stormdb_plugin desc{};  // what stormdb_plugin_init filled in
};

// Loads (once per canonical path, thread-safe) and checks the plugin at `path`. Throws
// PluginError when the file is missing, not an ELF shared object, cannot be loaded, lacks
// stormdb_plugin_init or stormdb_plugin_abi, has another ABI number, refuses to initialise, or
// declares a function it does not export. `expected_name` non-empty: the plugin's name must match.
const PluginLibrary &load_plugin(const std::string &path, const std::string &expected_name = "");

// The host's function table handed to every plugin (engine/plugin/plugin_host.cpp).
const stormdb_host *plugin_host();

// The run layer's client services (custom counters, timings, the engine clock) that the host
// table passes on, and the client loop's own (sdb_next, sdb_record, sdb_client_conn) for a mix
// run in C (plugin_mix.cpp). run/ installs them (run/plugin_services.cpp) before main(); plugin/
// sits below run/ and cannot call them directly.
struct PluginClientServices {
  int32_t (*counter_id)(sdb_client *cl, const char *name);
  void (*count)(sdb_client *cl, int32_t counter, double n);
  int32_t (*timing_id)(sdb_client *cl, const char *name);
  void (*observe)(sdb_client *cl, int32_t timing, double us);
  double (*now_us)();
  int32_t (*next)(sdb_client *cl);
  int32_t (*record)(sdb_client *cl, int32_t txn, int32_t outcome, int32_t retries, const char *sqlstate);
  sdb_conn *(*client_conn)(sdb_client *cl);
};
void set_plugin_client_services(const PluginClientServices &services);
const PluginClientServices &plugin_client_services();

}  // namespace stormdb
