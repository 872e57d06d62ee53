// Unit tests of the Lua states' memory limit: an allocation past it fails as "not enough memory"
// in the code that made it, and the state stays usable once the memory is released.
#include <doctest/doctest.h>

#include <lua.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "run/engine.h"
#include "script/lua_state.h"

using namespace stormdb;

namespace {
// Runs chunk in L; returns "" or the error message, with the status in *status.
std::string run_chunk(lua_State *L, const char *chunk, int *status) {
  *status = luaL_loadstring(L, chunk);
  if (*status == 0) *status = lua_pcall(L, 0, 0, 0);
  std::string m = *status != 0 && lua_tostring(L, -1) ? lua_tostring(L, -1) : "";
  lua_settop(L, 0);
  return m;
}
}  // namespace

TEST_CASE("a Lua state cannot grow past its memory limit, and recovers once memory is freed") {
  std::string path = "/tmp/stormdb_unit_memory_limit.lua";
  std::ofstream(path) << "workload = { mix = { event = 1 } }\nfunction event(ctx) end\n";
  RunPlan plan;
  plan.script_path = path;
  plan.lua_memory_limit_mb = 16;
  lua_State *L = new_script_state(plan, 0);
  CHECK(lua_memory_limit_of(L) == 16u << 20);
  int status = 0;
  // Garbage that filled the state: LuaJIT collects nothing on a failed allocation, so the worker
  // runs a full collection after a memory error (as here), and the state works again.
  std::string m = run_chunk(L, "local t = {} for i = 1, 1e6 do t[i] = string.rep('x', 100) .. i end", &status);
  CHECK(status == LUA_ERRMEM);
  CHECK(m == "not enough memory");
  lua_gc(L, LUA_GCCOLLECT, 0);
  CHECK(run_chunk(L, "local t = {} for i = 1, 1e4 do t[i] = string.rep('y', 100) .. i end", &status).empty());
  CHECK(status == 0);
  lua_close(L);
  std::remove(path.c_str());
}
