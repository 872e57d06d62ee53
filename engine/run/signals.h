// SIGINT/SIGTERM handling: count the signals and wake every event loop so workers notice at once;
// and the watchdog's signal that makes a stuck worker thread interrupt its client code.
#pragma once
#include <pthread.h>

namespace stormdb {
class ClientRuntime;
}

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

// The client runtime the calling (worker) thread runs, for the watchdog's interrupt; nullptr to clear.
void set_thread_runtime(ClientRuntime *runtime);
// Asks thread t to interrupt the client code it runs (ClientRuntime::interrupt, from the signal
// handler): for Lua, the next interpreted instruction raises "did not yield for N s after the end
// of the run". Code inside a JIT-compiled trace never sees it (LuaJIT checks hooks only in the
// interpreter).
void interrupt_thread(pthread_t t, double stuck_s);

}  // namespace stormdb::signals
