// The workload commands (run, prepare, cleanup, check) carried out on an opened session.
#pragma once
#include <string>

#include "run/session.h"

namespace stormdb {

// Carries out s.cfg.command ("run", "prepare", "cleanup" or "check") on the session: prepare and
// cleanup over the load registry; check after the load check; run after prepare (throwaway
// server, --prepare) or the load check, as phases, progressive bands or one measured run.
// Installs the signal handlers first. Returns the exit status (130 once interrupted).
int run_workload_command(Session &s);

}  // namespace stormdb
