// `stormdb plugin list` (what plugins are found, their ABI and file) and `stormdb plugin check FILE`.
#include <fmt/format.h>

#include <cstdio>
#include <set>

#include "cli/commands.h"
#include "cli/packs.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_path.h"

namespace stormdb {

namespace {

// One line per file; a file that is not a usable plugin is listed with the reason.
void list_file(const std::string &file, std::set<std::string> &found) {
  try {
    const PluginLibrary &lib = load_plugin(file);
    found.insert(lib.desc.name);
    std::vector<std::string> provides;
    for (int32_t i = 0; i < lib.desc.n_generators; i++)
      provides.push_back(std::string("copy:") + lib.desc.generators[i].name);
    for (int32_t i = 0; i < lib.desc.n_txn_types; i++)
      provides.push_back(std::string("txn:") + lib.desc.txn_types[i].name);
    for (const char *const *f = lib.desc.functions; f && *f; f++) provides.push_back(std::string("fn:") + *f);
    std::printf("  %-18s ABI %u  %s\n", lib.desc.name, lib.abi, lib.path.c_str());
    if (!provides.empty()) std::printf("  %-18s %s\n", "", fmt::format("{}", fmt::join(provides, " ")).c_str());
  } catch (const PluginError &e) {
    std::printf("  %-18s (unusable: %s)\n", "?", e.what());
  }
}

}  // namespace

int command_plugin(const CliArgs &args) {
  if (args.command == "plugin-check") {
    try {
      const PluginLibrary &lib = load_plugin(args.files.at(0));
      std::printf("%s: plugin %s%s, ABI %u\n", lib.path.c_str(), lib.desc.name,
                  lib.desc.version ? fmt::format(" {}", lib.desc.version).c_str() : "", lib.abi);
      return 0;
    } catch (const PluginError &e) {
      throw UsageError(e.what());
    }
  }
  std::vector<std::string> packs;
  for (const auto &d : workload_search_dirs(args.path)) packs.push_back(d);
  auto dirs = plugin_search_dirs(packs);
  std::printf("plugin ABI of this stormdb: %d\nsearched: %s\n", STORMDB_PLUGIN_ABI,
              dirs.empty() ? "(no folder exists)" : fmt::format("{}", fmt::join(dirs, ", ")).c_str());
  std::set<std::string> found;
  for (const auto &f : plugin_files(dirs)) list_file(f, found);
  // Plugins that packs name but nobody built.
  for (const auto &d : packs) {
    Pack pack;
    try {
      pack = load_pack(d);
    } catch (const UsageError &) {
      continue;  // stormdb list reports broken manifests
    }
    std::vector<std::string> named = pack.plugins;
    for (const auto &w : pack.workloads) named.insert(named.end(), w.plugins.begin(), w.plugins.end());
    for (const auto &n : named) {
      if (found.count(n)) continue;
      found.insert(n);
      std::printf("  %-18s not built (named by pack %s, %s)\n", n.c_str(), pack.name.c_str(), pack.dir.c_str());
    }
  }
  return 0;
}

}  // namespace stormdb
