/* A plugin built out of tree by the tests: script functions, a COPY generator and a C transaction. */
#include <stdint.h>
#include <stdlib.h>

#include <stormdb/plugin.h>

static const stormdb_host *H;

/* ---- functions for scripts (declared to LuaJIT FFI by kCdef) ---- */
typedef struct OotInstance {
  int32_t worker;
  int64_t calls;
} OotInstance;

double oot_add(double a, double b) { return a + b; }

/* Sum of the bytes of s: a script compares it with its own sum. */
int32_t oot_checksum(const char *s, int32_t len) {
  int32_t sum = 0;
  for (int32_t i = 0; i < len; i++) sum += (unsigned char)s[i];
  return sum;
}

static const char kCdef[] =
    "double oot_add(double a, double b);\n"
    "int32_t oot_checksum(const char *s, int32_t len);\n";
static const char *const kFunctions[] = {"oot_add", "oot_checksum", 0};

static void *oot_create(const stormdb_host *host, int32_t worker) {
  (void)host;
  OotInstance *in = calloc(1, sizeof *in);
  in->worker = worker;
  return in;
}

static void oot_destroy(void *instance) { free(instance); }

/* ---- COPY generator "kv": rows (k, v, note) for keys k; v uniform 1..1000, note a-string 5..10 ---- */
static int64_t gen_kv(void *inst, sdb_conn *c, stormdb_rng *r, void *state, int64_t key, int64_t last,
                      const stormdb_param *args, int32_t nargs) {
  (void)inst; (void)state; (void)args; (void)nargs;
  char buf[16];
  for (; key <= last; key++) {
    H->copy_int(c, key);
    H->copy_num(c, H->rand_uniform(r, 1, 1000));
    H->copy_str(c, buf, H->rand_string(r, buf, 5, 10, 0));
    int32_t e = H->copy_end_row(c);
    if (e < 0) return -1;
    if (e > 0) return key + 1;
  }
  return key;
}

static const stormdb_copy_generator kGenerators[] = {{"kv", "oot_kv (k, v, note)", 0, gen_kv}};

/* ---- transaction type "native_insert": one INSERT of a row of kind 'native' ---- */
static const char *const kInsertSql[] = {"INSERT INTO oot_log (kind, v) VALUES ('native', $1)", 0};

typedef struct OotClient {
  int32_t counter;
} OotClient;

static void *txn_client_init(void *instance, sdb_client *cl, const stormdb_param *args, int32_t nargs) {
  (void)instance; (void)args; (void)nargs;
  OotClient *s = calloc(1, sizeof *s);
  s->counter = H->counter_id(cl, "native_rows");
  return s;
}

static int32_t txn_step(void *state, sdb_client *cl, sdb_conn *c, const int32_t *stmts, stormdb_rng *r,
                        int32_t phase, int32_t *outcome) {
  OotClient *s = (OotClient *)state;
  if (phase == 0) {
    stormdb_param p = {H->rand_uniform(r, 1, 100), 0, 0, 1};
    if (H->send_prepared(c, stmts[0], 1, &p) < 0) {
      *outcome = STORMDB_FAILED;
      return STORMDB_STEP_DONE;
    }
    return STORMDB_STEP_WAIT;
  }
  if (H->res_status(c) < 0) {
    *outcome = STORMDB_FAILED;
  } else {
    H->count(cl, s->counter, 1);
    *outcome = STORMDB_COMMITTED;
  }
  return STORMDB_STEP_DONE;
}

static const stormdb_txn_type kTxnTypes[] = {{"native_insert", kInsertSql, txn_client_init, txn_step, free}};

static int oot_init(const stormdb_host *host, stormdb_plugin *out) {
  H = host;
  out->name = "oot_demo";
  out->version = "0.1";
  out->cdef = kCdef;
  out->functions = kFunctions;
  out->create = oot_create;
  out->destroy = oot_destroy;
  out->generators = kGenerators;
  out->n_generators = 1;
  out->txn_types = kTxnTypes;
  out->n_txn_types = 1;
  return 0;
}

STORMDB_PLUGIN_EXPORT(oot_init)
