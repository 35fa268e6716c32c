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
  // A fixed receive window per stream: without the bandwidth-delay-product
  // probe, gRPC keeps the window it is given instead of growing it.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
                             kStreamWindowBytes);
}

}  // namespace clinic
