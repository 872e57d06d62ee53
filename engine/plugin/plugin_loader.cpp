// Native plugin loading: ELF check, dlopen, ABI number, entry point and the symbols its cdef declares.
#include "plugin/plugin_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

namespace stormdb {
namespace fs = std::filesystem;

namespace {

std::mutex g_mu;
std::map<std::string, std::unique_ptr<PluginLibrary>> g_loaded;  // by canonical path

// dlopen's own message for a non-ELF file ("invalid ELF header") does not say what stormdb
// expected; reading the magic first gives a message that does.
void check_elf(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw PluginError(fmt::format("plugin {}: cannot read the file", path));
  char magic[4] = {};
  f.read(magic, 4);
  if (f.gcount() != 4 || std::memcmp(magic,
                                     "\x7f"
                                     "ELF",
                                     4) != 0)
    throw PluginError(fmt::format("plugin {}: not a stormdb plugin: not an ELF shared object", path));
}

void *open_library(const std::string &path) {
  // RTLD_LOCAL: two plugins may define the same helper names; RTLD_NOW: a missing dependency is
  // reported here, not in the middle of a run.
  void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    throw PluginError(fmt::format("plugin {}: cannot be loaded: {}", path, e ? e : "dlopen failed"));
  }
  return h;
}

// Everything after dlopen: ABI number, entry point, init, declared names.
void check_and_init(void *h, PluginLibrary &lib, const std::string &expected_name) {
  const std::string &path = lib.path;
  auto init = reinterpret_cast<stormdb_plugin_init_fn>(dlsym(h, "stormdb_plugin_init"));
  if (!init)
    throw PluginError(
        fmt::format("plugin {}: not a stormdb plugin: no entry point stormdb_plugin_init "
                    "(define it with STORMDB_PLUGIN_EXPORT from stormdb/plugin.h)",
                    path));
  auto *abi = static_cast<const uint32_t *>(dlsym(h, "stormdb_plugin_abi"));
  if (!abi)
    throw PluginError(
        fmt::format("plugin {}: exports stormdb_plugin_init but no stormdb_plugin_abi "
                    "(define both with STORMDB_PLUGIN_EXPORT)",
                    path));
  lib.abi = *abi;
  if (lib.abi != STORMDB_PLUGIN_ABI)
    throw PluginError(
        fmt::format("plugin {}: built for plugin ABI {}, this stormdb speaks ABI {}: rebuild it "
                    "against this stormdb's stormdb/plugin.h",
                    path, lib.abi, STORMDB_PLUGIN_ABI));
  std::memset(&lib.desc, 0, sizeof lib.desc);
  int rc = init(plugin_host(), &lib.desc);
  if (rc != 0) throw PluginError(fmt::format("plugin {}: stormdb_plugin_init refused to load (returned {})", path, rc));
  if (!lib.desc.name || !*lib.desc.name)
    throw PluginError(fmt::format("plugin {}: stormdb_plugin_init set no name", path));
  if (!expected_name.empty() && expected_name != lib.desc.name)
    throw PluginError(fmt::format("plugin {}: is named '{}', not '{}'", path, lib.desc.name, expected_name));
  for (const char *const *f = lib.desc.functions; f && *f; f++) {
    dlerror();
    if (!dlsym(h, *f))
      throw PluginError(fmt::format("plugin {}: declares function '{}' but does not export it", path, *f));
  }
  if (lib.desc.n_generators > 0 && !lib.desc.generators)
    throw PluginError(fmt::format("plugin {}: n_generators is {} but generators is NULL", path, lib.desc.n_generators));
  if (lib.desc.n_txn_types > 0 && !lib.desc.txn_types)
    throw PluginError(fmt::format("plugin {}: n_txn_types is {} but txn_types is NULL", path, lib.desc.n_txn_types));
}

}  // namespace

const PluginLibrary &load_plugin(const std::string &file, const std::string &expected_name) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw PluginError(fmt::format("plugin {}: no such file", file));
  std::string path = fs::canonical(file, ec).string();
  if (ec) path = file;
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_loaded.find(path);
  if (it != g_loaded.end()) {
    if (!expected_name.empty() && expected_name != it->second->desc.name)
      throw PluginError(fmt::format("plugin {}: is named '{}', not '{}'", path, it->second->desc.name, expected_name));
    return *it->second;
  }
  check_elf(path);
  void *h = open_library(path);
  auto lib = std::make_unique<PluginLibrary>();
  lib->path = path;
  try {
    check_and_init(h, *lib, expected_name);
  } catch (...) {
    dlclose(h);  // nothing of it is in use yet
    throw;
  }
  return *g_loaded.emplace(path, std::move(lib)).first->second;
}

}  // namespace stormdb
