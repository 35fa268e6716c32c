// The one server interceptor every call of every service passes through.
//
// When a call arrives it applies the per-peer rate limit (rate_limiter.h),
// authenticates the caller (a Bearer access token; otherwise an in-process
// call or a peer with the clinic's service certificate counts as a service;
// otherwise anonymous), looks the method up in the access table
// (access_policy.h) and binds the caller and the verdict to the call
// (call_context.h), where handlers read them.
//
// Before anything goes back to the client — the first response message, or the
// status — it appends the call's audit event (who, role, method, resources,
// outcome code, peer) and waits until the event is durable. If the audit log
// cannot record it, the response is withheld and the call fails with
// UNAVAILABLE (fail closed). If a handler answered without consulting the
// verdict, or despite a refusal, its answer is replaced by the refusal (or
// INTERNAL), so that a forgotten check fails closed too.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_SECURITY_INTERCEPTOR_H_
#define CLINIC_SERVICES_COMMON_SECURITY_INTERCEPTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "grpcpp/support/client_interceptor.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/common/audit_sink.h"
#include "services/common/call_gate.h"
#include "services/common/rate_limiter.h"
#include "services/common/token_verifier.h"

namespace clinic {

// The common name of the certificate `clinicd init` issues to services (tls.h).
constexpr char kServiceCertificateName[] = "clinic-service";

// Marks calls made on an in-process channel as coming from a clinic service:
// each such call carries a random key that exists only in this process's
// memory, which the server interceptor checks in constant time. (gRPC gives
// in-process calls no peer address that could not also be claimed otherwise.)
// Pass to Server::experimental().InProcessChannelWithInterceptors.
std::vector<
    std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
InProcessServiceMarkers();

class SecurityInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  struct Options {
    TokenVerifier* verifier = nullptr;
    AuditSink* audit = nullptr;
    // Benchmarks only: measure the cost of auditing by turning it off.
    bool audit_enabled = true;
    // Optional. Per-peer rate limits, consulted for clinic methods before
    // authentication; calls from clinic services are exempt. A refused call
    // ends with RESOURCE_EXHAUSTED before its handler runs and is not audited
    // (it touched nothing, and auditing a flood would amplify it).
    PeerRateLimiter* rate_limiter = nullptr;
    // Optional. Counts clinic calls under way; while it drains, calls from
    // outside end with UNAVAILABLE before their handler runs.
    CallGate* gate = nullptr;
  };
  explicit SecurityInterceptorFactory(Options options) : options_(options) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const Options options_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_SECURITY_INTERCEPTOR_H_
