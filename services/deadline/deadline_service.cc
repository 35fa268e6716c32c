#include "services/deadline/deadline_service.h"

#include "clinic/v1/deadline.grpc.pb.h"

namespace clinic {

ServiceDefinition DeadlineServiceDefinition() {
  ServiceDefinition def;
  def.name = "deadline";
  def.full_name = "clinic.v1.DeadlineService";
  // The API is defined; the generated base answers every method until the
  // service's own issue implements it.
  def.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<v1::DeadlineService::Service>>(
        std::make_unique<v1::DeadlineService::Service>());
  };
  return def;
}

}  // namespace clinic
