// SIGINT/SIGTERM handling: count the signals and wake every event loop so workers notice at once;
// and the watchdog's signal that makes a stuck worker thread raise an error in its Lua state.
#pragma once
#include <pthread.h>

struct lua_State;

namespace stormdb::signals {

// Installs the handlers (idempotent). The first signal asks for a graceful stop (report, JSON);
// the second makes workers drop their connections; the third exits at once with status 130 -
// unless a run's reporter is active (set_report_on_exit), which then writes what was collected
// itself and exits (a 5 s backstop in the handler exits 130 if it cannot).
void install();
int count();
// Event loops to wake (eventfds) on a signal; async-signal-safe to use from the handler.
void add_wake_fd(int fd);
void remove_wake_fd(int fd);
// While set, a third signal leaves the exit to the run's reporter (main thread).
void set_report_on_exit(bool on);

// The Lua state the calling (worker) thread runs, for the watchdog's interrupt; nullptr to clear.
void set_thread_lua(lua_State *L);
// Asks thread t to set a count hook on its Lua state (set_thread_lua): the next interpreted Lua
// instruction raises "did not yield for N s after the end of the run". Code inside a JIT-compiled
// trace never sees the hook (LuaJIT checks hooks only in the interpreter).
void interrupt_lua(pthread_t t, double stuck_s);

}  // namespace stormdb::signals
