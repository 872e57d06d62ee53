// Scheduling of the calling thread: run-queue accounting from schedstat, and SCHED_FIFO.
#include "util/thread_sched.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

namespace stormdb {

ThreadCpu read_thread_cpu() {
  ThreadCpu t;
  FILE *f = std::fopen("/proc/thread-self/schedstat", "re");
  if (!f) return t;
  unsigned long long run_ns = 0, wait_ns = 0;
  if (std::fscanf(f, "%llu %llu", &run_ns, &wait_ns) == 2) {
    t.on_cpu_us = static_cast<double>(run_ns) / 1e3;
    t.wait_us = static_cast<double>(wait_ns) / 1e3;
    t.known = true;
  }
  std::fclose(f);
  return t;
}

bool make_thread_realtime() {
  sched_param p{};
  p.sched_priority = 1;
  // sched_setscheduler on a thread id changes that thread only (pthread_setschedparam would do
  // the same but takes no SCHED_RESET_ON_FORK).
  pid_t tid = static_cast<pid_t>(::syscall(SYS_gettid));
  return ::sched_setscheduler(tid, SCHED_FIFO | SCHED_RESET_ON_FORK, &p) == 0;
}

std::string realtime_unavailable() {
  int err = 0;
  std::thread([&err] { err = make_thread_realtime() ? 0 : errno; }).join();
  if (err == 0) return "";
  if (err != EPERM) return std::string("the kernel refused SCHED_FIFO: ") + std::strerror(err);
  rlimit rl{};
  ::getrlimit(RLIMIT_RTPRIO, &rl);
  return "running threads under SCHED_FIFO needs root, CAP_SYS_NICE (sudo setcap cap_sys_nice+ep "
         "$(command -v stormdb)) or a real-time priority limit of at least 1 (ulimit -r; it is " +
         std::to_string(rl.rlim_cur) + " here, raised in /etc/security/limits.conf as rtprio)";
}

}  // namespace stormdb
