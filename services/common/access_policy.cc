#include "services/common/access_policy.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace clinic {
namespace {

using P = MethodRule::Principal;
constexpr uint32_t kStaff = kLawyer | kIntake;
constexpr v1::AuditAction kNone = v1::AUDIT_ACTION_UNSPECIFIED;
constexpr v1::AuditAction kRead = v1::AUDIT_ACTION_READ;
constexpr v1::AuditAction kCreate = v1::AUDIT_ACTION_CREATE;
constexpr v1::AuditAction kUpdate = v1::AUDIT_ACTION_UPDATE;
constexpr v1::AuditAction kDelete = v1::AUDIT_ACTION_DELETE;
constexpr v1::AuditAction kAuth = v1::AUDIT_ACTION_AUTH;
constexpr v1::AuditAction kAdminAction = v1::AUDIT_ACTION_ADMIN;
constexpr bool kPasswordChangeOk = true;
constexpr bool kBreakGlass = true;

std::vector<MethodRule>* BuildTable() {
  return new std::vector<MethodRule>{
      // ---- Standard services
      // -------------------------------------------------------------
      {"/grpc.health.v1.Health/Check", P::kPublic, 0, kNone},
      {"/grpc.health.v1.Health/Watch", P::kPublic, 0, kNone},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
       P::kPublic, 0, kNone},

      // ---- AuthService
      // -------------------------------------------------------------------
      {"/clinic.v1.AuthService/Login", P::kPublic, 0, kAuth},
      {"/clinic.v1.AuthService/RefreshToken", P::kPublic, 0, kAuth},
      {"/clinic.v1.AuthService/Logout", P::kUser, 0, kAuth, kPasswordChangeOk},
      {"/clinic.v1.AuthService/GetCurrentUser", P::kUser, 0, kNone,
       kPasswordChangeOk},
      {"/clinic.v1.AuthService/ChangePassword", P::kUser, 0, kAuth,
       kPasswordChangeOk},
      {"/clinic.v1.AuthService/BeginTotpEnrollment", P::kUser, 0, kAuth},
      {"/clinic.v1.AuthService/ConfirmTotpEnrollment", P::kUser, 0, kAuth},
      // Own account, or an administrator for any (checked by the handler).
      {"/clinic.v1.AuthService/DisableTotp", P::kUser, 0, kAuth},
      {"/clinic.v1.AuthService/GetUser", P::kUser, 0, kRead},
      {"/clinic.v1.AuthService/CreateUser", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuthService/ListUsers", P::kUser, kAdmin, kRead},
      {"/clinic.v1.AuthService/UpdateUser", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuthService/DisableUser", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuthService/EnableUser", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuthService/ResetPassword", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuthService/BreakGlass", P::kUser, kAdmin, kAuth},
      {"/clinic.v1.AuthService/GetVerificationKeys", P::kPublic, 0, kNone},
      {"/clinic.v1.AuthService/WatchRevocations", P::kService, 0, kNone},

      // ---- IntakeService
      // -----------------------------------------------------------------
      // Intake staff register people and open cases; lawyers work on their own
      // cases'
      // clients (row-level rules in the handlers).
      {"/clinic.v1.IntakeService/CreateClient", P::kUser, kStaff, kCreate},
      {"/clinic.v1.IntakeService/GetClient", P::kUser, kStaff, kRead, false,
       kBreakGlass},
      {"/clinic.v1.IntakeService/UpdateClient", P::kUser, kStaff, kUpdate},
      {"/clinic.v1.IntakeService/ListClients", P::kUser, kStaff, kRead},
      {"/clinic.v1.IntakeService/SearchClients", P::kUser, kStaff, kRead},
      {"/clinic.v1.IntakeService/AddFamilyLink", P::kUser, kStaff, kUpdate},
      {"/clinic.v1.IntakeService/RemoveFamilyLink", P::kUser, kStaff, kUpdate},
      {"/clinic.v1.IntakeService/CheckConflicts", P::kUser, kStaff, kRead},
      {"/clinic.v1.IntakeService/GetConflictCheck", P::kUser, kStaff, kRead},
      {"/clinic.v1.IntakeService/ListConflictChecks", P::kUser, kStaff, kRead},
      {"/clinic.v1.IntakeService/OpenCase", P::kUser, kStaff, kCreate},
      {"/clinic.v1.IntakeService/GetCase", P::kUser, kStaff, kRead, false,
       kBreakGlass},
      {"/clinic.v1.IntakeService/ListCases", P::kUser, kStaff, kRead},
      {"/clinic.v1.IntakeService/UpdateCase", P::kUser, kStaff | kAdmin,
       kUpdate},
      {"/clinic.v1.IntakeService/AssignCase", P::kUser, kStaff, kUpdate},
      {"/clinic.v1.IntakeService/TransitionCase", P::kUser, kLawyer, kUpdate},
      {"/clinic.v1.IntakeService/CloseCase", P::kUser, kLawyer, kUpdate},
      {"/clinic.v1.IntakeService/GetCaseSummary", P::kService, 0, kNone},
      // The retention sweep (the admin service), as a service only: a user,
      // administrators included, cannot erase a case through these.
      {"/clinic.v1.IntakeService/ListCaseSummaries", P::kService, 0, kNone},
      {"/clinic.v1.IntakeService/EraseCase", P::kService, 0, kDelete},

      // ---- DeadlineService
      // ---------------------------------------------------------------
      {"/clinic.v1.DeadlineService/RecordEvent", P::kUser, kStaff, kCreate},
      {"/clinic.v1.DeadlineService/ListEvents", P::kUser, kStaff, kRead, false,
       kBreakGlass},
      {"/clinic.v1.DeadlineService/GetDeadline", P::kUser, kStaff, kRead, false,
       kBreakGlass},
      {"/clinic.v1.DeadlineService/ListDeadlines", P::kUser, kStaff, kRead,
       false, kBreakGlass},
      {"/clinic.v1.DeadlineService/ListUpcomingDeadlines", P::kUser, kLawyer,
       kRead},
      {"/clinic.v1.DeadlineService/CompleteDeadline", P::kUser, kLawyer,
       kUpdate},
      {"/clinic.v1.DeadlineService/WaiveDeadline", P::kUser, kLawyer, kUpdate},
      {"/clinic.v1.DeadlineService/ExtendDeadline", P::kUser, kLawyer, kUpdate},
      {"/clinic.v1.DeadlineService/OverrideDeadline", P::kUser, kLawyer,
       kUpdate},
      // Rules, calendars and what-if computations hold no client data.
      {"/clinic.v1.DeadlineService/ListRules", P::kUser, 0, kNone},
      {"/clinic.v1.DeadlineService/ComputeDate", P::kUser, 0, kNone},
      {"/clinic.v1.DeadlineService/ListHolidays", P::kUser, 0, kNone},
      {"/clinic.v1.DeadlineService/ListCalendars", P::kUser, 0, kNone},
      {"/clinic.v1.DeadlineService/ForgetCase", P::kService, 0, kDelete},
      {"/clinic.v1.DeadlineService/ReplaceRules", P::kUser, kAdmin,
       kAdminAction},
      {"/clinic.v1.DeadlineService/WatchDeadlines", P::kUser, kLawyer, kRead},

      // ---- DocumentService
      // ---------------------------------------------------------------
      // Intake staff may add identity papers at intake but never read lawyers'
      // documents.
      {"/clinic.v1.DocumentService/UploadDocument", P::kUser, kStaff, kCreate},
      {"/clinic.v1.DocumentService/DownloadDocument", P::kUser, kLawyer, kRead,
       false, kBreakGlass},
      {"/clinic.v1.DocumentService/GetDocument", P::kUser, kLawyer, kRead,
       false, kBreakGlass},
      {"/clinic.v1.DocumentService/ListDocuments", P::kUser, kLawyer, kRead,
       false, kBreakGlass},
      {"/clinic.v1.DocumentService/DeleteDocument", P::kUser, kLawyer, kDelete},
      {"/clinic.v1.DocumentService/RotateKeys", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.DocumentService/ShredCaseDocuments", P::kService, 0,
       kDelete},

      // ---- HearingService
      // ----------------------------------------------------------------
      {"/clinic.v1.HearingService/ScheduleHearing", P::kUser, kLawyer, kCreate},
      {"/clinic.v1.HearingService/GetHearing", P::kUser, kLawyer, kRead, false,
       kBreakGlass},
      {"/clinic.v1.HearingService/ListHearings", P::kUser, kLawyer, kRead,
       false, kBreakGlass},
      {"/clinic.v1.HearingService/RescheduleHearing", P::kUser, kLawyer,
       kUpdate},
      {"/clinic.v1.HearingService/CancelHearing", P::kUser, kLawyer, kUpdate},
      {"/clinic.v1.HearingService/UpdateHearing", P::kUser, kLawyer, kUpdate},
      {"/clinic.v1.HearingService/RequestPostponement", P::kUser, kLawyer,
       kUpdate},
      {"/clinic.v1.HearingService/ResolvePostponement", P::kUser, kLawyer,
       kUpdate},
      {"/clinic.v1.HearingService/CheckAvailability", P::kUser, kLawyer, kRead},
      {"/clinic.v1.HearingService/ExportCalendar", P::kUser, kLawyer, kRead},
      {"/clinic.v1.HearingService/ForgetCase", P::kService, 0, kDelete},

      // ---- AuditService
      // ------------------------------------------------------------------
      {"/clinic.v1.AuditService/ListAuditEvents", P::kUser, kAdmin,
       kAdminAction},
      {"/clinic.v1.AuditService/ExportAudit", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuditService/VerifyChain", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AuditService/GetAuditPublicKey", P::kPublic, 0, kNone},
      {"/clinic.v1.AuditService/AppendAuditEvents", P::kService, 0, kNone},

      // ---- AdminService
      // ------------------------------------------------------------------
      {"/clinic.v1.AdminService/GetServerStatus", P::kUser, kAdmin, kNone},
      {"/clinic.v1.AdminService/CreateBackup", P::kUser, kAdmin, kAdminAction},
      {"/clinic.v1.AdminService/RunRetentionSweep", P::kUser, kAdmin,
       kAdminAction},
  };
}

const absl::flat_hash_map<absl::string_view, const MethodRule*>& Index() {
  static const auto* const index = [] {
    auto* map = new absl::flat_hash_map<absl::string_view, const MethodRule*>();
    for (const MethodRule& rule : AllMethodRules()) (*map)[rule.method] = &rule;
    return map;
  }();
  return *index;
}

std::string RoleNames(const std::vector<v1::Role>& roles) {
  std::vector<std::string> names;
  for (v1::Role role : roles) {
    std::string name = v1::Role_Name(role);
    names.push_back(name.substr(name.find('_') + 1));
  }
  return names.empty() ? "no role" : absl::StrJoin(names, ", ");
}

bool AnyRoleIn(const Caller& caller, uint32_t mask) {
  return ((mask & kAdmin) && caller.HasRole(v1::ROLE_ADMIN)) ||
         ((mask & kLawyer) && caller.HasRole(v1::ROLE_LAWYER)) ||
         ((mask & kIntake) && caller.HasRole(v1::ROLE_INTAKE));
}

}  // namespace

