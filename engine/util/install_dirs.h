// Where the shipped files (workloads, packs) are, found from the running binary's own location.
#pragma once

#include <string>
#include <vector>

namespace stormdb {

/// The folder holding the running executable (from /proc/self/exe, symlinks resolved); "" when
/// it cannot be read.
std::string executable_dir();

/// The shipped workload folders that exist, relative to executable_dir(): an installed tree's
/// <bindir>/<STORMDB_DATA_FROM_BIN>/workloads (`../share/stormdb/workloads` under the default
/// GNUInstallDirs layout), then a build tree's <build>/share/stormdb/workloads (a link the build
/// makes to the source's workloads). No path compiled into the binary is absolute, so an
/// installed tree keeps working wherever it is moved.
std::vector<std::string> shipped_workload_dirs();

}  // namespace stormdb
