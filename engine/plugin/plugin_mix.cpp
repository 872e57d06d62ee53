// A terminal's whole transaction mix in C, when every transaction of the mix is a C type: picks,
// steps and records the transactions from the worker's loop, and resumes the Lua client loop only
// for what needs it (a transaction that failed or ended inside a block, and the end of the run).
#include <cstdint>
#include <vector>

#include "plugin/plugin_ffi.h"
#include "plugin/plugin_instance.h"
#include "plugin/plugin_loader.h"

struct sdb_plugin_mix {
  struct Entry {
    const stormdb_txn_type *type = nullptr;
    void *state = nullptr;
    const int32_t *stmts = nullptr;
  };
  sdb_client *cl = nullptr;
  sdb_rng *rng = nullptr;
  std::vector<Entry> entries;  // by mix index
  int32_t idx = -1;            // the transaction in progress, -1 between transactions
  int32_t phase = 0;
  int32_t outcome = STORMDB_FAILED;
  sdb_conn *conn = nullptr;  // the connection of the transaction in progress
  int32_t handed = -1;       // once stopped: the transaction handed back to Lua, -1 at the end
};

namespace {

using stormdb::plugin_client_services;

int32_t step(sdb_plugin_mix &m) {
  const sdb_plugin_mix::Entry &e = m.entries[m.idx];
  return e.type->step(e.state, m.cl, m.conn, e.stmts, reinterpret_cast<stormdb_rng *>(m.rng), m.phase, &m.outcome);
}

// The transaction in progress is done: records it as the Lua loop would (no retries on this
// path). False when its end needs Lua: a failure (retries, SQLSTATE, reconnect) or a connection
// left inside a transaction block.
bool finish(sdb_plugin_mix &m) {
  int32_t idx = m.idx;
  m.idx = -1;
  if (m.outcome != STORMDB_FAILED && plugin_client_services().record(m.cl, idx, m.outcome, 0, nullptr) == 0)
    return true;
  m.handed = idx;
  return false;
}

}  // namespace

extern "C" {

sdb_plugin_mix *sdb_plugin_mix_new(sdb_client *cl, sdb_rng *rng, int32_t n) {
  auto *m = new sdb_plugin_mix;
  m->cl = cl;
  m->rng = rng;
  m->entries.resize(n > 0 ? n : 0);
  return m;
}

void sdb_plugin_mix_free(sdb_plugin_mix *m) { delete m; }

int32_t sdb_plugin_mix_set(sdb_plugin_mix *m, int32_t idx, sdb_plugin *p, int32_t t, void *state,
                           const int32_t *stmts) {
  if (!m || !p || idx < 0 || idx >= static_cast<int32_t>(m->entries.size()) || t < 0 || t >= p->lib->desc.n_txn_types ||
      !p->lib->desc.txn_types[t].step)
    return -1;
  m->entries[idx] = {&p->lib->desc.txn_types[t], state, stmts};
  return 0;
}

int32_t sdb_plugin_mix_drive(void *arg) {
  sdb_plugin_mix &m = *static_cast<sdb_plugin_mix *>(arg);
  m.handed = -1;
  if (m.idx >= 0) {
    m.phase++;
    if (step(m) == STORMDB_STEP_WAIT) return 1;
    if (!finish(m)) return 0;
  }
  while (true) {
    int32_t idx = plugin_client_services().next(m.cl);
    if (idx == -2) return 1;  // open loop: a timer resumes the drive at the next arrival
    if (idx < 0) return 0;
    if (idx >= static_cast<int32_t>(m.entries.size()) || !m.entries[idx].type) {
      m.handed = idx;  // not set up: Lua runs it (and raises what is wrong)
      m.outcome = STORMDB_FAILED;
      return 0;
    }
    m.idx = idx;
    m.phase = 0;
    m.outcome = STORMDB_FAILED;
    m.conn = plugin_client_services().client_conn(m.cl);
    if (step(m) == STORMDB_STEP_WAIT) return 1;
    if (!finish(m)) return 0;
  }
}

int32_t sdb_plugin_mix_handed(sdb_plugin_mix *m, int32_t *outcome) {
  *outcome = m->outcome;
  return m->handed;
}

}  // extern "C"
