#include "services/clinicd/all_services.h"

#include "services/admin/admin_service.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/deadline/deadline_service.h"
#include "services/document/document_service.h"
#include "services/hearing/hearing_service.h"
#include "services/intake/intake_service.h"

namespace clinic {

std::vector<ServiceDefinition> AllServiceDefinitions() {
  return {
      AuditServiceDefinition(),    AuthServiceDefinition(),
      IntakeServiceDefinition(),   DeadlineServiceDefinition(),
      DocumentServiceDefinition(), HearingServiceDefinition(),
      AdminServiceDefinition(),
  };
}

}  // namespace clinic
