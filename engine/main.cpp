// stormdb's entry point: parse the command line, dispatch, and turn exceptions into one clear
// message and an exit status (2 for bad input, 1 for run-time failures, 130 when interrupted).
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "config/config.h"
#include "pg/ephemeral_server.h"
#include "run/signals.h"
#include "util/secrets.h"

int main(int argc, char **argv) {
  using namespace stormdb;
  try {
    CliArgs args;
    if (!parse_cli(argc, argv, args)) return 0;
    if (args.command == "list") return command_list(args);
    if (args.command == "help") return command_workload_help(args);
    if (args.command == "compare") return command_compare(args);
    if (args.command == "report") return command_report(args);
    if (args.command.rfind("plugin-", 0) == 0) return command_plugin(args);
    // Ctrl-C must find the handlers in place before a throwaway server starts, so that it can
    // stop the server instead of leaving it behind.
    signals::install();
    if (args.command == "server-start" || args.command == "server-stop") return command_server(args);
    for (const auto &w : env_warnings()) std::fprintf(stderr, "stormdb: warning: %s\n", w.c_str());
    return command_workload(args);
  } catch (const ServerStartInterrupted &e) {
    std::fprintf(stderr, "stormdb: %s\n", scrub_secrets(e.what()).c_str());
    return kExitInterrupted;
  } catch (const UsageError &e) {
    std::fprintf(stderr, "stormdb: error: %s\n", scrub_secrets(e.what()).c_str());
    return kExitUsage;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "stormdb: error: %s\n", scrub_secrets(e.what()).c_str());
    return kExitFailure;
  }
}
