/* The stormdb native plugin ABI: what a plugin .so exports and the host services it may call.
 *
 * Installed with stormdb as <prefix>/include/stormdb/plugin.h; build a plugin out of tree with
 * find_package(stormdb) + stormdb_add_plugin(name sources...) (see docs/plugins.md).
 *
 * A plugin exports exactly two symbols, both made by STORMDB_PLUGIN_EXPORT below:
 *   uint32_t stormdb_plugin_abi;                  = STORMDB_PLUGIN_ABI when the plugin was built
 *   int stormdb_plugin_init(const stormdb_host *, stormdb_plugin *out);
 * The host reads stormdb_plugin_abi before it calls anything, so a plugin built against another
 * ABI is refused (exit 2, naming the file and both numbers) without running any of its code.
 * stormdb_plugin_init fills *out (zeroed by the host) and returns 0, or non-zero to refuse to load.
 *
 * Threading: the host makes one instance (create) per worker thread; the host calls an instance
 * from one thread at a time, so instance state needs no locks. Globals of the .so are shared by
 * every worker and must be immutable after init or guarded by the plugin itself.
 */
#ifndef STORMDB_PLUGIN_H
#define STORMDB_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the structs or function tables below. */
#define STORMDB_PLUGIN_ABI 1

/* Opaque host objects: a client (one simulated user) and a connection. */
typedef struct sdb_client sdb_client;
typedef struct sdb_conn sdb_conn;

/* One engine random stream (xoshiro256**), the same generator as ctx.rand and the Lua
 * stormdb streams: seeded with host->rng_seed(r, seed, stream), a (seed, stream) pair gives the
 * same draws on either side. Plain data: allocate it anywhere. */
typedef struct stormdb_rng {
  uint64_t s[4];
} stormdb_rng;

/* A statement parameter (same layout as the engine's sdb_param). */
typedef struct stormdb_param {
  double num;      /* kind 1 (number), 3 (boolean 0/1) */
  const char *str; /* kind 2 (text): not copied, must live until the send returns */
  int32_t len;     /* kind 2: length in bytes */
  int32_t kind;    /* 0 NULL, 1 number, 2 text, 3 boolean */
} stormdb_param;

enum { STORMDB_LOG_INFO = 0, STORMDB_LOG_WARNING = 1 };
/* Outcomes of a transaction (the same codes as SDB_COMMITTED, ...). */
enum { STORMDB_COMMITTED = 0, STORMDB_ROLLED_BACK = 1, STORMDB_FAILED = 2 };
/* What a transaction step asks of the host (see stormdb_txn_type.step). */
enum { STORMDB_STEP_WAIT = 0, STORMDB_STEP_DONE = 1 };

/* The host's function table, valid for the life of the process. */
typedef struct stormdb_host {
  uint32_t abi;  /* STORMDB_PLUGIN_ABI of the host */
  uint32_t size; /* sizeof(stormdb_host) of the host: newer hosts only append */

  /* ---- random streams (engine/rand) ---- */
  void (*rng_seed)(stormdb_rng *r, double seed, double stream);
  double (*rand_double)(stormdb_rng *r);                        /* [0, 1) */
  double (*rand_uniform)(stormdb_rng *r, double lo, double hi); /* integer in [lo, hi] */
  /* TPC-C NURand(A, x, y) with constant C (clause 2.1.6). */
  double (*rand_nurand)(stormdb_rng *r, double a, double x, double y, double c);
  /* Random string of uniform length in [min_len, max_len] into buf (no NUL); returns its length.
   * kind 0 alphanumeric, 1 digits, 2 lowercase letters. */
  int32_t (*rand_string)(stormdb_rng *r, char *buf, int32_t min_len, int32_t max_len, int32_t kind);

  /* ---- the COPY buffer of a connection in COPY FROM STDIN (text format, escaped by the host) ---- */
  void (*copy_int)(sdb_conn *c, int64_t v);
  void (*copy_num)(sdb_conn *c, double v); /* integral values print without a fraction */
  void (*copy_str)(sdb_conn *c, const char *s, int32_t len);
  void (*copy_null)(sdb_conn *c);
  /* Ends a row. 1: the buffer went to the socket and must drain: finish the current key and
   * return from the generator; 0: go on; -1: the COPY failed (return -1). */
  int32_t (*copy_end_row)(sdb_conn *c);

  /* ---- counters, timings, log ---- */
  int32_t (*counter_id)(sdb_client *cl, const char *name); /* created on first use */
  void (*count)(sdb_client *cl, int32_t counter, double n);
  int32_t (*timing_id)(sdb_client *cl, const char *name); /* created on first use */
  void (*observe)(sdb_client *cl, int32_t timing, double us);
  double (*now_us)(void);                          /* monotonic, since engine start */
  void (*log)(int32_t level, const char *message); /* one line on stderr */

  /* ---- async connection API (transaction types) ----
   * A send returns 0 when the request is on its way (return STORMDB_STEP_WAIT; the host calls
   * step again with the result), -1 when it failed at once (read err_* and end the txn). */
  int32_t (*send_prepare)(sdb_conn *c, const char *name, const char *sql); /* statement index */
  int32_t (*send_prepared)(sdb_conn *c, int32_t stmt, int32_t n, const stormdb_param *p);
  int32_t (*send_query)(sdb_conn *c, const char *sql);
  int32_t (*res_status)(sdb_conn *c); /* 0 command ok, 1 rows, -1 error */
  int32_t (*res_ntuples)(sdb_conn *c);
  int32_t (*res_isnull)(sdb_conn *c, int32_t row, int32_t col);
  double (*res_number)(sdb_conn *c, int32_t row, int32_t col);
  const char *(*res_text)(sdb_conn *c, int32_t row, int32_t col);
  int32_t (*res_length)(sdb_conn *c, int32_t row, int32_t col);
  double (*res_affected)(sdb_conn *c);
  int32_t (*txn_status)(sdb_conn *c); /* 0 idle, 1 in block, 2 failed block, 3 bad */
  const char *(*err_sqlstate)(sdb_conn *c);
  const char *(*err_message)(sdb_conn *c);
} stormdb_host;

