// One simulated client: its runtime task (a Lua coroutine, say), its connection (own or borrowed),
// its place in the mix and its wait state.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/client_runtime.h"
#include "base/ffi_types.h"
#include "pg/connection.h"

namespace stormdb {
class Worker;
}

// Defined at global scope because the FFI types header declares `struct sdb_client`.
struct sdb_client {
  using Kind = stormdb::ClientKind;

  stormdb::Worker *worker = nullptr;
  Kind kind = Kind::kTerminal;
  int id = 0;                      // global client id; the part number for kPart
  stormdb::ClientTask task;        // the client runtime's state for this client
  std::unique_ptr<sdb_conn> conn;  // its own connection; nullptr for a terminal of a pooled run
  sdb_conn *held = nullptr;        // the connection it uses now: its own, or one borrowed from the pool
  bool pooled = false;             // borrows from its worker's ConnPool per transaction
  double wait_since_us = 0;        // pooled: queued for a connection since then
  double pool_wait_us = 0;         // pooled: time queued during the current transaction
  double wake_at_us = 0;           // when its sleep timer is due (timer lateness)

  sdb_rng mix_rng{};            // picks transactions; its own stream so scripts' draws stay reproducible
  std::vector<double> weights;  // this client's own mix weights (ctx:set_mix); empty: the plan's
  std::vector<int32_t> deck;    // card deck of mix indexes (selection = "deck")
  size_t deck_pos = 0;
  double intended_us = 0;       // intended start of the transaction handed out by sdb_next
  double start_us = 0;          // its actual start
  bool scheduled = false;       // open loop: intended_us comes from the arrival schedule
  double next_arrival_us = -1;  // open loop: this client's next scheduled arrival
  uint64_t txns_done = 0;
  std::atomic<int32_t> txn{-1};  // the transaction handed out last (read by the watchdog's notes)

  uint64_t timer_generation = 0;  // a timer fires only if it matches (sleep cancelled otherwise)
  bool sleeping = false;
  bool at_barrier = false;
  bool finished = false;
  std::string error;   // why the coroutine ended early (connect failure, hook error)
  std::string result;  // what a hook returned (serialised check results)

  // A native driver (run/client_driver.h) that takes this client's results before its coroutine.
  int32_t (*driver)(void *arg) = nullptr;
  void *driver_arg = nullptr;

  // A hook waiting for ctx:parallel parts.
  int parallel_failed = 0;
  std::string parallel_error;
};
