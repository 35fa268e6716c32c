// Calls from one clinic service to another on behalf of the user who called
// the first: the outgoing call carries the user's own access token, so the
// callee's security interceptor authorizes and audits the user exactly as if
// they had called it directly (no service-level privilege is borrowed).
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_FORWARD_CREDENTIALS_H_
#define CLINIC_SERVICES_COMMON_FORWARD_CREDENTIALS_H_

#include <memory>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace clinic {

// A client context for a call made while serving `incoming`: the caller's
// `authorization` and `x-request-id` metadata copied, and a deadline that is
// the earlier of `timeout` from now and the incoming call's own deadline.
std::unique_ptr<grpc::ClientContext> ForwardingContext(
    const grpc::ServerContextBase& incoming,
    absl::Duration timeout = absl::Seconds(10));

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_FORWARD_CREDENTIALS_H_
