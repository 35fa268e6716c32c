// The audit service as its own server process (split deployment).
#include "services/audit/audit_service.h"
#include "services/common/server_main.h"

int main(int argc, char** argv) {
  return clinic::RunServerMain(argc, argv,
                               {"audit_server",
                                "Clinic audit service",
                                {clinic::AuditServiceDefinition()},
                                nullptr});
}
