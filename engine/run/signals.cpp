// Signal handlers that turn Ctrl-C into a graceful stop: they only count and write to eventfds.
// Also the watchdog's interrupt: a signal to a stuck worker thread asks its client runtime to
// interrupt the code running (for Lua, a hook set on its state: script/lua_client_runtime.h).
#include "run/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "base/client_runtime.h"

namespace stormdb::signals {
namespace {
constexpr int kMaxFds = 1024;
constexpr unsigned kExitBackstopS = 5;
std::atomic<int> g_count{0};
std::atomic<int> g_fds[kMaxFds];
std::atomic<bool> g_installed{false};
std::atomic<bool> g_report_on_exit{false};
std::atomic<double> g_signal_stuck_s{0};
thread_local ClientRuntime *t_runtime = nullptr;

void handler(int) {
  int n = g_count.fetch_add(1) + 1;
  if (n >= 3) {
    if (!g_report_on_exit.load()) _exit(130);
    alarm(kExitBackstopS);  // the reporter writes the results and exits; if it cannot, we do
  }
  uint64_t one = 1;
  for (auto &fd : g_fds) {
    int f = fd.load();
    if (f > 0) {
      ssize_t r = write(f, &one, sizeof one);
      (void)r;
    }
  }
}

void backstop(int) { _exit(130); }

void interrupt_handler(int) {
  if (t_runtime) t_runtime->interrupt(g_signal_stuck_s.load());
}

int interrupt_signal() { return SIGRTMIN + 3; }
}  // namespace

void install() {
  if (g_installed.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = backstop;
  sigaction(SIGALRM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int count() { return g_count.load(); }

void add_wake_fd(int fd) {
  for (auto &slot : g_fds) {
    int expected = 0;
    if (slot.compare_exchange_strong(expected, fd)) return;
  }
}

void remove_wake_fd(int fd) {
  for (auto &slot : g_fds) {
    int expected = fd;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void set_report_on_exit(bool on) {
  g_report_on_exit = on;
  if (!on) alarm(0);  // the reporter got there: no backstop needed
}

void set_thread_runtime(ClientRuntime *runtime) { t_runtime = runtime; }

void interrupt_thread(pthread_t t, double stuck_s) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction sa {};
    sa.sa_handler = interrupt_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(interrupt_signal(), &sa, nullptr);
  });
  g_signal_stuck_s = stuck_s;
  pthread_kill(t, interrupt_signal());
}

}  // namespace stormdb::signals
