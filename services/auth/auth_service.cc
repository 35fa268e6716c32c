#include "services/auth/auth_service.h"

#include "clinic/v1/auth.grpc.pb.h"

namespace clinic {

ServiceDefinition AuthServiceDefinition() {
  ServiceDefinition def;
  def.name = "auth";
  def.full_name = "clinic.v1.AuthService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::AuthService::Service>>(
        std::make_unique<v1::AuthService::Service>());
  };
  return def;
}

}  // namespace clinic
