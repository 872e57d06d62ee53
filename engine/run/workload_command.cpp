// The workload commands on an opened session: which steps run in which order, and the status.
#include "run/workload_command.h"

#include <cstdio>
#include <vector>

#include "run/exit_status.h"
#include "run/loads.h"
#include "run/phases.h"
#include "run/progressive.h"
#include "run/signals.h"

namespace stormdb {

int run_workload_command(Session &s) {
  signals::install();
  Engine engine(s.plan);
  const std::string &command = s.cfg.command;
  int rc = 0;
  if (command == "prepare") {
    rc = prepare_load(engine, s);
  } else if (command == "cleanup") {
    rc = cleanup_load(engine, s);
  } else if (command == "check") {
    std::vector<CheckLine> checks;
    rc = require_complete_load(s);
    if (rc == 0) rc = run_checks(engine, s, checks);
  } else {
    // A missing, partial or failed load is never measured.
    rc = s.server || s.cfg.prepare_first ? prepare_load(engine, s) : require_complete_load(s);
    if (rc == 0 && !s.cfg.phases.empty()) {
      rc = run_phases(s);
    } else if (rc == 0 && !s.cfg.scale_clients.empty()) {
      rc = run_progressive(s);
    } else if (rc == 0) {
      rc = run_measurement(engine, s);
    }
  }
  if (rc != 0 && signals::count() > 0) rc = kExitInterrupted;
  if (s.server && s.cfg.keep_server) {
    std::fprintf(stderr,
                 "stormdb: the throwaway server keeps running: psql \"%s\"\n"
                 "stormdb: stop it with: stormdb server stop %s\n",
                 s.server->conninfo().c_str(), s.server->dir().c_str());
  }
  return rc;
}

}  // namespace stormdb
