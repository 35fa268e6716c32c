#include "services/audit/audit_service.h"

#include "clinic/v1/audit.grpc.pb.h"

namespace clinic {

ServiceDefinition AuditServiceDefinition() {
  ServiceDefinition def;
  def.name = "audit";
  def.full_name = "clinic.v1.AuditService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::AuditService::Service>>(
        std::make_unique<v1::AuditService::Service>());
  };
  return def;
}

}  // namespace clinic
