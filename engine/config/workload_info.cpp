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

std::string option_constraints(const OptionDecl &o) {
  std::string out = o.integer ? "integer" : "";
  if (!o.min.empty() || !o.max.empty()) {
    std::string range = !o.max.empty() ? (o.min.empty() ? "<= " + o.max : o.min + ".." + o.max) : ">= " + o.min;
    out += (out.empty() ? "" : ", ") + range;
  }
  for (size_t i = 0; i < o.choices.size(); i++) out += (i == 0 ? (out.empty() ? "" : ", ") : "|") + o.choices[i];
  return out;
}

}  // namespace stormdb
