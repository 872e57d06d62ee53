// Creation of per-thread LuaJIT states: prelude, search path, memory budget, the script loaded.
#include "script/lua_state.h"

#include <lua.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "config/run_plan.h"
#include "script/embedded_lua.h"

namespace stormdb {
namespace {

// The embedded modules' bytecode, dumped by the first state that parses each one: every later
// state of the process (one per worker thread, the describe and summary states) loads the
// bytecode instead of parsing the source again. The dump keeps the chunk name and line info, so
// errors still read "stormdb/stormdb.lua:LINE".
std::mutex g_bytecode_mutex;
std::map<std::string, std::string> g_bytecode;

int append_dump(lua_State *, const void *p, size_t n, void *out) {
  static_cast<std::string *>(out)->append(static_cast<const char *>(p), n);
  return 0;
}

int load_embedded(lua_State *L) {
  const char *name = lua_tostring(L, 1);
  for (const EmbeddedModule *m = kEmbeddedModules; m->name; m++) {
    if (std::string(m->name) != name) continue;
    std::string chunk = std::string("@stormdb/") + m->name + ".lua";
    std::unique_lock lock(g_bytecode_mutex);
    auto cached = g_bytecode.find(m->name);
    int rc = cached != g_bytecode.end()
                 ? luaL_loadbuffer(L, cached->second.data(), cached->second.size(), chunk.c_str())
                 : luaL_loadbuffer(L, m->source, std::strlen(m->source), chunk.c_str());
    if (rc == 0 && cached == g_bytecode.end()) {
      std::string dump;
      if (lua_dump(L, append_dump, &dump) == 0) g_bytecode.emplace(m->name, std::move(dump));
    }
    lock.unlock();
    if (rc != 0) return lua_error(L);
    lua_call(L, 0, 1);
    return 1;
  }
  return 0;
}

std::string search_path(const std::string &script) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(script).parent_path();
  std::string dir = parent.empty() ? std::string(".") : parent.string();
  std::string path;
  auto add = [&path](const std::string &d) { path.append(d).append("/?.lua;").append(d).append("/?/init.lua;"); };
  add(dir);
  if (const char *extra = std::getenv("STORMDB_PATH")) {
    std::stringstream ss(extra);
    std::string d;
    while (std::getline(ss, d, ':'))
      if (!d.empty()) add(d);
  }
  return path;
}

void set_field(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}
void set_field(lua_State *L, const char *k, const std::string &v) {
  lua_pushlstring(L, v.data(), v.size());
  lua_setfield(L, -2, k);
}

// A state's memory budget (MemoryBudget, lua_state.h): the allocator counts the bytes in use and
// refuses to grow past the limit, so LuaJIT raises "not enough memory" in the coroutine that
// allocated (a script error for that client) long before the process itself runs out. Freed with
// the state's last block.
void *budget_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  auto *b = static_cast<MemoryBudget *>(ud);
  if (ptr == nullptr) osize = 0;
  if (nsize == 0) {
    std::free(ptr);
    b->used -= osize;
    if (ptr && ptr == b->state) delete b;
    return nullptr;
  }
  if (nsize > osize && b->used + (nsize - osize) > b->cutoff) {
    // With the JIT on this may be compiled code, which cannot take the error: let it through
    // (bounded) and have the runtime turn the JIT off before the next one fails.
    if (!b->jit_on || b->used + (nsize - osize) > 2 * b->cutoff) return nullptr;
    b->over_limit = true;
  }
  void *p = std::realloc(ptr, nsize);
  if (p) b->used = b->used - osize + nsize;
  return p;
}

}  // namespace

MemoryBudget *lua_memory_budget_of(lua_State *L) {
  void *ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<MemoryBudget *>(ud);
}

size_t lua_memory_limit_of(lua_State *L) {
  MemoryBudget *b = lua_memory_budget_of(L);
  return b ? b->limit : 0;
}

void lua_memory_jit_off(lua_State *L, MemoryBudget *b) {
  b->jit_on = false;
  luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
  luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_FLUSH);
  // The cutoff at what the script keeps, garbage collected first: with the overshoot's garbage
  // counted, the next transactions would have room again and the error would come later.
  lua_gc(L, LUA_GCCOLLECT, 0);
  if (b->used > b->cutoff) b->cutoff = b->used;
}

lua_State *new_script_state(const RunPlan &plan, int thread_id) {
  auto *budget = new MemoryBudget;
  budget->limit = budget->cutoff = static_cast<size_t>(plan.lua_memory_limit_mb) << 20;
  lua_State *L = lua_newstate(budget_alloc, budget);
  if (!L) {
    delete budget;
    throw std::runtime_error("cannot create a Lua state (out of memory)");
  }
  budget->state = L;
  luaL_openlibs(L);
  lua_pushstring(L, kFfiCdef);
  lua_setglobal(L, "_STORMDB_CDEF");
  lua_pushstring(L, STORMDB_VERSION);
  lua_setglobal(L, "_STORMDB_VERSION");
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "preload");
  for (const EmbeddedModule *m = kEmbeddedModules; m->name; m++) {
    lua_pushcfunction(L, load_embedded);
    lua_setfield(L, -2, m->name);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "path");
  std::string path = search_path(plan.script_path) + lua_tostring(L, -1);
  lua_pop(L, 1);
  lua_pushlstring(L, path.data(), path.size());
  lua_setfield(L, -2, "path");
  lua_pop(L, 1);

  lua_getglobal(L, "require");
  lua_pushstring(L, "stormdb");
  if (lua_pcall(L, 1, 1, 0) != 0) {
    std::string m = lua_tostring(L, -1);
    lua_close(L);
    throw std::runtime_error("loading the embedded prelude failed: " + m);
  }
  lua_getfield(L, -1, "_boot");
  lua_newtable(L);
  set_field(L, "thread_id", thread_id);
  set_field(L, "threads", plan.threads);
  set_field(L, "clients", plan.clients);
  set_field(L, "seed", plan.seed);
  set_field(L, "max_tries", plan.max_tries);
  set_field(L, "loaders", plan.loaders);
  set_field(L, "phase", plan.phase);
  set_field(L, "query_mode", plan.query_mode);
  if (!plan.options_lua.empty()) set_field(L, "options", plan.options_lua);
  lua_newtable(L);
  for (size_t i = 0; i < plan.mix_names.size(); i++) {
    lua_pushstring(L, plan.mix_names[i].c_str());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_setfield(L, -2, "mix_names");
  lua_pushstring(L, plan.script_path.c_str());
  if (lua_pcall(L, 2, 0, 0) != 0) {
    std::string m = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error loading the script";
    lua_close(L);
    throw ScriptError(m);
  }
  lua_pop(L, 1);
  return L;
}

}  // namespace stormdb
