#include "services/admin/admin_service.h"

#include "clinic/v1/admin.grpc.pb.h"

namespace clinic {

ServiceDefinition AdminServiceDefinition() {
  ServiceDefinition def;
  def.name = "admin";
  def.full_name = "clinic.v1.AdminService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::AdminService::Service>>(
        std::make_unique<v1::AdminService::Service>());
  };
  return def;
}

}  // namespace clinic
