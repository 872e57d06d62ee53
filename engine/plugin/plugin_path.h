// Where plugins are looked for: STORMDB_PLUGIN_PATH, the script's pack folder, STORMDB_PATH,
// the plugins built beside the binary and the installed plugin folder.
#pragma once
#include <string>
#include <vector>

namespace stormdb {

// Folders searched for a plugin, in order and without duplicates: $STORMDB_PLUGIN_PATH
// (colon-separated), each of `pack_dirs` and its plugins/ subfolder, each $STORMDB_PATH folder and
// its plugins/, <binary's folder>/plugins (a build tree) and <binary's folder>/../<libdir>/stormdb/plugins
// (an installed stormdb). Folders that do not exist are left out.
std::vector<std::string> plugin_search_dirs(const std::vector<std::string> &pack_dirs);

// The first <dir>/<name>.so or <dir>/lib<name>.so in dirs, or "" when there is none.
std::string find_plugin(const std::string &name, const std::vector<std::string> &dirs);

// Every *.so directly in dirs, in search order (plugin list).
std::vector<std::string> plugin_files(const std::vector<std::string> &dirs);

}  // namespace stormdb
