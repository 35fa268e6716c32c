#include "services/document/document_service.h"

#include "clinic/v1/document.grpc.pb.h"

namespace clinic {

ServiceDefinition DocumentServiceDefinition() {
  ServiceDefinition def;
  def.name = "document";
  def.full_name = "clinic.v1.DocumentService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::DocumentService::Service>>(
        std::make_unique<v1::DocumentService::Service>());
  };
  return def;
}

}  // namespace clinic
