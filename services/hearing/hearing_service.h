// HearingService: see protos/clinic/v1/hearing.proto for the API.
#ifndef CLINIC_SERVICES_HEARING_HEARING_SERVICE_H_
#define CLINIC_SERVICES_HEARING_HEARING_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the hearing service.
ServiceDefinition HearingServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_HEARING_SERVICE_H_
