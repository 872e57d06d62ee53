// LuaJIT states: creating one per thread with the embedded prelude and the workload script loaded.
#pragma once
#include <stdexcept>
#include <string>

struct lua_State;

namespace stormdb {

struct RunPlan;

// A new Lua state with the standard libraries, the embedded modules in package.preload, the
// script's folder and $STORMDB_PATH on package.path, and the script loaded (its top level run).
// thread_id -1 is the main thread's state. Throws ScriptError on a load or runtime error.
// The state allocates through a counting allocator that refuses to grow past
// plan.lua_memory_limit_mb: LuaJIT then raises "not enough memory" where the script allocated.
lua_State *new_script_state(const RunPlan &plan, int thread_id);
// The memory limit of a state made by new_script_state, in bytes.
size_t lua_memory_limit_of(lua_State *L);

// The counting allocator's account of a state made by new_script_state (its allocator's ud).
// LuaJIT 2.1 (OpenResty 2.1-20230119) crashes when an allocation fails inside JIT-compiled code
// (the error cannot unwind through a trace), so while the JIT is on an allocation past the limit
// succeeds (up to twice the limit) and only sets over_limit; the runtime then turns the state's
// JIT off (lua_memory_enforce) once back outside the coroutine, and from there allocations past
// the cutoff fail in the interpreter, where the error is safe. The cutoff is then the memory in
// use after a full collection, if above the limit: what the script kept of the overshoot stays,
// and a cutoff below it would fail every allocation after, even the small ones that recording
// the failed transaction makes.
struct MemoryBudget {
  size_t used = 0;    // bytes
  size_t limit = 0;   // bytes: --lua-memory-limit
  size_t cutoff = 0;  // bytes: allocations fail past it (the limit, or more after an overshoot)
  bool jit_on = true;
  bool over_limit = false;
  void *state = nullptr;  // the main lua_State, which is the state's first and last block
};
MemoryBudget *lua_memory_budget_of(lua_State *L);
// Outside any running coroutine of L: turns L's JIT off and flushes its traces once an allocation
// went past the limit with the JIT on (see MemoryBudget), so that later ones may fail safely.
void lua_memory_jit_off(lua_State *L, MemoryBudget *b);
inline void lua_memory_enforce(lua_State *L, MemoryBudget *b) {
  if (b->over_limit && b->jit_on) lua_memory_jit_off(L, b);
}

// Error raised while loading or describing a script; what() is "file:line: message".
struct ScriptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace stormdb
