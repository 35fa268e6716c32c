// clinicd: every clinic service in one process, for a single clinic.
#include "services/admin/admin_cli.h"
#include "services/clinicd/all_services.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  // Offline: clinicd backup create|verify, restore, rotate-master-key.
  int exit_code = 0;
  if (clinic::RunOfflineBackupCommand(argc, argv, &exit_code)) return exit_code;
  clinic::ServerProgram program;
  program.name = "clinicd";
  program.description =
      "Case-management server for refugee legal aid clinics.\n"
      "Also, offline: clinicd backup create|verify ..., clinicd restore ..., "
      "clinicd rotate-master-key ... (each with --help).";
  program.services = clinic::AllServiceDefinitions();
  return clinic::RunServerMain(argc, argv, program);
}
