// clinicctl: the command line for lawyers, intake staff and administrators.
#include <cstdio>
#include <cstdlib>

#include "CLI/CLI.hpp"
#include "clients/clinicctl/command_context.h"
#include "clients/clinicctl/commands.h"
#include "grpc/support/log.h"

namespace {
// gRPC's internal diagnostics (e.g. handshake failures) are for operators, not
// for the person at the terminal: clinicctl explains failures itself.
void DropGrpcLog(gpr_log_func_args*) {}
}  // namespace

int main(int argc, char** argv) {
  using namespace clinic::cli;  // NOLINT(build/namespaces)
  CLI::App app{"clinicctl: talk to a clinic case-management server",
               "clinicctl"};
  app.require_subcommand(1);
  // Global options may also follow the command: `clinicctl health --json`.
  app.fallthrough();
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.footer(
      "Exit codes: 0 success; 1 the server refused or failed the request; 2 "
      "usage error;\n"
      "3 server unreachable or not serving; 4 not logged in or session "
      "expired;\n"
      "5 not allowed.\n"
      "Run `clinicctl COMMAND --help` for a command's options and examples.\n");
  CommandContext ctx;
  ctx.AddGlobalOptions(app);
  int exit_code = kExitOk;
  gpr_set_log_function(DropGrpcLog);
  RegisterHealthCommand(app, ctx, exit_code);
  RegisterConfigCommands(app, ctx, exit_code);
  RegisterDashboardCommand(app, ctx, exit_code);
  RegisterAuthCommands(app, ctx, exit_code);
  RegisterAuditCommands(app, ctx, exit_code);
  RegisterAdminCommands(app, ctx, exit_code);
  RegisterIntakeCommands(app, ctx, exit_code);
  RegisterDeadlineCommands(app, ctx, exit_code);
  RegisterDocumentCommands(app, ctx, exit_code);
  RegisterHearingCommands(app, ctx, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  // Leave without running static destructors: gRPC's background threads may
  // still be winding down a failed connection, and tearing them down at exit
  // can crash. Every file this program writes is complete (and flushed) by now.
  std::fflush(nullptr);
  std::_Exit(exit_code);
}
