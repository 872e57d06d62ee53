// SIGINT/SIGTERM handling: count the signals and wake every event loop so workers notice at once.
#pragma once

namespace stormdb::signals {

// Installs the handlers (idempotent). The first signal asks for a graceful stop (report, JSON);
// the second makes workers drop their connections; the third exits at once with status 130.
void install();
int count();
// Event loops to wake (eventfds) on a signal; async-signal-safe to use from the handler.
void add_wake_fd(int fd);
void remove_wake_fd(int fd);

}  // namespace stormdb::signals
