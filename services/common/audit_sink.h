// Where the security interceptor sends audit events. Append blocks until the
// event is durably committed (the audit log batches concurrent appends into one
// transaction), so a request is answered only once its audit event is safe; an
// error means the request must fail (fail closed).
//
// AuditSinkRouter sends to the audit log in this process when the audit service
// is hosted here, and otherwise to the remote AuditService over gRPC (mutual
// TLS).
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_AUDIT_SINK_H_
#define CLINIC_SERVICES_COMMON_AUDIT_SINK_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "clinic/v1/audit.pb.h"
#include "grpcpp/channel.h"

namespace clinic {

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Durably appends `event` (sequence, time and hashes are assigned by the
  // log). UNAVAILABLE (or the storage error) when it cannot be recorded.
  virtual absl::Status Append(v1::AuditEvent event) = 0;
  // Events accepted but not yet durable (0 when not known here, e.g. a remote
  // audit service).
  virtual int64_t QueueDepth() { return 0; }
};

class AuditSinkRouter : public AuditSink {
 public:
  // `remote` reaches the audit service when it is not hosted here.
  explicit AuditSinkRouter(
      std::function<std::shared_ptr<grpc::Channel>()> remote)
      : remote_(std::move(remote)) {}

  // The co-hosted audit log installs itself (and removes itself with nullptr).
  void SetLocal(AuditSink* local);

  absl::Status Append(v1::AuditEvent event) override;
  // The co-hosted log's queue; 0 when the audit service runs elsewhere.
  int64_t QueueDepth() override;

 private:
  const std::function<std::shared_ptr<grpc::Channel>()> remote_;
  absl::Mutex mu_;
  AuditSink* local_ ABSL_GUARDED_BY(mu_) = nullptr;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_AUDIT_SINK_H_
