// sdb_plugin: one instance of a loaded plugin for one Lua state, shared by the FFI files of engine/plugin.
#pragma once
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/ffi_types.h"
#include "plugin/plugin_loader.h"

// Owned by one Lua state (ffi.gc closes it with the state). It owns the per-client states of its
// transaction types too: a Lua state's finalisers run in no set order, so those states are
// released here, before the instance they may point into.
struct sdb_plugin {
  const stormdb::PluginLibrary *lib = nullptr;
  void *instance = nullptr;
  std::vector<std::pair<int32_t, void *>> txn_states;  // (type, client state)
  // The transaction each client is driving (plugin_drive.cpp), type-erased to keep it private.
  std::unordered_map<sdb_client *, std::shared_ptr<void>> drives;
};
