// The clinicctl command tree: each Register* function adds one command (or
// group) to the root. A command's callback sets `exit_code`.
#ifndef CLINIC_CLIENTS_CLINICCTL_COMMANDS_H_
#define CLINIC_CLIENTS_CLINICCTL_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "clients/clinicctl/command_context.h"

namespace clinic {
namespace cli {

void RegisterHealthCommand(CLI::App& app, CommandContext& ctx, int& exit_code);
void RegisterAdminCommands(CLI::App& app, CommandContext& ctx, int& exit_code);
void RegisterConfigCommands(CLI::App& app, CommandContext& ctx, int& exit_code);
void RegisterDashboardCommand(CLI::App& app, CommandContext& ctx,
                              int& exit_code);
void RegisterAuthCommands(CLI::App& app, CommandContext& ctx, int& exit_code);
void RegisterAuditCommands(CLI::App& app, CommandContext& ctx, int& exit_code);
// client, case, family, conflict-check (IntakeService).
void RegisterIntakeCommands(CLI::App& app, CommandContext& ctx, int& exit_code);
// deadline, event, holidays, rules (DeadlineService).
void RegisterDeadlineCommands(CLI::App& app, CommandContext& ctx,
                              int& exit_code);
// doc (DocumentService).
void RegisterDocumentCommands(CLI::App& app, CommandContext& ctx,
                              int& exit_code);
// hearing (HearingService).
void RegisterHearingCommands(CLI::App& app, CommandContext& ctx,
                             int& exit_code);

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_COMMANDS_H_
