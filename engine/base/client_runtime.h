// The seam between the run layer and the code that drives clients: run/ schedules clients, owns
// their connections, the event loop, timers and the recorder, and calls a ClientRuntime to run
// their code (Lua coroutines: script/lua_client_runtime.h; native transaction types: plugin/).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "base/ffi_types.h"

namespace stormdb {

// What a client is for: a terminal runs the transaction mix; a background worker runs one global
// function for the whole run; a hook runs prepare/check/cleanup/...; a part is one ctx:parallel part.
enum class ClientKind { kTerminal, kBackground, kHook, kPart };

// What to start for a client.
struct ClientStart {
  ClientKind kind = ClientKind::kTerminal;
  int id = 0;        // global client id; the part number for kPart
  std::string fn;    // kBackground: the function; kHook: the hook name; kPart: the part function
  std::string args;  // kPart: the serialised arguments of ctx:parallel ("" otherwise)
};

// The runtime's per-client state, kept by run/ inside the client, opaque to it.
struct ClientTask {
  void *handle = nullptr;
  int ref = -2;
  int status = 0;
};

// Where a client's code stands when it gives control back to run/.
enum class Step {
  kWaiting,  // it waits on something it asked run/ for: a request on its connection, a timer
             // (sdb_sleep, an arrival), the start barrier, ctx:parallel parts
  kEnded,    // its code returned or failed: take its outcome
};

// How a client's code ended.
struct ClientOutcome {
  std::string error;           // why it ended early ("" when it returned normally)
  std::string result;          // what a hook returned (serialised; check: one "ok\tname\tdetail" per line)
  bool out_of_memory = false;  // it failed allocating past the runtime's memory limit (error says so)
};

// One worker thread's runtime: every call is made on that thread, between event-loop rounds.
//
// Contract:
// - start() begins a client's code and runs it until it waits or ends. The code drives its own
//   transactions through the client-control functions of script/stormdb_ffi.h (sdb_next hands out
//   the next transaction of the mix, sdb_txn_start/sdb_record time and count it, sdb_sleep arms a
//   timer) and sends requests on the connection run/ gives it (sdb_client_conn): the runtime
//   never opens, owns or closes a connection, so run/ may hand a client a different connection
//   per transaction.
// - resume() continues a waiting client once what it waited for is there; request_status is the
//   sdb_res_status of its connection's last request (meaningless after a timer, barrier or
//   parallel wake-up, which the code tells apart itself).
// - After kEnded, run/ calls take_outcome() once; the runtime then frees the client's state.
//   A client still waiting when run/ gives up on it is never resumed nor taken again.
class ClientRuntime {
 public:
  virtual ~ClientRuntime() = default;

  virtual Step start(sdb_client *cl, ClientTask &task, const ClientStart &what) = 0;
  virtual Step resume(sdb_client *cl, ClientTask &task, int request_status) = 0;
  virtual ClientOutcome take_outcome(ClientTask &task) = 0;

  // An error message reported by a client's code (sdb_script_error), with what the runtime can
  // add about its cause (e.g. the memory limit that was reached).
  virtual std::string explain_error(const std::string &message) { return message; }
  // Called after each round of resumes: time for deferred housekeeping (a full GC after a memory
  // error, say).
  virtual void after_round() {}
  // Makes the client code running now on this thread fail at its next instruction, with a
  // message saying it did not yield for stuck_s seconds. Called from a signal handler on the
  // worker's thread (run/signals.h): async-signal-safe work only.
  virtual void interrupt(double stuck_s) {}
};

// Makes worker thread worker_id's runtime (Engine builds one per worker).
using RuntimeFactory = std::function<std::unique_ptr<ClientRuntime>(int worker_id)>;

}  // namespace stormdb
