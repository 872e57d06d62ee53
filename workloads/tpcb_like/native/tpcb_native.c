/* pgbench's built-in transactions in C (plugin "tpcb_native"): select-only (-S) and TPC-B-like, the
 * same statements and random draws as workloads/tpcb_like.lua, as transaction types that the Lua
 * client loop runs beside (or instead of) the Lua ones with --native. */
#include <stdint.h>
#include <stdlib.h>

#include <stormdb/plugin.h>

static const stormdb_host *H;

enum { NBRANCHES = 1, NTELLERS = 10, NACCOUNTS = 100000 };   /* per scale unit (pgbench.c) */

typedef struct TpcbClient {
  double scale;
  double aid, bid, tid, delta;   /* the draws of the transaction in progress */
} TpcbClient;

static void *client_init(void *instance, sdb_client *cl, const stormdb_param *args, int32_t nargs) {
  (void)instance; (void)cl;
  TpcbClient *s = calloc(1, sizeof *s);
  if (s) s->scale = nargs > 0 ? args[0].num : 1;
  return s;
}

/* Ends the transaction as failed when the last request failed (the engine raises its error). */
static int32_t failed(sdb_conn *c, int32_t phase, int32_t *outcome) {
  if (phase > 0 && H->res_status(c) < 0) {
    *outcome = STORMDB_FAILED;
    return 1;
  }
  return 0;
}

/* ---- pgbench -S: SELECT abalance FROM pgbench_accounts WHERE aid = :aid ---------------------- */
static const char *const kSelectSql[] = {"SELECT abalance FROM pgbench_accounts WHERE aid = $1", 0};

static int32_t select_step(void *state, sdb_client *cl, sdb_conn *c, const int32_t *stmts, stormdb_rng *r,
                           int32_t phase, int32_t *outcome) {
  (void)cl;
  TpcbClient *s = (TpcbClient *)state;
  if (phase == 0) {
    stormdb_param p = {H->rand_uniform(r, 1, NACCOUNTS * s->scale), 0, 0, 1};
    if (H->send_prepared(c, stmts[0], 1, &p) < 0) {
      *outcome = STORMDB_FAILED;
      return STORMDB_STEP_DONE;
    }
    return STORMDB_STEP_WAIT;
  }
  *outcome = H->res_status(c) < 0 ? STORMDB_FAILED : STORMDB_COMMITTED;
  return STORMDB_STEP_DONE;
}

/* ---- TPC-B-like: pgbench's tpcb-like script, one prepared statement per step ----------------- */
static const char *const kTpcbSql[] = {
  "BEGIN",
  "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
  "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
  "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
  "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
  "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)",
  "COMMIT",
  0};

static stormdb_param num(double v) {
  stormdb_param p = {v, 0, 0, 1};
  return p;
}

/* Sends statement `phase` of kTpcbSql with its parameters. */
static int32_t send_tpcb(TpcbClient *s, sdb_conn *c, const int32_t *stmts, int32_t phase) {
  stormdb_param p[4];
  int32_t n = 0;
  switch (phase) {
    case 1: p[0] = num(s->delta); p[1] = num(s->aid); n = 2; break;
    case 2: p[0] = num(s->aid); n = 1; break;
    case 3: p[0] = num(s->delta); p[1] = num(s->tid); n = 2; break;
    case 4: p[0] = num(s->delta); p[1] = num(s->bid); n = 2; break;
    case 5: p[0] = num(s->tid); p[1] = num(s->bid); p[2] = num(s->aid); p[3] = num(s->delta); n = 4; break;
    default: break;
  }
  return H->send_prepared(c, stmts[phase], n, p);
}

static int32_t tpcb_step(void *state, sdb_client *cl, sdb_conn *c, const int32_t *stmts, stormdb_rng *r,
                         int32_t phase, int32_t *outcome) {
  (void)cl;
  TpcbClient *s = (TpcbClient *)state;
  if (failed(c, phase, outcome)) return STORMDB_STEP_DONE;
  if (phase == 0) {   /* pgbench's \set lines, in its order */
    s->aid = H->rand_uniform(r, 1, NACCOUNTS * s->scale);
    s->bid = H->rand_uniform(r, 1, NBRANCHES * s->scale);
    s->tid = H->rand_uniform(r, 1, NTELLERS * s->scale);
    s->delta = H->rand_uniform(r, -5000, 5000);
  }
  if (phase == 7) {
    *outcome = STORMDB_COMMITTED;
    return STORMDB_STEP_DONE;
  }
  if (send_tpcb(s, c, stmts, phase) < 0) {
    *outcome = STORMDB_FAILED;
    return STORMDB_STEP_DONE;
  }
  return STORMDB_STEP_WAIT;
}

static const stormdb_txn_type kTypes[] = {
  {"select_only", kSelectSql, client_init, select_step, free},
  {"tpcb_like", kTpcbSql, client_init, tpcb_step, free},
};

static int tpcb_init(const stormdb_host *host, stormdb_plugin *out) {
  H = host;
  out->name = "tpcb_native";
  out->version = "1";
  out->txn_types = kTypes;
  out->n_txn_types = 2;
  return 0;
}

STORMDB_PLUGIN_EXPORT(tpcb_init)
