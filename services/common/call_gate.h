// Counts the clinic calls a server has under way, and lets shutdown drain
// them before gRPC tears the server down.
//
// Why: a handler may call a co-hosted service over the server's in-process
// channel; gRPC 1.51 crashes when a call is created on that channel while
// grpc::Server::Shutdown is tearing the server down. So the host first drains:
// new calls from outside are refused (UNAVAILABLE) while calls between
// co-hosted services, which serve the calls still under way, are let in; once
// nothing is under way (or the grace period is over) gRPC shuts down.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_CALL_GATE_H_
#define CLINIC_SERVICES_COMMON_CALL_GATE_H_

#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace clinic {

class CallGate {
 public:
  // Admits a call and counts it, unless the gate is draining and the call is
  // not `internal`. Every admitted call must Leave once.
  bool Enter(bool internal);
  void Leave();

  // Refuses outside calls from now on and waits until no call is under way or
  // `deadline` passes; true if drained.
  bool Drain(absl::Time deadline);

  int64_t in_flight() const;

 private:
  mutable absl::Mutex mu_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_CALL_GATE_H_
