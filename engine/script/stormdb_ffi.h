// The one C surface that Lua scripts reach through LuaJIT FFI; the text between the FFI markers is
// what the embedded prelude passes to ffi.cdef (extracted at build time by cmake/embed_lua.cmake,
// which replaces each #include line there by the FFI text of that header, never copied by hand).
// The client-control functions declared here are implemented by the run layer (run/client_api.cpp).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
#include "base/ffi_types.h"
#include "rand/rand_ffi.h"

/* ---- clock and client control (engine/run/client_api.cpp) --------------------------------------- */
/* Monotonic time in microseconds since the engine started. */
double sdb_now_us(void);
/* Index of the next transaction of the mix to run (0-based, order of workload.mix names sorted),
   -1 when the client must stop, -2 when the client must yield first (an arrival timer is armed). */
int32_t sdb_next(sdb_client *cl);
/* 1 when the transaction sdb_next handed out has an intended start of its own (open loop), so
   nothing (keying time) may be slept before it. */
int32_t sdb_scheduled(sdb_client *cl);
/* Marks the actual start of the client's transaction now (sdb_next does it; call it again after
   a keying time, or for ctx:transaction, which also sets the intended start to now). */
void sdb_txn_start(sdb_client *cl, int32_t reset_intended);
/* Outcome of the client's current transaction (from its intended start to now), recorded under
   mix index txn. A committed or rolled-back outcome is refused (nothing recorded, returns 1) when
   the connection is still inside a transaction block: the script forgot to commit. Else 0. */
int32_t sdb_record(sdb_client *cl, int32_t txn, int32_t outcome, int32_t retries, const char *sqlstate);
/* Adds n to the custom counter `id` (from sdb_counter_id) for the current phase. */
void sdb_count(sdb_client *cl, int32_t id, double n);
/* Id of a custom counter by name, created on first use. */
int32_t sdb_counter_id(sdb_client *cl, const char *name);
/* Id of a timing (a named latency histogram outside the transaction mix), created on first use. */
int32_t sdb_timing_id(sdb_client *cl, const char *name);
/* Records one sample of `us` microseconds into timing `id` for the current phase. */
void sdb_observe(sdb_client *cl, int32_t id, double us);
/* Sets this client's weight of mix transaction `txn` (its own mix from now on). */
void sdb_set_weight(sdb_client *cl, int32_t txn, double weight);
/* Arms a timer; the caller then yields and is resumed after `us` microseconds. */
void sdb_sleep(sdb_client *cl, double us);
/* Marks this client as done with setup and waits (after a yield) for every client to be ready. */
void sdb_barrier(sdb_client *cl);
/* Id of a transaction type by name (mix types first, others created on first use). */
int32_t sdb_txn_id(sdb_client *cl, const char *name);
/* Reports how long this client's initial connect took (us), for the connect-time line. */
void sdb_connected(sdb_client *cl, double us);
/* Outcome of one reconnect attempt of this client, whose connection was lost at lost_at_us
   (sdb_now_us clock): counts the attempt and, when ok != 0, a reconnect. A failed attempt opens
   an outage (database unreachable) starting at lost_at_us unless one is open; a success ends it. */
void sdb_reconnect_attempt(sdb_client *cl, int32_t ok, double lost_at_us);
/* The run ended before this client, which had tried, could reconnect. */
void sdb_reconnect_gave_up(sdb_client *cl);
/* Reports a script error (file:line: message) once per distinct text; counts it under the txn. */
void sdb_script_error(sdb_client *cl, const char *message);
/* Progress of a load: add `rows` to the done count; total_rows > 0 sets the expected total.
   Returns 1 in a ctx:parallel part once another part of the job has failed (the part should stop), else 0. */
int32_t sdb_progress(sdb_client *cl, double rows, double total_rows);
/* 1 once the run is stopping (duration over, Ctrl-C); loaders and loops may check it. */
int32_t sdb_stopping(sdb_client *cl);

/* ---- parallel loaders (engine/run/parallel.cpp) ------------------------------------------------- */
/* Starts parts 1..n of global function `fn_name` across the worker threads, passing `args` (a
   string the prelude serialised). The caller yields and is resumed when all parts ended.
   Returns 0, or -1 if a parallel job is already running. */
int32_t sdb_parallel_start(sdb_client *cl, const char *fn_name, int32_t parts, const char *args);
/* After resume: number of parts that failed, and the first failure's message (or NULL). */
int32_t sdb_parallel_failed(sdb_client *cl);
const char *sdb_parallel_error(sdb_client *cl);

/* The connection a client uses now: its own for the whole run, or, pooled (--connections), the one
   it borrowed (NULL between transactions). */
sdb_conn *sdb_client_conn(sdb_client *cl);

/* ---- the connection pool (engine/run/conn_pool.cpp; --connections) ----------------------------- */
/* 1 when this client borrows a connection per transaction from its thread's pool, else 0. */
int32_t sdb_pooled(sdb_client *cl);
/* Before the start barrier: a pool connection nobody opened yet, now held by this client, which
   opens it and runs on_connect on it; NULL once every connection of the thread was claimed. */
sdb_conn *sdb_pool_claim(sdb_client *cl);
/* The connection the client holds, or a free one it now holds; NULL when none is free: the client
   is queued (first come, first served), yields, and is resumed holding one (sdb_client_conn).
   The wait counts in the transaction's pool wait and latency. */
sdb_conn *sdb_borrow(sdb_client *cl);
/* Gives the held connection back (to the longest waiting client, else the free list). The caller
   makes sure no transaction is open on it. No-op for a client that is not pooled. */
void sdb_give_back(sdb_client *cl);

#include "pg/pg_ffi.h"
#include "pg/pipeline_ffi.h"
/* FFI-END */

#ifdef __cplusplus
}
#endif
