// The report's words for the worker threads' CPU (on a CPU, waiting for one): console and HTML.
#pragma once

#include <string>

namespace stormdb {

/// Waiting for a CPU at or above this share of the threads' measured time (0..1) makes the report
/// warn that the client, not only the server, set the latencies.
constexpr double kClientStarvedShare = 0.10;

/// "2 under SCHED_FIFO (--realtime), on a CPU 2.6 s, waiting for one 13.0 s (33 % of their 40.0 s)",
/// after the label "client threads". on_cpu_s and wait_s are summed over the threads; elapsed_s is the measured time.
std::string client_threads_text(int threads, bool realtime, double on_cpu_s, double wait_s, double elapsed_s);

/// The warning printed when the waits reach kClientStarvedShare, naming the share and the fixes.
std::string client_starved_text(double share);

}  // namespace stormdb
