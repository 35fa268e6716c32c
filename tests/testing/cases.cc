#include "tests/testing/cases.h"

#include "base/grpc_status.h"
#include "base/status_macros.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "tests/testing/accounts.h"

namespace clinic {
namespace testing {

v1::Client Person(const std::string& given, const std::string& family) {
  v1::Client c;
  c.mutable_legal_name()->set_given_names(given);
  c.mutable_legal_name()->set_family_name(family);
  return c;
}

absl::StatusOr<v1::Client> RegisterClient(
    const std::shared_ptr<grpc::Channel>& intake, const std::string& token,
    const v1::Client& client) {
  v1::IntakeService::Stub stub(intake);
  v1::CreateClientRequest req;
  *req.mutable_client() = client;
  v1::Client out;
  auto ctx = TokenContext(token);
  CLINIC_RETURN_IF_ERROR(
      FromGrpcStatus(stub.CreateClient(ctx.get(), req, &out)));
  return out;
}

absl::StatusOr<v1::Case> OpenCaseFor(
    const std::shared_ptr<grpc::Channel>& intake, const std::string& token,
    const v1::Client& client, const CaseOptions& options) {
  v1::IntakeService::Stub stub(intake);
  v1::CheckConflictsRequest check;
  v1::ConflictSubject* subject = check.add_subjects();
  *subject->mutable_name() = client.legal_name();
  subject->set_client(client.name());
  v1::ConflictCheck result;
  auto ctx = TokenContext(token);
  CLINIC_RETURN_IF_ERROR(
      FromGrpcStatus(stub.CheckConflicts(ctx.get(), check, &result)));
  v1::OpenCaseRequest open;
  open.mutable_case_()->set_type(options.type);
  open.mutable_case_()->set_principal_client(client.name());
  open.mutable_case_()->set_province(options.province);
  open.mutable_case_()->set_irb_region(options.irb_region);
  open.set_conflict_check(result.name());
  if (result.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
    open.set_conflict_waiver_reason("reviewed: the matches are other people");
  }
  v1::TeamMember* member = open.add_team();
  member->set_user(options.lead_lawyer);
  member->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
  v1::Case kase;
  ctx = TokenContext(token);
  CLINIC_RETURN_IF_ERROR(FromGrpcStatus(stub.OpenCase(ctx.get(), open, &kase)));
  return kase;
}

}  // namespace testing
}  // namespace clinic
