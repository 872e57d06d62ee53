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

// Error raised while loading or describing a script; what() is "file:line: message".
struct ScriptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace stormdb
