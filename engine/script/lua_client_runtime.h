// The Lua client runtime: one LuaJIT state per worker thread, one coroutine per client running the
// prelude's client main (its transaction loop, a background function, a hook or a parallel part).
#pragma once
#include "base/client_runtime.h"
#include "config/run_plan.h"

struct lua_State;

namespace stormdb {

struct MemoryBudget;

// Implements the ClientRuntime contract with coroutines: a client waits by yielding (the prelude
// yields after each request, sleep, barrier or parallel start) and is resumed with the status of
// its connection's last request as coroutine.yield()'s value.
class LuaClientRuntime : public ClientRuntime {
 public:
  // Creates the thread's state with the script loaded (new_script_state). Throws ScriptError.
  LuaClientRuntime(const RunPlan &plan, int thread_id);
  ~LuaClientRuntime() override;

  Step start(sdb_client *cl, ClientTask &task, const ClientStart &what) override;
  Step resume(sdb_client *cl, ClientTask &task, int request_status) override;
  ClientOutcome take_outcome(ClientTask &task) override;
  // Adds --lua-memory-limit to a "not enough memory" error and schedules a full GC.
  std::string explain_error(const std::string &message) override;
  void after_round() override;
  // Sets a count hook on the state that raises "did not yield for ... s" in the running coroutine
  // (what LuaJIT documents as safe from a signal handler; luajit.c does it for Ctrl-C).
  void interrupt(double stuck_s) override;

 private:
  Step run(ClientTask &task, int nargs);

  lua_State *L_ = nullptr;
  MemoryBudget *budget_ = nullptr;  // L_'s allocator account (lua_state.h)
  bool collect_garbage_ = false;  // a script hit the memory limit: full GC once back in the loop
};

}  // namespace stormdb
