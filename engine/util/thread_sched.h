// Scheduling of the calling thread: how long it ran and waited for a CPU (the kernel's schedstat),
// and running it under SCHED_FIFO (--realtime).
#pragma once

#include <string>

namespace stormdb {

/// Time the calling thread has spent on a CPU and waiting on a run queue for one, since it
/// started, in µs (/proc/thread-self/schedstat, fields 1 and 2, ns). known is false when the
/// kernel does not expose it (no CONFIG_SCHED_INFO); both values are then 0.
struct ThreadCpu {
  double on_cpu_us = 0;
  double wait_us = 0;
  bool known = false;
};
ThreadCpu read_thread_cpu();

/// Empty when this process may run threads under SCHED_FIFO (root, CAP_SYS_NICE or an
/// RLIMIT_RTPRIO of at least 1), else the reason and what to do about it, for --realtime's error.
/// Tries it on a short-lived thread; the calling thread's policy is left alone.
std::string realtime_unavailable();

/// Puts the calling thread under SCHED_FIFO at priority 1 (the lowest real-time one: above every
/// normal thread, such as the server's backends on a shared machine, below any other real-time
/// thread), with SCHED_RESET_ON_FORK so nothing it starts inherits it. Returns false (errno set)
/// when the kernel refuses.
bool make_thread_realtime();

}  // namespace stormdb
