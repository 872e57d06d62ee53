// Where the shipped files (workloads, packs) are, found from the running binary's own location.
#include "util/install_dirs.h"

#include <filesystem>

#ifndef STORMDB_DATA_FROM_BIN
#define STORMDB_DATA_FROM_BIN "../share/stormdb"
#endif

namespace stormdb {
namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
  fs::path exe = fs::canonical("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> shipped_workload_dirs() {
  std::vector<std::string> out;
  std::string dir = executable_dir();
  if (dir.empty()) return out;
  for (const fs::path &p :
       {fs::path(dir) / STORMDB_DATA_FROM_BIN / "workloads", fs::path(dir) / "share/stormdb/workloads"}) {
    std::error_code ec;
    fs::path norm = p.lexically_normal();
    if (fs::is_directory(norm, ec)) out.push_back(norm.string());
  }
  return out;
}

}  // namespace stormdb
