#include "services/common/worker_pool.h"

namespace clinic {

void ConfigureWorkerPool(grpc::ServerBuilder& builder) {
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, kIdleWorkerThreads);
}

}  // namespace clinic
