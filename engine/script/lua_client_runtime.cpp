// Lua clients as coroutines of the thread's state: started on the prelude's client main, resumed
// with the status of the request they yielded on, their end read from the coroutine's stack.
#include "script/lua_client_runtime.h"

#include <fmt/format.h>
#include <lua.hpp>

#include <atomic>
#include <cstdio>

#include "script/lua_state.h"

namespace stormdb {
namespace {

std::atomic<double> g_stuck_s{0};

// Runs in the stuck coroutine: it doesn't add a frame, so level 0 is the script's own function.
void stuck_hook(lua_State *L, lua_Debug *) {
  lua_sethook(L, nullptr, 0, 0);
  luaL_where(L, 0);
  char msg[160];
  std::snprintf(msg, sizeof msg, "did not yield for %.1f s after the end of the run (endless loop?); interrupted",
                g_stuck_s.load());
  lua_pushfstring(L, "%s%s", lua_tostring(L, -1), msg);
  lua_error(L);
}

lua_State *coroutine(const ClientTask &task) { return static_cast<lua_State *>(task.handle); }

}  // namespace

LuaClientRuntime::LuaClientRuntime(const RunPlan &plan, int thread_id)
    : L_(new_script_state(plan, thread_id)), budget_(lua_memory_budget_of(L_)) {}

LuaClientRuntime::~LuaClientRuntime() {
  if (L_) lua_close(L_);
}

Step LuaClientRuntime::start(sdb_client *cl, ClientTask &task, const ClientStart &what) {
  lua_State *co = lua_newthread(L_);
  task.handle = co;
  task.ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  lua_getglobal(co, "stormdb");
  lua_getfield(co, -1, "_client_main");
  lua_remove(co, -2);
  static const char *kKinds[] = {"terminal", "background", "hook", "part"};
  lua_pushstring(co, kKinds[static_cast<int>(what.kind)]);
  lua_pushlightuserdata(co, cl);
  lua_pushnumber(co, what.id);
  lua_pushstring(co, what.fn.c_str());
  if (what.kind == ClientKind::kPart) {
    lua_pushstring(co, what.args.c_str());
  } else {
    lua_pushnil(co);
  }
  return run(task, lua_gettop(co) - 1);
}

Step LuaClientRuntime::resume(sdb_client *, ClientTask &task, int request_status) {
  // The status of the request the client waited for, as coroutine.yield()'s value: one FFI
  // call less per query on the hot path.
  lua_pushinteger(coroutine(task), request_status);
  return run(task, 1);
}

Step LuaClientRuntime::run(ClientTask &task, int nargs) {
  lua_State *co = coroutine(task);
  int status = lua_resume(co, nargs);
  lua_memory_enforce(L_, budget_);
  if (status == LUA_YIELD) {
    lua_settop(co, 0);
    return Step::kWaiting;
  }
  task.status = status;
  return Step::kEnded;
}

ClientOutcome LuaClientRuntime::take_outcome(ClientTask &task) {
  lua_State *co = coroutine(task);
  ClientOutcome out;
  if (task.status != 0) {
    out.out_of_memory = task.status == LUA_ERRMEM;
    const char *m = lua_tostring(co, -1);
    out.error = m ? m : "error in the client coroutine";
  } else {
    // The prelude's client main returns (error or nil, result or nil).
    int top = lua_gettop(co);
    if (top >= 1 && lua_isstring(co, 1)) out.error = lua_tostring(co, 1);
    if (top >= 2 && lua_isstring(co, 2)) out.result = lua_tostring(co, 2);
  }
  lua_settop(co, 0);
  luaL_unref(L_, LUA_REGISTRYINDEX, task.ref);
  task.ref = LUA_NOREF;
  task.handle = nullptr;
  return out;
}

std::string LuaClientRuntime::explain_error(const std::string &message) {
  std::string m = message;
  if (m.size() >= 17 && m.compare(m.size() - 17, 17, "not enough memory") == 0) {
    m += fmt::format(" (this thread's Lua state reached --lua-memory-limit={} MB)", lua_memory_limit_of(L_) >> 20);
    collect_garbage_ = true;  // LuaJIT collects nothing on a failed allocation
  }
  return m;
}

// After a memory error, outside any coroutine: garbage could otherwise keep the state at its
// limit, and every later allocation would fail too.
void LuaClientRuntime::after_round() {
  if (!collect_garbage_) return;
  collect_garbage_ = false;
  lua_gc(L_, LUA_GCCOLLECT, 0);
}

void LuaClientRuntime::interrupt(double stuck_s) {
  g_stuck_s.store(stuck_s, std::memory_order_relaxed);
  lua_sethook(L_, stuck_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

}  // namespace stormdb
