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
// receive window. By default gRPC grows that window with its estimate of the
// bandwidth-delay product and ignores a configured one, so the memory an
// upload holds grew with the document: the server's peak resident memory was
// 75 MiB while uploading 1 MiB documents and 170 MiB for 256 MiB ones, and
// sixteen concurrent 32 MiB transfers took it to 654 MiB (load generator).
// The probe is therefore off and each stream's window fixed at
// kStreamWindowBytes: the same runs peaked at 79 MiB, 70 MiB and 151 MiB, with
// throughput within a few percent. On top of that, a memory quota for all
// connections together makes gRPC shrink windows under pressure and, past the
// quota, cancel streams (RESOURCE_EXHAUSTED to the client; an upload cut off
// stores nothing) rather than let a flood of uploads exhaust the machine.
#ifndef CLINIC_SERVICES_COMMON_SERVER_RESOURCES_H_
#define CLINIC_SERVICES_COMMON_SERVER_RESOURCES_H_

#include "grpcpp/server_builder.h"

namespace clinic {

// Idle worker threads kept waiting for calls. Each costs a mostly untouched
// stack; more concurrent calls than this still get threads, which then end.
inline constexpr int kIdleWorkerThreads = 64;

// Transport memory (receive buffers and windows) of all connections together.
inline constexpr size_t kTransportMemoryBytes = 256 << 20;

// Receive window of each stream: how far a sender may run ahead of the
// server. 4 MiB keeps one upload at 80 MB/s over a 50 ms round trip.
inline constexpr int kStreamWindowBytes = 4 << 20;

// Applies the thread and memory settings above to `builder`.
void ConfigureServerResources(grpc::ServerBuilder& builder);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_SERVER_RESOURCES_H_
