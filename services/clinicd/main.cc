// clinicd: every clinic service in one process, for a single clinic.
#include "services/admin/admin_service.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/server_main.h"
#include "services/deadline/deadline_service.h"
#include "services/document/document_service.h"
#include "services/hearing/hearing_service.h"
#include "services/intake/intake_service.h"

int main(int argc, char** argv) {
  clinic::ServerProgram program;
  program.name = "clinicd";
  program.description = "Case-management server for refugee legal aid clinics";
  // Start-up order: audit and auth first, since the others depend on them.
  program.services = {
      clinic::AuditServiceDefinition(),    clinic::AuthServiceDefinition(),
      clinic::IntakeServiceDefinition(),   clinic::DeadlineServiceDefinition(),
      clinic::DocumentServiceDefinition(), clinic::HearingServiceDefinition(),
      clinic::AdminServiceDefinition(),
  };
  return clinic::RunServerMain(argc, argv, program);
}
