// clinicd: every clinic service in one process, for a single clinic.
#include "services/clinicd/all_services.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  clinic::ServerProgram program;
  program.name = "clinicd";
  program.description = "Case-management server for refugee legal aid clinics";
  program.services = clinic::AllServiceDefinitions();
  return clinic::RunServerMain(argc, argv, program);
}
