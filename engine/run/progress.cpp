// Load progress reporting for prepare: one line every 2 s with rows/s and ETA, like pgbench -i.
#include "run/progress.h"

#include <fmt/format.h>

#include <cstdio>
#include <mutex>

#include "run/event_loop.h"

namespace stormdb::progress {
namespace {
std::mutex g_progress_mu;
double g_done = 0, g_total = 0, g_start = 0, g_last_print = 0;
bool g_enabled = true;
}  // namespace

void reset(bool enabled) {
  std::lock_guard lock(g_progress_mu);
  g_done = g_total = 0;
  g_start = g_last_print = now_us();
  g_enabled = enabled;
}

void add(double rows, double total_rows) {
  std::lock_guard lock(g_progress_mu);
  if (total_rows > 0) g_total = total_rows;
  g_done += rows;
  double now = now_us();
  if (!g_enabled || now - g_last_print < 2e6) return;
  g_last_print = now;
  double elapsed = (now - g_start) / 1e6;
  double rate = elapsed > 0 ? g_done / elapsed : 0;
  if (g_total > 0) {
    double eta = rate > 0 ? (g_total - g_done) / rate : 0;
    std::fprintf(stderr, "%s\n",
                 fmt::format("loading: {:.0f} of {:.0f} rows ({:.0f}%), {:.0f} rows/s, elapsed {:.1f} s, ETA {:.1f} s",
                             g_done, g_total, 100 * g_done / g_total, rate, elapsed, eta > 0 ? eta : 0)
                     .c_str());
  } else {
    std::fprintf(stderr, "%s\n",
                 fmt::format("loading: {:.0f} rows, {:.0f} rows/s, elapsed {:.1f} s", g_done, rate, elapsed).c_str());
  }
}

void finish() {
  std::lock_guard lock(g_progress_mu);
  if (!g_enabled || g_done <= 0) return;
  double elapsed = (now_us() - g_start) / 1e6;
  std::fprintf(
      stderr, "%s\n",
      fmt::format("loaded {:.0f} rows in {:.1f} s ({:.0f} rows/s)", g_done, elapsed, elapsed > 0 ? g_done / elapsed : 0)
          .c_str());
}

}  // namespace stormdb::progress
