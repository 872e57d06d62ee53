// The FFI functions behind stormdb.plugin (lua/stormdb_plugin.lua): plugin instances, COPY generators,
// C transaction types. The text between the FFI markers is what that module passes to ffi.cdef
// (extracted when CMake runs, engine/plugin/CMakeLists.txt), after the engine's own declarations
// (engine/script/stormdb_ffi.h), whose types (base/ffi_types.h) it uses.
#pragma once
#include "base/ffi_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* FFI-BEGIN */
/* ---- native plugins (engine/plugin/plugin_ffi.cpp; the ABI is engine/plugin/include/stormdb/plugin.h)
   An sdb_plugin is one instance of a loaded plugin, made for one Lua state (one worker thread). */
typedef struct sdb_plugin sdb_plugin;
/* Finds plugin `name` (search path: engine/plugin/plugin_path.h, with script_dir as the pack
   folder), loads and checks it, and makes an instance for worker `worker`. NULL on failure:
   sdb_plugin_error() then says why, or is "" when optional != 0 and no such plugin exists. */
sdb_plugin *sdb_plugin_open(const char *name, const char *script_dir, int32_t worker, int32_t optional);
const char *sdb_plugin_error(void);
/* Destroys the instance (the library stays loaded). */
void sdb_plugin_close(sdb_plugin *p);
const char *sdb_plugin_path(sdb_plugin *p);
/* The plugin's FFI declarations for its script functions ("" when it has none). */
const char *sdb_plugin_cdef(sdb_plugin *p);
/* Index of COPY generator `name`, or -1; its COPY target ("table (cols)") and the size of the
   zeroed per-COPY state the caller allocates for it. */
int32_t sdb_plugin_generator(sdb_plugin *p, const char *name);
const char *sdb_plugin_target(sdb_plugin *p, int32_t gen);
int32_t sdb_plugin_state_size(sdb_plugin *p, int32_t gen);
/* Runs generator gen for keys key..last into c's COPY buffer (see stormdb_copy_generator);
   returns the next key (last + 1: done; <= last: yield until c drains, then call again) or -1
   on failure (sdb_err_message(c) says why). */
double sdb_plugin_generate(sdb_plugin *p, int32_t gen, sdb_conn *c, sdb_rng *rng, void *state, double key, double last,
                           const sdb_param *args, int32_t nargs);
/* Index of transaction type `name`, or -1; its number of statements and statement i's SQL. */
int32_t sdb_plugin_txn_type(sdb_plugin *p, const char *name);
int32_t sdb_plugin_txn_statements(sdb_plugin *p, int32_t t);
const char *sdb_plugin_txn_sql(sdb_plugin *p, int32_t t, int32_t i);
/* Per-client state of type t (client_init); the instance releases it (client_done) when closed. */
void *sdb_plugin_txn_init(sdb_plugin *p, int32_t t, sdb_client *cl, const sdb_param *args, int32_t nargs);
/* Starts type t's transaction for client cl (its first step). NULL: done already, outcome in
   *outcome. Else a driver argument: pass sdb_plugin_drive and it to sdb_client_drive, yield
   once, and read the outcome with sdb_plugin_drive_outcome(arg); the steps in between run from
   the worker's loop as results arrive, without resuming the coroutine. */
void *sdb_plugin_txn_start(sdb_plugin *p, int32_t t, void *state, sdb_client *cl, sdb_conn *c, const int32_t *stmts,
                           sdb_rng *rng, int32_t *outcome);
int32_t sdb_plugin_drive(void *arg);
int32_t sdb_plugin_drive_outcome(void *arg);
/* A terminal's whole mix in C (plugin_mix.cpp), when every transaction of the mix is a C type:
   new(cl, rng, n) for a mix of n types; set(m, i, p, t, state, stmts) enters mix index i (its
   statement indexes: set again after a reconnect); drive(m) picks (sdb_next), runs and records
   transactions until one needs Lua: 1 = it waits (pass sdb_plugin_mix_drive and m to
   sdb_client_drive and yield), 0 = stopped; handed(m, &outcome) then gives the mix index of the
   transaction handed back unrecorded with its outcome (failed, or ended inside a transaction
   block), or -1 when the run ended. */
typedef struct sdb_plugin_mix sdb_plugin_mix;
sdb_plugin_mix *sdb_plugin_mix_new(sdb_client *cl, sdb_rng *rng, int32_t n);
void sdb_plugin_mix_free(sdb_plugin_mix *m);
int32_t sdb_plugin_mix_set(sdb_plugin_mix *m, int32_t idx, sdb_plugin *p, int32_t t, void *state, const int32_t *stmts);
int32_t sdb_plugin_mix_drive(void *m);
int32_t sdb_plugin_mix_handed(sdb_plugin_mix *m, int32_t *outcome);
/* FFI-END */

/* The FFI text above, for ffi.cdef (generated). */
const char *sdb_plugin_ffi(void);

#ifdef __cplusplus
}
#endif
