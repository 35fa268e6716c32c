// Every clinic service, in start-up order (audit and auth first: the others
// depend on them). clinicd hosts these; tests use the same list.
#ifndef CLINIC_SERVICES_CLINICD_ALL_SERVICES_H_
#define CLINIC_SERVICES_CLINICD_ALL_SERVICES_H_

#include <vector>

#include "services/common/service.h"

namespace clinic {

std::vector<ServiceDefinition> AllServiceDefinitions();

}  // namespace clinic

#endif  // CLINIC_SERVICES_CLINICD_ALL_SERVICES_H_
