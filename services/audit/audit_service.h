// AuditService: queries, signed exports and verification of the audit log, and
// the internal append endpoint other processes' security interceptors use. See
// protos/clinic/v1/audit.proto. Thread-safe.
#ifndef CLINIC_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define CLINIC_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include <memory>

#include "clinic/v1/audit.grpc.pb.h"
#include "services/audit/audit_log.h"
#include "services/common/service.h"

namespace clinic {

// How a server hosts the audit service.
ServiceDefinition AuditServiceDefinition();

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(AuditLog* log, const Clock* clock)
      : log_(log), clock_(clock) {}

  grpc::Status ListAuditEvents(grpc::ServerContext* ctx,
                               const v1::ListAuditEventsRequest* req,
                               v1::ListAuditEventsResponse* resp) override;
  grpc::Status ExportAudit(
      grpc::ServerContext* ctx, const v1::ExportAuditRequest* req,
      grpc::ServerWriter<v1::ExportAuditResponse>* writer) override;
  grpc::Status VerifyChain(grpc::ServerContext* ctx,
                           const v1::VerifyChainRequest* req,
                           v1::VerifyChainResponse* resp) override;
  grpc::Status GetAuditPublicKey(grpc::ServerContext* ctx,
                                 const v1::GetAuditPublicKeyRequest* req,
                                 v1::GetAuditPublicKeyResponse* resp) override;
  grpc::Status AppendAuditEvents(grpc::ServerContext* ctx,
                                 const v1::AppendAuditEventsRequest* req,
                                 v1::AppendAuditEventsResponse* resp) override;

 private:
  AuditLog* const log_;
  const Clock* const clock_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUDIT_AUDIT_SERVICE_H_
