// Erasing records for good (the retention sweep, document deletion): the
// databases run with secure_delete, so freed pages are zeroed in the file, but
// the write-ahead log keeps the old pages until a checkpoint; FlushErased
// forces one.
//
// ForgetCaseRecords is the whole ForgetCase RPC of a service that keeps records
// of cases (deadlines, hearings): validation, audit, one transaction, flush.
#ifndef CLINIC_SERVICES_COMMON_ERASURE_H_
#define CLINIC_SERVICES_COMMON_ERASURE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "clinic/v1/common.pb.h"
#include "grpcpp/server_context.h"
#include "storage/database.h"

namespace clinic {

// Checkpoints `db` after an erasure; a failure is logged (the next checkpoint
// flushes the pages) and not returned, since the erasure itself committed.
void FlushErased(storage::Database& db);

// Validates `req` (case name, reason 5..1000 characters), records both in the
// call's audit event, runs `erase(connection, case_id)` in one write
// transaction, flushes, and reports the count it returned.
absl::Status ForgetCaseRecords(
    const grpc::ServerContextBase* ctx, const v1::ForgetCaseRequest& req,
    storage::Database& db,
    const std::function<absl::StatusOr<int>(storage::Connection&,
                                            const std::string& case_id)>& erase,
    v1::ForgetCaseResponse* resp);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_ERASURE_H_
