// The access table: for every RPC of every service, who may call it and how it
// is audited. Deny by default: a method missing from the table is refused, and
// a test fails when any method of the clinic.v1 protos has no entry.
//
// Row-level rules (a lawyer acts only on cases whose team includes them, ...)
// are not here: the table admits by role, then handlers check the case
// (case_access.h).
//
// Thread-safe (immutable after start-up).
#ifndef CLINIC_SERVICES_COMMON_ACCESS_POLICY_H_
#define CLINIC_SERVICES_COMMON_ACCESS_POLICY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "clinic/v1/audit.pb.h"
#include "services/common/call_context.h"

namespace clinic {

// A set of roles, as bits.
enum RoleBit : uint32_t {
  kAdmin = 1u << 0,
  kLawyer = 1u << 1,
  kIntake = 1u << 2,
};

struct MethodRule {
  enum class Principal {
    // Anyone, even unauthenticated (login, health, public keys).
    kPublic,
    // A staff member with a valid access token.
    kUser,
    // Another clinic service only (in-process, or mutual TLS with the service
    // certificate).
    kService,
  };

  // Full gRPC method name, e.g. "/clinic.v1.IntakeService/GetClient".
  absl::string_view method;
  Principal principal;
  // For kUser: the roles admitted (any of them). 0 admits every authenticated
  // user.
  uint32_t roles;
  // What the call's audit event records; AUDIT_ACTION_UNSPECIFIED means not
  // audited.
  v1::AuditAction audit;
  // Admitted for sessions that must change their password first.
  bool password_change_ok = false;
  // An administrator holding a break-glass grant is admitted (handlers then
  // confirm the grant names the case).
  bool break_glass = false;
};

// The rule for `method`, or nullptr when the table has none (the call is
// refused).
const MethodRule* FindMethodRule(absl::string_view method);

// Every rule (for tests and documentation).
const std::vector<MethodRule>& AllMethodRules();

// The table's verdict on `caller` calling a method with `rule` (nullptr =
// unknown method): OK, UNAUTHENTICATED (no valid credentials) or
// PERMISSION_DENIED (with a message naming the method and why).
absl::Status Authorize(absl::string_view method, const MethodRule* rule,
                       const Caller& caller);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_ACCESS_POLICY_H_
