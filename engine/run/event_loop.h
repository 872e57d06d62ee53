// A thread's event loop: epoll over its connections' sockets, a timer heap with µs resolution, and
// an eventfd other threads (and signal handlers) use to wake it.
#pragma once
#include <cstdint>
#include <queue>
#include <vector>

#include "pg/connection.h"

namespace stormdb {

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop &) = delete;
  EventLoop &operator=(const EventLoop &) = delete;

  void watch(sdb_conn *c, int fd, bool write);
  void unwatch(sdb_conn *c, int fd);
  // Calls back fire(token) from poll() once the engine clock reaches deadline_us.
  void add_timer(double deadline_us, void *token, uint64_t generation);
  // Waits for I/O, a timer or a wake-up, at most until deadline_us (engine clock); then dispatches:
  // on_timer(token, generation) for due timers first (a sleep's lateness grows with everything
  // dispatched before it), then on_io for ready connections.
  template <class OnIo, class OnTimer>
  void poll(double deadline_us, OnIo on_io, OnTimer on_timer);
  // Dispatches the timers due by now_us without waiting; lets a long round of work let sleepers
  // in between its steps instead of only at its end.
  template <class OnTimer>
  void fire_due(double now_us, OnTimer on_timer);
  // Whether a timer is due by now_us (a compare, no system call).
  bool due(double now_us) const { return !timers_.empty() && timers_.top().at <= now_us; }
  // Drops every pending timer (their tokens belong to the previous job's clients).
  void clear_timers() { timers_ = {}; }
  // Called on the thread that polls: asks the kernel for exact timer expiry on it (the default
  // timer slack lets each wait overrun by up to 50 µs).
  void claim_thread();
  // Async-signal-safe: makes a poll() in progress return.
  void wake();
  int wake_fd() const { return wake_fd_; }

 private:
  struct Timer {
    double at;
    void *token;
    uint64_t generation;
    bool operator>(const Timer &o) const { return at > o.at; }
  };
  int wait(double deadline_us);

  int ep_;
  int wake_fd_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  struct Ready {
    uint64_t data;
    uint32_t events;
  };
  std::vector<Ready> ready_;
};

double now_us();

template <class OnIo, class OnTimer>
void EventLoop::poll(double deadline_us, OnIo on_io, OnTimer on_timer) {
  double until = deadline_us;
  if (!timers_.empty() && timers_.top().at < until) until = timers_.top().at;
  int n = wait(until);
  fire_due(now_us(), on_timer);
  for (int i = 0; i < n; i++)
    if (ready_[i].data != 0) on_io(reinterpret_cast<sdb_conn *>(ready_[i].data), ready_[i].events);
}

template <class OnTimer>
void EventLoop::fire_due(double now, OnTimer on_timer) {
  while (due(now)) {
    Timer t = timers_.top();
    timers_.pop();
    on_timer(t.token, t.generation);
  }
}

}  // namespace stormdb
