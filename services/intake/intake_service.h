// IntakeService: see protos/clinic/v1/intake.proto for the API.
#ifndef CLINIC_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define CLINIC_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the intake service.
ServiceDefinition IntakeServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_INTAKE_SERVICE_H_
