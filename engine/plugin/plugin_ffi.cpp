// The sdb_plugin_* FFI functions: plugin instances for Lua states and the COPY generator call.
#include <fmt/format.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "pg/connection.h"
#include "plugin/plugin_ffi.h"
#include "plugin/plugin_instance.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_path.h"

namespace {
// Each worker's Lua state runs on one thread at a time, so the last error is per thread.
thread_local std::string t_error;

const stormdb_txn_type *txn_type(sdb_plugin *p, int32_t t) {
  if (!p || t < 0 || t >= p->lib->desc.n_txn_types) return nullptr;
  return &p->lib->desc.txn_types[t];
}

const stormdb_copy_generator *generator(sdb_plugin *p, int32_t gen) {
  if (!p || gen < 0 || gen >= p->lib->desc.n_generators) return nullptr;
  return &p->lib->desc.generators[gen];
}
}  // namespace

extern "C" {

sdb_plugin *sdb_plugin_open(const char *name, const char *script_dir, int32_t worker, int32_t optional) {
  using namespace stormdb;
  t_error.clear();
  std::vector<std::string> packs;
  if (script_dir && *script_dir) packs.push_back(script_dir);
  auto dirs = plugin_search_dirs(packs);
  std::string file = find_plugin(name ? name : "", dirs);
  if (file.empty()) {
    if (!optional)
      t_error = fmt::format("plugin '{}' not found (looked for {}.so and lib{}.so in {}; is it built?)", name, name,
                            name, dirs.empty() ? std::string("no folder") : fmt::format("{}", fmt::join(dirs, ", ")));
    return nullptr;
  }
  try {
    auto p = std::make_unique<sdb_plugin>();
    p->lib = &load_plugin(file, name);
    if (p->lib->desc.create) p->instance = p->lib->desc.create(plugin_host(), worker);
    return p.release();
  } catch (const std::exception &e) {
    t_error = e.what();
    return nullptr;
  }
}

const char *sdb_plugin_error(void) { return t_error.c_str(); }

void sdb_plugin_close(sdb_plugin *p) {
  if (!p) return;
  for (auto [t, state] : p->txn_states) {
    const stormdb_txn_type *tt = txn_type(p, t);
    if (tt->client_done) tt->client_done(state);
  }
  if (p->lib->desc.destroy) p->lib->desc.destroy(p->instance);
  delete p;
}

const char *sdb_plugin_path(sdb_plugin *p) { return p->lib->path.c_str(); }

const char *sdb_plugin_cdef(sdb_plugin *p) { return p->lib->desc.cdef ? p->lib->desc.cdef : ""; }

int32_t sdb_plugin_generator(sdb_plugin *p, const char *name) {
  for (int32_t i = 0; i < p->lib->desc.n_generators; i++)
    if (std::string(p->lib->desc.generators[i].name) == name) return i;
  return -1;
}

const char *sdb_plugin_target(sdb_plugin *p, int32_t gen) {
  const stormdb_copy_generator *g = generator(p, gen);
  return g && g->target ? g->target : "";
}

int32_t sdb_plugin_state_size(sdb_plugin *p, int32_t gen) {
  const stormdb_copy_generator *g = generator(p, gen);
  return g ? static_cast<int32_t>(g->state_size) : 0;
}

double sdb_plugin_generate(sdb_plugin *p, int32_t gen, sdb_conn *c, sdb_rng *rng, void *state, double key, double last,
                           const sdb_param *args, int32_t nargs) {
  t_error.clear();
  const stormdb_copy_generator *g = generator(p, gen);
  if (!g || !g->generate) {
    t_error = fmt::format("plugin {}: no COPY generator #{}", p ? p->lib->path : "?", gen);
    return -1;
  }
  auto k0 = static_cast<int64_t>(key), k1 = static_cast<int64_t>(last);
  int64_t next = g->generate(p->instance, c, reinterpret_cast<stormdb_rng *>(rng), state, k0, k1,
                             reinterpret_cast<const stormdb_param *>(args), nargs);
  if (next < 0) {
    t_error = fmt::format("plugin {}: COPY generator '{}' failed at key {}{}", p->lib->path, g->name, k0,
                          c->err_message().empty() ? "" : ": " + c->err_message());
    return -1;
  }
  // Returning early is only allowed while the buffer drains: the caller then waits for the
  // socket, and would wait for ever on a connection with nothing in flight.
  if (next <= k1 && c->state() != sdb_conn::State::kCopyFlush) {
    t_error = fmt::format("plugin {}: COPY generator '{}' returned key {} before {} without a full buffer",
                          p->lib->path, g->name, next, k1 + 1);
    return -1;
  }
  if (next <= k0 && next <= k1) {
    t_error = fmt::format("plugin {}: COPY generator '{}' made no progress at key {}", p->lib->path, g->name, k0);
    return -1;
  }
  return static_cast<double>(next);
}

int32_t sdb_plugin_txn_type(sdb_plugin *p, const char *name) {
  for (int32_t i = 0; i < p->lib->desc.n_txn_types; i++)
    if (std::string(p->lib->desc.txn_types[i].name) == name) return i;
  return -1;
}

int32_t sdb_plugin_txn_statements(sdb_plugin *p, int32_t t) {
  const stormdb_txn_type *tt = txn_type(p, t);
  int32_t n = 0;
  while (tt && tt->statements && tt->statements[n]) n++;
  return n;
}

const char *sdb_plugin_txn_sql(sdb_plugin *p, int32_t t, int32_t i) {
  const stormdb_txn_type *tt = txn_type(p, t);
  return tt && i >= 0 && i < sdb_plugin_txn_statements(p, t) ? tt->statements[i] : "";
}

void *sdb_plugin_txn_init(sdb_plugin *p, int32_t t, sdb_client *cl, const sdb_param *args, int32_t nargs) {
  const stormdb_txn_type *tt = txn_type(p, t);
  if (!tt || !tt->client_init) return nullptr;
  void *state = tt->client_init(p->instance, cl, reinterpret_cast<const stormdb_param *>(args), nargs);
  if (state) p->txn_states.emplace_back(t, state);
  return state;
}

}  // extern "C"
