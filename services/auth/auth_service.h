// AuthService: see protos/clinic/v1/auth.proto for the API.
#ifndef CLINIC_SERVICES_AUTH_AUTH_SERVICE_H_
#define CLINIC_SERVICES_AUTH_AUTH_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the auth service.
ServiceDefinition AuthServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_AUTH_SERVICE_H_