const std::vector<MethodRule>& AllMethodRules() {
  static const std::vector<MethodRule>* const table = BuildTable();
  return *table;
}

const MethodRule* FindMethodRule(absl::string_view method) {
  auto it = Index().find(method);
  return it == Index().end() ? nullptr : it->second;
}

absl::Status Authorize(absl::string_view method, const MethodRule* rule,
                       const Caller& caller) {
  if (rule == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(
        method, " is not in the server's access table, so it is refused"));
  }
  switch (rule->principal) {
    case MethodRule::Principal::kPublic:
      return absl::OkStatus();
    case MethodRule::Principal::kService:
      if (caller.is_service()) return absl::OkStatus();
      if (caller.kind == Caller::Kind::kAnonymous) {
        return absl::UnauthenticatedError("this call needs credentials");
      }
      return absl::PermissionDeniedError(
          absl::StrCat(method, " is for the clinic's own services only"));
    case MethodRule::Principal::kUser:
      break;
  }
  if (!caller.is_user()) {
    return absl::UnauthenticatedError(
        "sign in first: the call has no valid access token (log in again if it "
        "expired)");
  }
  if (caller.password_change_required && !rule->password_change_ok) {
    return absl::PermissionDeniedError(
        "you must change your password before doing anything else");
  }
  if (rule->roles == 0 || AnyRoleIn(caller, rule->roles))
    return absl::OkStatus();
  if (rule->break_glass && caller.HasRole(v1::ROLE_ADMIN) &&
      !caller.break_glass_case.empty()) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "your role (", RoleNames(caller.roles), ") may not call ", method));
}

}  // namespace clinic
