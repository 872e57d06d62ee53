// The extern "C" client-control functions of the FFI surface: clock, mix, recording, sleeps, parallel.
#include <cmath>

#include "run/engine.h"
#include "run/event_loop.h"
#include "run/progress.h"
#include "script/stormdb_ffi.h"

using stormdb::now_us;

extern "C" {

double sdb_now_us(void) { return now_us(); }

int32_t sdb_next(sdb_client *cl) { return cl->worker->next_txn(cl); }

int32_t sdb_scheduled(sdb_client *cl) { return cl->scheduled ? 1 : 0; }

void sdb_txn_start(sdb_client *cl, int32_t reset_intended) {
  cl->start_us = now_us();
  if (reset_intended || !cl->scheduled) cl->intended_us = cl->start_us;
  cl->pool_wait_us = 0;
}

int32_t sdb_record(sdb_client *cl, int32_t txn, int32_t outcome, int32_t retries, const char *sqlstate) {
  int32_t open = cl->held ? cl->held->txn_status() : 0;
  if (outcome != SDB_FAILED && open != 0 && open != 3) return 1;
  double now = now_us();
  cl->worker->recorder().record(txn, outcome, cl->intended_us, cl->start_us, now, retries, sqlstate);
  if (cl->pooled && outcome != SDB_FAILED) cl->worker->recorder().pool_wait(txn, cl->pool_wait_us, now);
  cl->pool_wait_us = 0;
  return 0;
}

void sdb_count(sdb_client *cl, int32_t id, double n) { cl->worker->recorder().count(id, n, now_us()); }

int32_t sdb_counter_id(sdb_client *cl, const char *name) { return cl->worker->engine().counter_id(name); }

int32_t sdb_txn_id(sdb_client *cl, const char *name) { return cl->worker->engine().txn_id(name); }

void sdb_sleep(sdb_client *cl, double us) { cl->worker->sleep(cl, us); }

int32_t sdb_timing_id(sdb_client *cl, const char *name) { return cl->worker->engine().timing_id(name); }

void sdb_observe(sdb_client *cl, int32_t id, double us) { cl->worker->recorder().observe(id, us, now_us()); }

void sdb_set_weight(sdb_client *cl, int32_t txn, double weight) {
  const auto &plan = cl->worker->engine().plan();
  if (txn < 0 || static_cast<size_t>(txn) >= plan.mix_weights.size()) return;
  if (cl->weights.empty()) cl->weights = plan.mix_weights;
  cl->weights[txn] = weight;
  cl->deck.clear();
  cl->deck_pos = 0;
}

void sdb_barrier(sdb_client *cl) { cl->worker->barrier(cl); }

void sdb_connected(sdb_client *cl, double us) { cl->worker->engine().note_connect(us); }

void sdb_reconnect_attempt(sdb_client *cl, int32_t ok, double lost_at_us) {
  cl->worker->recorder().reconnect_attempt(ok != 0, lost_at_us, now_us());
}

void sdb_reconnect_gave_up(sdb_client *cl) { cl->worker->recorder().reconnect_gave_up(); }

void sdb_script_error(sdb_client *cl, const char *message) { cl->worker->script_error(cl, message); }

int32_t sdb_progress(sdb_client *cl, double rows, double total_rows) {
  stormdb::progress::add(rows, total_rows);
  return cl->kind == sdb_client::Kind::kPart && cl->worker->engine().parallel_cancelled() ? 1 : 0;
}

int32_t sdb_stopping(sdb_client *cl) {
  auto &engine = cl->worker->engine();
  if (engine.aborting() || now_us() >= engine.stop_at()) return 1;
  if (cl->kind == sdb_client::Kind::kBackground && cl->worker->terminals_done()) return 1;
  return 0;
}

sdb_conn *sdb_client_conn(sdb_client *cl) { return cl->held; }

int32_t sdb_pooled(sdb_client *cl) { return cl->pooled ? 1 : 0; }

sdb_conn *sdb_pool_claim(sdb_client *cl) { return cl->worker->claim_conn(cl); }

sdb_conn *sdb_borrow(sdb_client *cl) { return cl->worker->borrow(cl); }

void sdb_give_back(sdb_client *cl) { cl->worker->give_back(cl); }

int32_t sdb_parallel_start(sdb_client *cl, const char *fn_name, int32_t parts, const char *args) {
  cl->worker->engine().parallel_start(cl, fn_name, parts, args ? args : "return");
  return 0;
}

int32_t sdb_parallel_failed(sdb_client *cl) { return cl->parallel_failed; }

const char *sdb_parallel_error(sdb_client *cl) {
  return cl->parallel_error.empty() ? nullptr : cl->parallel_error.c_str();
}

}  // extern "C"
