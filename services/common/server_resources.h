// The threads and transport memory a gRPC server may use: one setting shared by
// the clinic's servers and the bare baseline servers of the benchmarks, so the
// two are compared on the same footing.
//
// Threads. gRPC's sync server keeps between MIN_POLLERS and MAX_POLLERS threads
// waiting for calls, starts a thread whenever every waiting one has taken a
// call, and ends threads beyond MAX_POLLERS as soon as they finish. Its default
// maximum (2) suits handlers that never block; clinic handlers wait for the
// audit log's group commit and for fsync, so under load nearly every call
// started a thread and ended one, and unmapping those stacks (TLB shootdowns on
// every core) cost more CPU than the calls. Keeping idle threads avoids that
// churn.
//
// Memory. HTTP/2 flow control lets a sender run ahead of a slow reader by the
// receive window, which gRPC grows with the measured bandwidth-delay product
// (it ignores a configured window while doing so). Sixteen concurrent 32 MiB
// transfers took the server to 792 MiB, mostly receive buffers. A memory
// quota makes gRPC shrink windows under pressure and, past the quota, cancel
// streams (RESOURCE_EXHAUSTED to the client; an upload cut off stores
// nothing) rather than let a flood of large uploads exhaust the machine. At
// 256 MiB the same load ran without errors at 585 MiB; at 64 MiB, gRPC
// cancelled 4 of 269 transfers.
#ifndef CLINIC_SERVICES_COMMON_SERVER_RESOURCES_H_
#define CLINIC_SERVICES_COMMON_SERVER_RESOURCES_H_

#include "grpcpp/server_builder.h"

namespace clinic {

// Idle worker threads kept waiting for calls. Each costs a mostly untouched
// stack; more concurrent calls than this still get threads, which then end.
inline constexpr int kIdleWorkerThreads = 64;

// Transport memory (receive buffers and windows) of all connections together.
inline constexpr size_t kTransportMemoryBytes = 256 << 20;

// Applies the thread and memory settings above to `builder`.
void ConfigureServerResources(grpc::ServerBuilder& builder);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_SERVER_RESOURCES_H_
