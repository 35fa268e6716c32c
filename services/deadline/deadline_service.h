// DeadlineService: see protos/clinic/v1/deadline.proto for the API.
#ifndef CLINIC_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
#define CLINIC_SERVICES_DEADLINE_DEADLINE_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the deadline service.
ServiceDefinition DeadlineServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
