// Who is calling, and what the call touched: the per-RPC state shared between
// the security interceptor (which authenticates, authorizes and audits every
// call) and the service handlers.
//
// Every handler of a method that is not public starts with
//
//   CLINIC_ASSIGN_OR_RETURN_GRPC(Caller caller, AuthorizedCaller(context));
//
// which returns the interceptor's decision: the caller when the method's access
// rule admits them, otherwise UNAUTHENTICATED / PERMISSION_DENIED. A handler
// that never asks is caught: the interceptor refuses its answer (INTERNAL) so a
// forgotten check fails closed and fails tests. Handlers then name the
// resources they touch (AuditResource) and, for row-level rules, check case
// access (see case_access.h).
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_CALL_CONTEXT_H_
#define CLINIC_SERVICES_COMMON_CALL_CONTEXT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "base/grpc_status.h"
#include "clinic/v1/common.pb.h"
#include "grpcpp/server_context.h"

namespace clinic {

// The authenticated principal of a call.
struct Caller {
  enum class Kind {
    // No credentials (only public methods admit this).
    kAnonymous,
    // A staff member with an access token.
    kUser,
    // Another clinic service: an in-process call, or a peer presenting the
    // clinic's service
    // certificate over mutual TLS, without a user token.
    kService,
  };
  Kind kind = Kind::kAnonymous;
  // kUser: the username (without "users/").
  std::string username;
  std::vector<v1::Role> roles;
  // The access token's session and id (for logout and audit).
  std::string session_id;
  std::string token_id;
  // The session may only change its password.
  bool password_change_required = false;
  // Set on a break-glass token: the one case ("cases/{id}") it opens, and why.
  std::string break_glass_case;
  std::string break_glass_reason;
  // Transport peer, e.g. "ipv4:127.0.0.1:5000".
  std::string peer;
  // From `x-request-id` metadata, or assigned by the server.
  std::string request_id;

  bool HasRole(v1::Role role) const;
  bool is_user() const { return kind == Kind::kUser; }
  bool is_service() const { return kind == Kind::kService; }
  // "users/{username}", or "" when not a user.
  std::string user_resource() const;
};

// Per-call state. Created by the security interceptor when a call starts and
// destroyed when it ends.
class CallState {
 public:
  CallState(Caller caller, absl::Status decision)
      : caller_(std::move(caller)), decision_(std::move(decision)) {}

  const Caller& caller() const { return caller_; }
  const absl::Status& decision() const { return decision_; }

  // Records that the handler consulted the authorization decision.
  void MarkChecked() { checked_.store(true); }
  bool checked() const { return checked_.load(); }

  void AddResource(absl::string_view name);
  void SetReason(absl::string_view reason);
  std::vector<std::string> resources() const;
  std::string reason() const;

 private:
  const Caller caller_;
  const absl::Status decision_;
  std::atomic<bool> checked_{false};
  mutable absl::Mutex mu_;
  std::vector<std::string> resources_ ABSL_GUARDED_BY(mu_);
  std::string reason_ ABSL_GUARDED_BY(mu_);
};

// Binds `state` to `context` for the life of the call (the interceptor does
// this).
void RegisterCall(const grpc::ServerContextBase* context,
                  std::shared_ptr<CallState> state);
void UnregisterCall(const grpc::ServerContextBase* context);

// The state bound to `context`, or nullptr when the call did not pass the
// interceptor.
std::shared_ptr<CallState> FindCall(const grpc::ServerContextBase* context);

// The interceptor's decision for this call: the caller if admitted, else the
// refusal. A call that did not pass the security interceptor is refused (deny
// by default).
absl::StatusOr<Caller> AuthorizedCaller(const grpc::ServerContextBase* context);

// Names a resource the call touched ("cases/abc",
// "cases/abc/documents/d/versions/2"), for its audit event. Never pass values
// (names of people, contents): only resource names.
void AuditResource(const grpc::ServerContextBase* context,
                   absl::string_view name);

// Records why the caller did this (a reason they gave), for the audit event.
void AuditReason(const grpc::ServerContextBase* context,
                 absl::string_view reason);

// Runs a handler body for an authorized caller: refuses with the interceptor's
// decision, otherwise returns `body(caller)` (an absl::Status) as a
// grpc::Status. The usual shape of every non-public handler:
//
//   grpc::Status Impl::GetClient(grpc::ServerContext* ctx, const Req* req,
//   Resp* resp) {
//     return HandleCall(ctx, [&](const Caller& caller) { return
//     DoGetClient(...); });
//   }
template <typename Body>
grpc::Status HandleCall(const grpc::ServerContextBase* context, Body&& body) {
  absl::StatusOr<Caller> caller = AuthorizedCaller(context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(body(*caller));
}

// For tests of handlers without a server: binds a caller to a context for a
// scope.
class ScopedCallForTesting {
 public:
  ScopedCallForTesting(const grpc::ServerContextBase* context, Caller caller,
                       absl::Status decision = absl::OkStatus());
  ~ScopedCallForTesting();
  std::shared_ptr<CallState> state() const { return state_; }

 private:
  const grpc::ServerContextBase* context_;
  std::shared_ptr<CallState> state_;
};

}  // namespace clinic

// In a handler returning grpc::Status: evaluates `rexpr` (an
// absl::StatusOr<T>); on error returns it as a grpc::Status, else assigns the
// value to `lhs`.
#define CLINIC_ASSIGN_OR_RETURN_GRPC(lhs, rexpr) \
  CLINIC_ASSIGN_OR_RETURN_GRPC_IMPL_(            \
      CLINIC_GRPC_CONCAT_(clinic_grpc_statusor_, __COUNTER__), lhs, rexpr)
#define CLINIC_GRPC_CONCAT_INNER_(a, b) a##b
#define CLINIC_GRPC_CONCAT_(a, b) CLINIC_GRPC_CONCAT_INNER_(a, b)
#define CLINIC_ASSIGN_OR_RETURN_GRPC_IMPL_(statusor, lhs, rexpr)        \
  auto statusor = (rexpr);                                              \
  if (!statusor.ok()) return ::clinic::ToGrpcStatus(statusor.status()); \
  lhs = std::move(statusor).value()

// In a handler returning grpc::Status: returns `expr` (an absl::Status) if it
// is an error.
#define CLINIC_RETURN_IF_ERROR_GRPC(expr)                 \
  do {                                                    \
    ::absl::Status clinic_grpc_status_ = (expr);          \
    if (!clinic_grpc_status_.ok()) {                      \
      return ::clinic::ToGrpcStatus(clinic_grpc_status_); \
    }                                                     \
  } while (0)

#endif  // CLINIC_SERVICES_COMMON_CALL_CONTEXT_H_
