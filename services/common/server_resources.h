// How a synchronous gRPC server keeps its worker threads: one setting shared by
// the clinic's servers and the bare baseline server of the benchmarks, so the
// two are compared on the same footing.
//
// gRPC's sync server keeps between MIN_POLLERS and MAX_POLLERS threads waiting
// for calls, starts a thread whenever every waiting one has taken a call, and
// ends threads beyond MAX_POLLERS as soon as they finish. Its default maximum
// (2) suits handlers that never block; clinic handlers wait for the audit
// log's group commit and for fsync, so under load nearly every call started a
// thread and ended one, and unmapping those stacks (TLB shootdowns on every
// core) cost more CPU than the calls. Keeping idle threads avoids that churn.
#ifndef CLINIC_SERVICES_COMMON_WORKER_POOL_H_
#define CLINIC_SERVICES_COMMON_WORKER_POOL_H_

#include "grpcpp/server_builder.h"

namespace clinic {

// Idle worker threads kept waiting for calls. Each costs a mostly untouched
// stack; more concurrent calls than this still get threads, which then end.
inline constexpr int kIdleWorkerThreads = 64;

// Applies the worker-thread settings above to `builder`.
void ConfigureWorkerPool(grpc::ServerBuilder& builder);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_WORKER_POOL_H_
