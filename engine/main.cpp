// stormdb's entry point: parse the command line, dispatch, and turn exceptions into one clear
// message and an exit status (2 for bad input, 1 for run-time failures).
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "config/config.h"
#include "pg/ephemeral_server.h"

int main(int argc, char **argv) {
  using namespace stormdb;
  try {
    CliArgs args;
    if (!parse_cli(argc, argv, args)) return 0;
    if (args.command == "list") return command_list(args);
    if (args.command == "compare") return command_compare(args);
    if (args.command == "report") return command_report(args);
    if (args.command == "server-start" || args.command == "server-stop") return command_server(args);
    return command_workload(args);
  } catch (const UsageError &e) {
    std::fprintf(stderr, "stormdb: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "stormdb: error: %s\n", e.what());
    return kExitFailure;
  }
}
