// The host function table given to plugins: thin adapters over the engine's sdb_* functions.
#include <cstdio>

#include "pg/pg_ffi.h"
#include "plugin/plugin_loader.h"
#include "rand/rand_ffi.h"

namespace stormdb {
namespace {

static_assert(sizeof(stormdb_rng) == sizeof(sdb_rng), "stormdb_rng must mirror sdb_rng");
static_assert(sizeof(stormdb_param) == sizeof(sdb_param), "stormdb_param must mirror sdb_param");

sdb_rng *rng(stormdb_rng *r) { return reinterpret_cast<sdb_rng *>(r); }

void rng_seed(stormdb_rng *r, double seed, double stream) { sdb_rng_seed(rng(r), seed, stream); }
double rand_double(stormdb_rng *r) { return sdb_rand_double(rng(r)); }
double rand_uniform(stormdb_rng *r, double lo, double hi) { return sdb_rand_uniform(rng(r), lo, hi); }
double rand_nurand(stormdb_rng *r, double a, double x, double y, double c) {
  return sdb_rand_nurand(rng(r), a, x, y, c);
}
int32_t rand_string(stormdb_rng *r, char *buf, int32_t min_len, int32_t max_len, int32_t kind) {
  return sdb_rand_string(rng(r), buf, min_len, max_len, kind);
}

// Integers below 2^53 (every key and count a loader writes) are exact as doubles, and
// sdb_copy_num prints integral doubles without a fraction: one formatting rule for both sides.
void copy_int(sdb_conn *c, int64_t v) { sdb_copy_num(c, static_cast<double>(v)); }

PluginClientServices g_services{};

int32_t counter_id(sdb_client *cl, const char *name) { return g_services.counter_id(cl, name); }
void count(sdb_client *cl, int32_t counter, double n) { g_services.count(cl, counter, n); }
int32_t timing_id(sdb_client *cl, const char *name) { return g_services.timing_id(cl, name); }
void observe(sdb_client *cl, int32_t timing, double us) { g_services.observe(cl, timing, us); }
double now() { return g_services.now_us(); }

void log_line(int32_t level, const char *message) {
  std::fprintf(stderr, "stormdb: %s%s\n", level == STORMDB_LOG_WARNING ? "warning: " : "", message ? message : "");
}

int32_t send_prepared(sdb_conn *c, int32_t stmt, int32_t n, const stormdb_param *p) {
  return sdb_send_prepared(c, stmt, n, reinterpret_cast<const sdb_param *>(p));
}

stormdb_host make_host() {
  stormdb_host h{};
  h.abi = STORMDB_PLUGIN_ABI;
  h.size = sizeof(stormdb_host);
  h.rng_seed = rng_seed;
  h.rand_double = rand_double;
  h.rand_uniform = rand_uniform;
  h.rand_nurand = rand_nurand;
  h.rand_string = rand_string;
  h.copy_int = copy_int;
  h.copy_num = sdb_copy_num;
  h.copy_str = sdb_copy_str;
  h.copy_null = sdb_copy_null;
  h.copy_end_row = sdb_copy_end_row;
  h.counter_id = counter_id;
  h.count = count;
  h.timing_id = timing_id;
  h.observe = observe;
  h.now_us = now;
  h.log = log_line;
  h.send_prepare = sdb_send_prepare;
  h.send_prepared = send_prepared;
  h.send_query = sdb_send_query;
  h.res_status = sdb_res_status;
  h.res_ntuples = sdb_res_ntuples;
  h.res_isnull = sdb_res_isnull;
  h.res_number = sdb_res_number;
  h.res_text = sdb_res_text;
  h.res_length = sdb_res_length;
  h.res_affected = sdb_res_affected;
  h.txn_status = sdb_txn_status;
  h.err_sqlstate = sdb_err_sqlstate;
  h.err_message = sdb_err_message;
  return h;
}

}  // namespace

void set_plugin_client_services(const PluginClientServices &services) { g_services = services; }

const PluginClientServices &plugin_client_services() { return g_services; }

const stormdb_host *plugin_host() {
  static const stormdb_host host = make_host();
  return &host;
}

}  // namespace stormdb
