// Driving a C transaction type from the worker's loop: its steps run as results arrive, and the
// client's coroutine is resumed once, when the transaction is done (sdb_plugin_txn_start).
#include <memory>

#include "plugin/plugin_ffi.h"
#include "plugin/plugin_instance.h"

namespace {

// One client's transaction in progress; reused by its next transaction.
struct Drive {
  const stormdb_txn_type *type = nullptr;
  void *state = nullptr;
  sdb_client *cl = nullptr;
  sdb_conn *c = nullptr;
  const int32_t *stmts = nullptr;
  sdb_rng *rng = nullptr;
  int32_t phase = 0;
  int32_t outcome = STORMDB_FAILED;
};

int32_t step(Drive &d) {
  return d.type->step(d.state, d.cl, d.c, d.stmts, reinterpret_cast<stormdb_rng *>(d.rng), d.phase, &d.outcome);
}

}  // namespace

extern "C" {

void *sdb_plugin_txn_start(sdb_plugin *p, int32_t t, void *state, sdb_client *cl, sdb_conn *c, const int32_t *stmts,
                           sdb_rng *rng, int32_t *outcome) {
  *outcome = STORMDB_FAILED;
  if (!p || t < 0 || t >= p->lib->desc.n_txn_types || !p->lib->desc.txn_types[t].step) return nullptr;
  std::shared_ptr<void> &slot = p->drives[cl];
  if (!slot) slot = std::make_shared<Drive>();
  Drive &d = *static_cast<Drive *>(slot.get());
  d = Drive{&p->lib->desc.txn_types[t], state, cl, c, stmts, rng, 0, STORMDB_FAILED};
  if (step(d) == STORMDB_STEP_DONE) {
    *outcome = d.outcome;
    return nullptr;
  }
  return &d;
}

int32_t sdb_plugin_drive(void *arg) {
  Drive &d = *static_cast<Drive *>(arg);
  d.phase++;
  return step(d) == STORMDB_STEP_WAIT ? 1 : 0;
}

int32_t sdb_plugin_drive_outcome(void *arg) { return static_cast<Drive *>(arg)->outcome; }

}  // extern "C"
