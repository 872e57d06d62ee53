// Describing a workload script: its `workload` table read through the prelude into plain C++.
#pragma once
#include <string>

#include "config/workload_info.h"

namespace stormdb {

// Loads the script in a fresh Lua state and describes it; options_lua (a chunk returning the
// option table) lets workload.mix be a function of the options. Throws ScriptError.
WorkloadInfo describe_workload(const std::string &path, const std::string &options_lua = "");

}  // namespace stormdb