/* A COPY row generator: writes the rows of keys key..last into the COPY buffer of c (the host
 * started `COPY <target> FROM STDIN`), drawing from rng (the engine stream the script named,
 * kept across calls). Returns the next key to write (last + 1 when done), or -1 on error. When
 * host->copy_end_row returns 1 it must return after finishing the current key: the host waits
 * for the socket and calls it again from the returned key with the same rng and state (or,
 * when that key was the last, ends the COPY once the socket has taken the buffer).
 * state: state_size zeroed bytes that belong to this one COPY (two COPYs of one generator may
 * interleave on a worker, so per-COPY data must live here, not in the instance).
 * args: the values the script passed after the key range (numbers: kind 1, strings: kind 2). */
typedef struct stormdb_copy_generator {
  const char *name;
  const char *target; /* "table (col, ...)" as COPY wants it */
  uint32_t state_size;
  int64_t (*generate)(void *instance, sdb_conn *c, stormdb_rng *rng, void *state, int64_t key, int64_t last,
                      const stormdb_param *args, int32_t nargs);
} stormdb_copy_generator;

/* A transaction type in C, entered in a workload's mix beside Lua transactions: the client loop
 * picks it, times it, retries it and records its outcome exactly like a Lua transaction, on the
 * same event loop (the client's connection and its random stream are the ones a Lua
 * transaction of that client would use). */
typedef struct stormdb_txn_type {
  const char *name; /* the name in the workload's mix */
  /* SQL of the statements it executes, NULL-terminated: the engine prepares them on the
   * client's connection before the first use (and again after a reconnect) as "<name>_<i>" and
   * passes their indexes to step as stmts[i]. */
  const char *const *statements;
  /* Per-client state, made on the client's first use of the type (may return NULL); args are
   * the values the script's argument function returned for this client (see plugin:txn). */
  void *(*client_init)(void *instance, sdb_client *cl, const stormdb_param *args, int32_t nargs);
  /* Runs the transaction as a state machine: phase 0 starts it; after STORMDB_STEP_WAIT (a
   * request was sent) the host calls step again with phase + 1 once the result is in; read it
   * with host->res_*. On STORMDB_STEP_DONE the outcome is *outcome: STORMDB_COMMITTED,
   * STORMDB_ROLLED_BACK (by design, e.g. TPC-C's 1%), or STORMDB_FAILED: the error of the last
   * request is the transaction's error (SQLSTATE 40001/40P01 are retried like Lua's). The
   * connection must be outside a transaction block when it is done. */
  int32_t (*step)(void *client_state, sdb_client *cl, sdb_conn *c, const int32_t *stmts, stormdb_rng *rng,
                  int32_t phase, int32_t *outcome);
  void (*client_done)(void *client_state); /* may be NULL */
} stormdb_txn_type;

/* What a plugin provides, filled in by stormdb_plugin_init. */
typedef struct stormdb_plugin {
  const char *name; /* must equal the name the script asks for */
  const char *version;
  /* LuaJIT FFI declarations of the functions scripts call (stormdb.plugin(name) returns them),
   * and the names it declares, NULL-terminated: each must be exported (checked at load). */
  const char *cdef;
  const char *const *functions;
  /* One instance per worker thread; create runs once per worker before any other call of it. */
  void *(*create)(const stormdb_host *host, int32_t worker);
  void (*destroy)(void *instance);
  const stormdb_copy_generator *generators;
  int32_t n_generators;
  const stormdb_txn_type *txn_types;
  int32_t n_txn_types;
} stormdb_plugin;

typedef int (*stormdb_plugin_init_fn)(const stormdb_host *host, stormdb_plugin *out);

#if defined(__GNUC__)
#define STORMDB_PLUGIN_VISIBLE __attribute__((visibility("default")))
#else
#define STORMDB_PLUGIN_VISIBLE
#endif

#ifdef __cplusplus
#define STORMDB_PLUGIN_EXTERN_C extern "C"
#else
#define STORMDB_PLUGIN_EXTERN_C
#endif

/* Defines the two exported symbols; init_fn fills in the stormdb_plugin. Use it once per .so.
 * (The ABI number is not const: a const at namespace scope would have internal linkage in C++.) */
#define STORMDB_PLUGIN_EXPORT(init_fn)                                                             \
  STORMDB_PLUGIN_EXTERN_C STORMDB_PLUGIN_VISIBLE uint32_t stormdb_plugin_abi = STORMDB_PLUGIN_ABI; \
  STORMDB_PLUGIN_EXTERN_C STORMDB_PLUGIN_VISIBLE int stormdb_plugin_init(const stormdb_host *host, \
                                                                         stormdb_plugin *out) {    \
    return init_fn(host, out);                                                                     \
  }

#ifdef __cplusplus
}
#endif

#endif /* STORMDB_PLUGIN_H */
