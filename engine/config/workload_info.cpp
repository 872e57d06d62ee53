// Lookups in a workload's declaration.
#include "config/workload_info.h"

#include <algorithm>

namespace stormdb {

bool WorkloadInfo::has_hook(const std::string &h) const {
  return std::find(hooks.begin(), hooks.end(), h) != hooks.end();
}

const OptionDecl *WorkloadInfo::option(const std::string &n) const {
  for (const auto &o : options)
    if (o.name == n) return &o;
  return nullptr;
}

}  // namespace stormdb
