// The plan of one stormdb command for the engine's workers and client runtimes, fixed before they start.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stormdb {

// Everything the workers need to know, fixed before they start.
struct RunPlan {
  std::string script_path;
  std::string conninfo;
  int threads = 1;
  int clients = 1;
  int connections = 0;                  // pooled: connections over all threads (<= clients); 0: one per client
  std::string query_mode = "prepared";  // how named statements are sent: simple, extended, prepared
  double duration_us = 0;               // 0: run until -t transactions are done
  double warmup_us = 0;
  double interval_us = 1e6;   // interval records (progress lines when report_interval is set)
  uint64_t transactions = 0;  // per client; 0: unlimited
  int max_tries = 10;
  int64_t lua_memory_limit_mb = 1024;  // per Lua state
  double rate_per_client = 0;          // open loop: arrivals/s of each client; 0 = closed loop
  bool poisson = true;                 // exponential inter-arrival gaps, else a fixed period
  double latency_limit_us = 0;
  double seed = 0;
  int loaders = 1;
  bool realtime = false;  // --realtime: worker threads of a run under SCHED_FIFO
  std::vector<std::string> mix_names;  // sorted; index = transaction type id
  std::vector<double> mix_weights;
  bool deck = false;
  std::vector<std::pair<std::string, int>> background;  // global function, instances per thread
  std::string options_lua;                              // Lua chunk returning the resolved option table
  std::string phase = "run";
};

}  // namespace stormdb
