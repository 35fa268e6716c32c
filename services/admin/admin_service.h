// AdminService: see protos/clinic/v1/admin.proto for the API.
#ifndef CLINIC_SERVICES_ADMIN_ADMIN_SERVICE_H_
#define CLINIC_SERVICES_ADMIN_ADMIN_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the admin service.
ServiceDefinition AdminServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_ADMIN_SERVICE_H_
