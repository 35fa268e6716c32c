// AuditService: see protos/clinic/v1/audit.proto for the API.
#ifndef CLINIC_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define CLINIC_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the audit service.
ServiceDefinition AuditServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUDIT_AUDIT_SERVICE_H_
