// Signal handlers that turn Ctrl-C into a graceful stop: they only count and write to eventfds.
#include "run/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>

namespace stormdb::signals {
namespace {
constexpr int kMaxFds = 1024;
std::atomic<int> g_count{0};
std::atomic<int> g_fds[kMaxFds];
std::atomic<bool> g_installed{false};

void handler(int) {
  int n = g_count.fetch_add(1) + 1;
  if (n >= 3) _exit(130);
  uint64_t one = 1;
  for (auto &fd : g_fds) {
    int f = fd.load();
    if (f > 0) {
      ssize_t r = write(f, &one, sizeof one);
      (void)r;
    }
  }
}
}  // namespace

void install() {
  if (g_installed.exchange(true)) return;
  struct sigaction sa{};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
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

}  // namespace stormdb::signals
