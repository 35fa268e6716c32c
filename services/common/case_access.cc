#include "services/common/case_access.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/grpc_status.h"
#include "clinic/v1/intake.grpc.pb.h"

namespace clinic {
namespace {

absl::Status NotFound(absl::string_view case_name) {
  return absl::NotFoundError(absl::StrCat(case_name, " was not found"));
}

}  // namespace

bool IsOnTeam(const v1::CaseSummary& summary, absl::string_view username) {
  const std::string user = absl::StrCat("users/", username);
  for (const v1::TeamMember& member : summary.team()) {
    if (member.user() == user) return true;
  }
  return false;
}

absl::Status ValidateCaseName(absl::string_view name, absl::string_view field) {
  absl::string_view id = name;
  bool ok =
      absl::ConsumePrefix(&id, "cases/") && !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '_');
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a case name like \"cases/abc123\""));
  }
  return absl::OkStatus();
}

absl::Status CheckCaseAccess(const Caller& caller,
                             const v1::CaseSummary& summary) {
  if (caller.is_service()) return absl::OkStatus();
  if (!caller.is_user()) return NotFound(summary.case_());
  if (!caller.break_glass_case.empty()) {
    // A break-glass token opens exactly one case, whatever else its holder
    // could do.
    if (caller.break_glass_case == summary.case_()) return absl::OkStatus();
    return NotFound(summary.case_());
  }
  if (caller.HasRole(v1::ROLE_INTAKE)) return absl::OkStatus();
  if (caller.HasRole(v1::ROLE_LAWYER) && IsOnTeam(summary, caller.username)) {
    return absl::OkStatus();
  }
  return NotFound(summary.case_());
}

void CaseAccess::SetLocal(LocalSummaries local) {
  absl::MutexLock lock(&mu_);
  local_ = std::move(local);
}

absl::StatusOr<v1::CaseSummary> CaseAccess::Fetch(absl::string_view case_name) {
  {
    absl::ReaderMutexLock lock(&mu_);
    if (local_) return local_(case_name);
  }
  v1::IntakeService::Stub stub(intake_channel_());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  v1::GetCaseSummaryRequest request;
  request.set_case_(std::string(case_name));
  v1::CaseSummary summary;
  grpc::Status status = stub.GetCaseSummary(&context, request, &summary);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(
        "the intake service, which knows who works on each case, cannot be "
        "reached; "
        "try again shortly");
  }
  if (!status.ok()) return FromGrpcStatus(status);
  return summary;
}

absl::StatusOr<v1::CaseSummary> CaseAccess::Check(const Caller& caller,
                                                  absl::string_view case_name) {
  absl::StatusOr<v1::CaseSummary> summary = Fetch(case_name);
  if (!summary.ok()) return summary.status();
  absl::Status access = CheckCaseAccess(caller, *summary);
  if (!access.ok()) return access;
  return summary;
}

}  // namespace clinic
