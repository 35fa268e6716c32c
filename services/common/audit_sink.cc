#include "services/common/audit_sink.h"

#include <chrono>

#include "base/grpc_status.h"
#include "clinic/v1/audit.grpc.pb.h"

namespace clinic {

void AuditSinkRouter::SetLocal(AuditSink* local) {
  absl::MutexLock lock(&mu_);
  local_ = local;
}

int64_t AuditSinkRouter::QueueDepth() {
  AuditSink* local;
  {
    absl::MutexLock lock(&mu_);
    local = local_;
  }
  return local != nullptr ? local->QueueDepth() : 0;
}

absl::Status AuditSinkRouter::Append(v1::AuditEvent event) {
  AuditSink* local;
  {
    absl::MutexLock lock(&mu_);
    local = local_;
  }
  // The local log outlives every call that can reach here: services are
  // destroyed only after the server has stopped.
  if (local != nullptr) return local->Append(std::move(event));
  if (!remote_) {
    return absl::UnavailableError("no audit log is configured for this server");
  }
  v1::AuditService::Stub stub(remote_());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  v1::AppendAuditEventsRequest request;
  *request.add_events() = std::move(event);
  v1::AppendAuditEventsResponse response;
  grpc::Status status = stub.AppendAuditEvents(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(
        "the audit service could not record the request (" +
        status.error_message() + ")");
  }
  return absl::OkStatus();
}

}  // namespace clinic
