// The plugin search path and the lookup of a plugin file by name.
#include "plugin/plugin_path.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace stormdb {
namespace fs = std::filesystem;

namespace {

void split_into(const char *list, std::vector<std::string> &out) {
  if (!list) return;
  std::stringstream ss(list);
  std::string d;
  while (std::getline(ss, d, ':'))
    if (!d.empty()) out.push_back(d);
}

std::string exe_dir() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.parent_path().string();
}

}  // namespace

std::vector<std::string> plugin_search_dirs(const std::vector<std::string> &pack_dirs) {
  std::vector<std::string> cand;
  split_into(std::getenv("STORMDB_PLUGIN_PATH"), cand);
  std::vector<std::string> packs = pack_dirs;
  split_into(std::getenv("STORMDB_PATH"), packs);
  for (const auto &d : packs) {
    cand.push_back(d);
    cand.push_back((fs::path(d) / "plugins").string());
  }
  std::string exe = exe_dir();
  if (!exe.empty()) {
    cand.push_back((fs::path(exe) / "plugins").string());
#ifdef STORMDB_PLUGIN_RELDIR
    cand.push_back((fs::path(exe) / ".." / STORMDB_PLUGIN_RELDIR).string());
#endif
  }
  std::vector<std::string> out, seen;
  for (const auto &d : cand) {
    std::error_code ec;
    if (!fs::is_directory(d, ec)) continue;
    std::string canon = fs::canonical(d, ec).string();
    if (ec || std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    out.push_back(canon);
  }
  return out;
}

std::string find_plugin(const std::string &name, const std::vector<std::string> &dirs) {
  if (name.empty() || name.find('/') != std::string::npos) return "";
  for (const auto &d : dirs) {
    for (const std::string &f : {name + ".so", "lib" + name + ".so"}) {
      std::error_code ec;
      fs::path p = fs::path(d) / f;
      if (fs::is_regular_file(p, ec)) return p.string();
    }
  }
  return "";
}

std::vector<std::string> plugin_files(const std::vector<std::string> &dirs) {
  std::vector<std::string> out;
  for (const auto &d : dirs) {
    std::vector<std::string> here;
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(d, ec))
      if (e.path().extension() == ".so" && e.is_regular_file(ec)) here.push_back(e.path().string());
    std::sort(here.begin(), here.end());
    out.insert(out.end(), here.begin(), here.end());
  }
  return out;
}

}  // namespace stormdb
