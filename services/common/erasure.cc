#include "services/common/erasure.h"

#include "base/log.h"
#include "base/status_macros.h"
#include "services/common/call_context.h"
#include "services/common/case_access.h"
#include "services/common/validation.h"

namespace clinic {

void FlushErased(storage::Database& db) {
  absl::Status flushed = db.Checkpoint();
  if (!flushed.ok()) {
    log::Warning("write-ahead log not checkpointed after an erasure",
                 {{"reason", std::string(flushed.message())}});
  }
}

absl::Status ForgetCaseRecords(
    const grpc::ServerContextBase* ctx, const v1::ForgetCaseRequest& req,
    storage::Database& db,
    const std::function<absl::StatusOr<int>(storage::Connection&,
                                            const std::string& case_id)>& erase,
    v1::ForgetCaseResponse* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateCaseName(req.case_(), "case"));
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 5, 1000, true));
  AuditReason(ctx, req.reason());
  AuditResource(ctx, req.case_());
  const std::string case_id = ResourceId(req.case_());
  int records = 0;
  CLINIC_RETURN_IF_ERROR(db.Write([&](storage::Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(records, erase(c, case_id));
    return absl::OkStatus();
  }));
  FlushErased(db);
  resp->set_records(records);
  return absl::OkStatus();
}

}  // namespace clinic
