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

// A thread state (thread 0) with a limit of mb MB over a trivial script written to path.
lua_State *state_with_limit(const std::string &path, int mb) {
  std::ofstream(path) << "workload = { mix = { event = 1 } }\nfunction event(ctx) end\n";
  RunPlan plan;
  plan.script_path = path;
  plan.lua_memory_limit_mb = mb;
  return new_script_state(plan, 0);
}
}  // namespace

TEST_CASE("a Lua state cannot grow past its memory limit, and recovers once memory is freed") {
  std::string path = "/tmp/stormdb_unit_memory_limit.lua";
  lua_State *L = state_with_limit(path, 16);
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

// LuaJIT cannot take a memory error inside compiled code, so with the JIT on an allocation past the
// limit goes through (up to twice it); back outside the code, lua_memory_enforce turns the JIT off
// and from then on an allocation past what is in use fails, as "not enough memory".
TEST_CASE("past the memory limit with the JIT on, the state goes on until the runtime turns its JIT off") {
  std::string path = "/tmp/stormdb_unit_memory_jit.lua";
  lua_State *L = state_with_limit(path, 16);
  MemoryBudget *b = lua_memory_budget_of(L);
  int status = 0;
  // About 20 MB kept (a compiled loop), over the 16 MB limit.
  CHECK(run_chunk(L, "big = {} for i = 1, 1.6e5 do big[i] = string.rep('x', 100) .. i end", &status).empty());
  CHECK(status == 0);
  CHECK(b->used > b->limit);
  CHECK(b->over_limit);
  lua_memory_enforce(L, b);
  CHECK_FALSE(b->jit_on);
  CHECK(lua_memory_limit_of(L) == 16u << 20);  // what the message names: --lua-memory-limit
  std::string m = run_chunk(L, "local t = {} for i = 1, 1e5 do t[i] = string.rep('y', 100) .. i end", &status);
  CHECK(status == LUA_ERRMEM);
  CHECK(m == "not enough memory");
  lua_close(L);
  std::remove(path.c_str());
}
