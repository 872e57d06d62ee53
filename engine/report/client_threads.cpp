// The report's words for the worker threads' CPU: time on a CPU, time waiting for one, and the
// warning when the client was short of CPU.
#include "report/client_threads.h"

#include <fmt/format.h>

namespace stormdb {

std::string client_threads_text(int threads, bool realtime, double on_cpu_s, double wait_s, double elapsed_s) {
  double total = threads * elapsed_s;
  return fmt::format("{}{}, on a CPU {:.1f} s, waiting for one {:.1f} s ({:.0f} % of their {:.1f} s)", threads,
                     realtime ? " under SCHED_FIFO (--realtime)" : "", on_cpu_s, wait_s,
                     total > 0 ? 100 * wait_s / total : 0.0, total);
}

std::string client_starved_text(double share) {
  return fmt::format(
      "the client was short of CPU: its threads waited {:.0f} % of the measured time for one, and the latencies, "
      "pool waits and timer lateness above include those waits; give stormdb cores of its own (another machine, "
      "taskset) or run it with --realtime",
      100 * share);
}

}  // namespace stormdb
