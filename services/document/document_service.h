// DocumentService: see protos/clinic/v1/document.proto for the API.
#ifndef CLINIC_SERVICES_DOCUMENT_DOCUMENT_SERVICE_H_
#define CLINIC_SERVICES_DOCUMENT_DOCUMENT_SERVICE_H_

#include "services/common/service.h"

namespace clinic {

// How a server hosts the document service.
ServiceDefinition DocumentServiceDefinition();

}  // namespace clinic

#endif  // CLINIC_SERVICES_DOCUMENT_DOCUMENT_SERVICE_H_
