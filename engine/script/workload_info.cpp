// Reads a workload's declaration through the prelude's _describe() into plain C++ structures.
#include "script/describe.h"

#include <lua.hpp>

#include <algorithm>

#include "config/run_plan.h"
#include "script/lua_state.h"

namespace stormdb {
namespace {

std::string str_field(lua_State *L, int idx, const char *k) {
  lua_getfield(L, idx, k);
  std::string v = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return v;
}

std::vector<std::string> split_choices(const std::string &s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

template <class F>
void for_each_item(lua_State *L, int idx, const char *field, F f) {
  lua_getfield(L, idx, field);
  int n = static_cast<int>(lua_objlen(L, -1));
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    f(lua_gettop(L));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

}  // namespace

WorkloadInfo describe_workload(const std::string &path, const std::string &options_lua) {
  RunPlan plan;
  plan.script_path = path;
  plan.options_lua = options_lua;
  plan.phase = "describe";
  lua_State *L = new_script_state(plan, -1);
  WorkloadInfo info;
  info.path = path;
  lua_getglobal(L, "stormdb");
  lua_getfield(L, -1, "_describe");
  lua_pushstring(L, path.c_str());
  if (lua_pcall(L, 1, 1, 0) != 0) {
    std::string m = lua_tostring(L, -1) ? lua_tostring(L, -1) : "cannot describe the workload";
    lua_close(L);
    throw ScriptError(m);
  }
  int d = lua_gettop(L);
  info.name = str_field(L, d, "name");
  info.description = str_field(L, d, "description");
  info.deck = str_field(L, d, "selection") == "deck";
  info.one_client_per_thread = str_field(L, d, "one_client_per_thread") == "true";
  info.query_mode = str_field(L, d, "query_mode");
  for_each_item(L, d, "options", [&](int i) {
    OptionDecl o;
    o.name = str_field(L, i, "name");
    o.type = str_field(L, i, "type");
    o.default_value = str_field(L, i, "default");
    o.help = str_field(L, i, "help");
    o.choices = split_choices(str_field(L, i, "choices"), '|');
    lua_getfield(L, i, "integer");
    o.integer = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    o.min = str_field(L, i, "min");
    o.max = str_field(L, i, "max");
    info.options.push_back(std::move(o));
  });
  for_each_item(L, d, "mix", [&](int i) {
    lua_getfield(L, i, "weight");
    double w = lua_tonumber(L, -1);
    lua_pop(L, 1);
    info.mix.emplace_back(str_field(L, i, "name"), w);
  });
  for_each_item(L, d, "background", [&](int i) {
    lua_getfield(L, i, "count");
    int n = static_cast<int>(lua_tonumber(L, -1));
    lua_pop(L, 1);
    info.background.emplace_back(str_field(L, i, "name"), n);
  });
  lua_getfield(L, d, "hooks");
  int n = static_cast<int>(lua_objlen(L, -1));
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    info.hooks.emplace_back(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_close(L);
  return info;
}

}  // namespace stormdb
