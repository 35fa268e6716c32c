#include "services/hearing/hearing_service.h"

#include "clinic/v1/hearing.grpc.pb.h"

namespace clinic {

ServiceDefinition HearingServiceDefinition() {
  ServiceDefinition def;
  def.name = "hearing";
  def.full_name = "clinic.v1.HearingService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::HearingService::Service>>(
        std::make_unique<v1::HearingService::Service>());
  };
  return def;
}

}  // namespace clinic
