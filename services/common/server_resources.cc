#include "services/common/server_resources.h"

#include "grpcpp/resource_quota.h"

namespace clinic {

void ConfigureServerResources(grpc::ServerBuilder& builder) {
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kIdleWorkerThreads);
  grpc::ResourceQuota quota("clinic-transport");
  quota.Resize(kTransportMemoryBytes);
  builder.SetResourceQuota(quota);
}

}  // namespace clinic
