#include "services/intake/intake_service.h"

#include "clinic/v1/intake.grpc.pb.h"

namespace clinic {

ServiceDefinition IntakeServiceDefinition() {
  ServiceDefinition def;
  def.name = "intake";
  def.full_name = "clinic.v1.IntakeService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::IntakeService::Service>>(
        std::make_unique<v1::IntakeService::Service>());
  };
  return def;
}

}  // namespace clinic
