// The one C surface that Lua scripts reach through LuaJIT FFI; the text between the FFI markers is
// also what the embedded prelude passes to ffi.cdef (extracted at build time, never copied by hand).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
/* Opaque engine objects. A client is one simulated user (a coroutine); a connection belongs to one
   client (its main connection, or a loader's connection inside ctx:parallel). */
typedef struct sdb_client sdb_client;
typedef struct sdb_conn sdb_conn;

/* ---- random numbers (engine/rand/random.cpp) ---------------------------------------------------
   State of one xoshiro256** stream; plain data so Lua allocates it with ffi.new.
   All integer draws take and return doubles so Lua sees plain numbers (exact up to 2^53). */
typedef struct sdb_rng { uint64_t s[4]; } sdb_rng;

/* Seeds `r` from (seed, stream) through splitmix64: the same pair always gives the same sequence. */
void sdb_rng_seed(sdb_rng *r, double seed, double stream);
/* Uniform double in [0, 1). */
double sdb_rand_double(sdb_rng *r);
/* Uniform integer in [lo, hi], both inclusive, without modulo bias. */
double sdb_rand_uniform(sdb_rng *r, double lo, double hi);
/* TPC-C NURand(A, x, y) = (((random(0,A) | random(x,y)) + C) % (y-x+1)) + x (TPC-C 5.11 clause 2.1.6). */
double sdb_rand_nurand(sdb_rng *r, double a, double x, double y, double c);
/* Zipfian integer in [lo, hi]: P(lo+k-1) proportional to 1/k^s, s > 0 (rejection-inversion sampling). */
double sdb_rand_zipf(sdb_rng *r, double lo, double hi, double s);
/* Truncated gaussian in [lo, hi] centred on the middle, cut at +-param stddevs (pgbench
   random_gaussian semantics; param >= 2.0). */
double sdb_rand_gaussian(sdb_rng *r, double lo, double hi, double param);
/* Truncated exponential in [lo, hi] (pgbench random_exponential semantics; param > 0). */
double sdb_rand_exponential(sdb_rng *r, double lo, double hi, double param);
/* Pseudorandom permutation of [0, size): i -> position, bijective for a given seed (pgbench permute()). */
double sdb_rand_permute(double i, double size, double seed);
/* Writes a random string of uniform length in [min_len, max_len] into buf (no NUL), returns its length.
   kind 0: alphanumeric (TPC-C a-string), 1: digits (n-string), 2: lowercase letters. */
int32_t sdb_rand_string(sdb_rng *r, char *buf, int32_t min_len, int32_t max_len, int32_t kind);

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
enum { SDB_COMMITTED = 0, SDB_ROLLED_BACK = 1, SDB_FAILED = 2 };
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
/* Progress of a load: add `rows` to the done count; total_rows > 0 sets the expected total. */
void sdb_progress(sdb_client *cl, double rows, double total_rows);
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

/* ---- connections (engine/pg/connection.cpp) -----------------------------------------------------
   Every send returns 0 when the request is on its way; the caller then yields and, once resumed,
   reads the result with the sdb_res_* functions. -1 means it failed at once (see sdb_err_*). */
typedef struct sdb_param {
  double num;          /* kind 1 (number) and 3 (boolean: 0/1) */
  const char *str;     /* kind 2 (string): not copied, must live until the send returns */
  int32_t len;         /* kind 2: length in bytes */
  int32_t kind;        /* 0 NULL, 1 number, 2 string, 3 boolean */
} sdb_param;

sdb_conn *sdb_client_conn(sdb_client *cl);
/* Starts (re)connecting; yield until resumed, then check sdb_conn_ok. */
int32_t sdb_connect(sdb_conn *c);
int32_t sdb_conn_ok(sdb_conn *c);
/* Closes the connection (transient clients, end of a loader part). */
void sdb_disconnect(sdb_conn *c);
/* Simple protocol; several ;-separated statements allowed; no parameters. */
int32_t sdb_send_query(sdb_conn *c, const char *sql);
/* Extended protocol with parameters ($1..$n), unnamed statement. */
int32_t sdb_send_params(sdb_conn *c, const char *sql, int32_t n, const sdb_param *p);
/* Prepares a named statement on this connection; returns its index (>= 0) right away, or -1. */
int32_t sdb_send_prepare(sdb_conn *c, const char *name, const char *sql);
/* Executes prepared statement `stmt` (an index from sdb_send_prepare). */
int32_t sdb_send_prepared(sdb_conn *c, int32_t stmt, int32_t n, const sdb_param *p);
/* 0 idle, 1 in a transaction block, 2 in a failed transaction block, 3 unknown/bad connection. */
int32_t sdb_txn_status(sdb_conn *c);

/* Result of the last request: 0 command ok, 1 rows, 2 ready for COPY data, -1 error. */
int32_t sdb_res_status(sdb_conn *c);
int32_t sdb_res_ntuples(sdb_conn *c);
int32_t sdb_res_nfields(sdb_conn *c);
/* Rows affected by INSERT/UPDATE/DELETE/COPY (or returned by SELECT). */
double sdb_res_affected(sdb_conn *c);
const char *sdb_res_fname(sdb_conn *c, int32_t col);
/* Lua type of a column: 0 string, 1 number, 2 boolean (from the column's type OID). */
int32_t sdb_res_ftype(sdb_conn *c, int32_t col);
int32_t sdb_res_isnull(sdb_conn *c, int32_t row, int32_t col);
/* Value as a number (columns of ftype 1), or 0/1 for booleans; no allocation. */
double sdb_res_number(sdb_conn *c, int32_t row, int32_t col);
const char *sdb_res_text(sdb_conn *c, int32_t row, int32_t col);
int32_t sdb_res_length(sdb_conn *c, int32_t row, int32_t col);

/* The first column of the first row in one call (db:value): kind -1 no row, 0 NULL, 1 number
   (num), 2 boolean (num 0/1), 3 text (str, len; valid until the next request). */
typedef struct sdb_cell { double num; const char *str; int32_t len; int32_t kind; } sdb_cell;
int32_t sdb_res_value(sdb_conn *c, sdb_cell *out);

/* Error of the last failed request or connect. sqlstate is "" when the server sent none
   (lost connection: class "connection_exception" is then implied). */
const char *sdb_err_sqlstate(sdb_conn *c);
const char *sdb_err_message(sdb_conn *c);
const char *sdb_err_detail(sdb_conn *c);
const char *sdb_err_hint(sdb_conn *c);
/* Class name for a SQLSTATE, e.g. "40001" -> "transaction_rollback" (PostgreSQL Appendix A). */
const char *sdb_sqlstate_class(const char *sqlstate);
/* Condition name for a SQLSTATE when known, e.g. "40001" -> "serialization_failure", else "". */
const char *sdb_sqlstate_name(const char *sqlstate);

/* COPY ... FROM STDIN, after sdb_res_status returned 2. Values are appended in COPY text format
   (escaped); rows are flushed to the server in ~256 KiB chunks. sdb_copy_flush returns 1 when the
   caller must yield until the socket drains, 0 otherwise, -1 on error. */
void sdb_copy_num(sdb_conn *c, double v);
void sdb_copy_str(sdb_conn *c, const char *s, int32_t len);
void sdb_copy_null(sdb_conn *c);
int32_t sdb_copy_end_row(sdb_conn *c);
/* Sends the rest and ends COPY; yield, then sdb_res_status gives the final result. */
int32_t sdb_copy_finish(sdb_conn *c);
/* FFI-END */

#ifdef __cplusplus
}
#endif
