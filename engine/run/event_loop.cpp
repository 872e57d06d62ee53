// epoll/eventfd plumbing of the per-thread event loop and the engine's monotonic clock.
#include "run/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <ctime>
#include <stdexcept>

namespace stormdb {
namespace {
const timespec kEpoch = [] {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t;
}();
}  // namespace

double now_us() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - kEpoch.tv_sec) * 1e6 + (t.tv_nsec - kEpoch.tv_nsec) / 1e3;
}

EventLoop::EventLoop() {
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (ep_ < 0 || wake_fd_ < 0) throw std::runtime_error("cannot create the event loop (epoll/eventfd)");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  epoll_ctl(ep_, EPOLL_CTL_ADD, wake_fd_, &ev);
  ready_.resize(256);
}

EventLoop::~EventLoop() {
  close(ep_);
  close(wake_fd_);
}

void EventLoop::watch(sdb_conn *c, int fd, bool write) {
  if (fd < 0) return;
  epoll_event ev{};
  ev.events = static_cast<uint32_t>(EPOLLIN) | (write ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  ev.data.u64 = reinterpret_cast<uint64_t>(c);
  if (epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT) epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
}

void EventLoop::unwatch(sdb_conn *, int fd) {
  if (fd >= 0) epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
}

void EventLoop::add_timer(double deadline_us, void *token, uint64_t generation) {
  timers_.push(Timer{deadline_us, token, generation});
}

void EventLoop::claim_thread() { prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); }

void EventLoop::wake() {
  uint64_t one = 1;
  ssize_t r = ::write(wake_fd_, &one, sizeof one);
  (void)r;
}

int EventLoop::wait(double deadline_us) {
  epoll_event evs[256];
  timespec ts{};
  timespec *tsp = nullptr;
  if (std::isfinite(deadline_us)) {
    double d = deadline_us - now_us();
    if (d < 0) d = 0;
    ts.tv_sec = static_cast<time_t>(d / 1e6);
    ts.tv_nsec = static_cast<long>((d - ts.tv_sec * 1e6) * 1e3);
    tsp = &ts;
  }
  // epoll_pwait2 takes a timespec, so timers are not rounded up to whole milliseconds.
  int n = epoll_pwait2(ep_, evs, 256, tsp, nullptr);
  if (n < 0 && errno == ENOSYS) {
    int ms = tsp ? static_cast<int>(std::ceil((ts.tv_sec * 1e9 + ts.tv_nsec) / 1e6)) : -1;
    n = epoll_wait(ep_, evs, 256, ms);
  }
  if (n < 0) return 0;
  for (int i = 0; i < n; i++) {
    if (evs[i].data.u64 == 0) {
      uint64_t v;
      ssize_t r = ::read(wake_fd_, &v, sizeof v);
      (void)r;
    }
    ready_[i] = Ready{evs[i].data.u64, evs[i].events};
  }
  return n;
}

}  // namespace stormdb
