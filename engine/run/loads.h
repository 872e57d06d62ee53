// prepare, cleanup and the load check of run/check, with the registry of what each load created
// (pg/ownership.h): cleanup drops only stormdb's own objects, a partial load is never measured.
#pragma once
#include "run/session.h"

namespace stormdb {

// Replaces an earlier load of the workload (complete or partial), runs prepare(ctx) and records
// the objects it created; a name clash with an object stormdb did not create removes this
// attempt's objects and returns kExitUsage naming it (with --force: drops it and tries again).
// Returns 0, kExitUsage, or kExitFailure (hook failed or interrupted: the load stays partial and
// the message says how to recover).
int prepare_load(Engine &engine, Session &s);
// Runs the script's cleanup(ctx) if it has one, then drops exactly the objects the workload's
// load created, without CASCADE, and forgets the load. Returns 0, or kExitFailure when an object
// stormdb did not create depends on one of them (nothing is dropped then).
int cleanup_load(Engine &engine, Session &s);
// run/check on a database: 0 when the workload needs no prepare, the load is complete, or the
// check does not apply (throwaway server, --prepare, --skip-load-check); otherwise prints which
// prepare to run and returns kExitUsage.
int require_complete_load(Session &s);

}  // namespace stormdb
