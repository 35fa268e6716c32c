// ListCaseSummaries and EraseCase: what the retention sweep (the admin
// service) needs from the intake service. Callable by services only (see
// access_policy.cc).
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/call_context.h"
#include "services/common/erasure.h"
#include "services/common/etag.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/intake/case_erasure.h"
#include "services/intake/intake_service.h"
#include "services/intake/intake_store.h"

namespace clinic {

using storage::Connection;

grpc::Status IntakeServiceImpl::ListCaseSummaries(
    grpc::ServerContext* ctx, const v1::ListCaseSummariesRequest* req,
    v1::ListCaseSummariesResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("status", req->status(), v1::CaseStatus_IsValid, true));
    CLINIC_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(req->page_size(), 200, 500));
    intake_store::CaseFilter filter;
    filter.status = req->status();
    return db_->Read([&](Connection& c) -> absl::Status {
      std::string next;
      CLINIC_ASSIGN_OR_RETURN(
          std::vector<v1::Case> cases,
          intake_store::ListCasePage(c, filter, req->page_token(), page_size,
                                     &next));
      for (const v1::Case& kase : cases)
        *resp->add_cases() = intake_store::SummaryOf(kase);
      resp->set_next_page_token(next);
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::EraseCase(grpc::ServerContext* ctx,
                                          const v1::EraseCaseRequest* req,
                                          v1::EraseCaseResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(ValidateResourceName("case", req->case_(), "cases"));
    CLINIC_RETURN_IF_ERROR(
        ValidateText("reason", req->reason(), 5, 1000, true));
    AuditReason(ctx, req->reason());
    AuditResource(ctx, req->case_());
    intake::CaseErasure erased;
    CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(
          auto kase, intake_store::FindCase(c, ResourceId(req->case_())));
      if (!kase) return NotFoundError(req->case_());
      CLINIC_ASSIGN_OR_RETURN(erased, intake::EraseCaseRecords(c, *kase));
      return absl::OkStatus();
    }));
    for (const std::string& id : erased.removed_people) matcher_->Remove(id);
    for (const std::string& client : erased.erased_clients) {
      AuditResource(ctx, client);
      resp->add_erased_clients(client);
    }
    for (const std::string& client : erased.kept_clients)
      resp->add_kept_clients(client);
    resp->set_conflict_checks_erased(erased.conflict_checks_erased);
    resp->set_conflict_checks_redacted(erased.conflict_checks_redacted);
    FlushErased(*db_);
    return absl::OkStatus();
  });
}

}  // namespace clinic
