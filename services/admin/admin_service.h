// AdminService: see protos/clinic/v1/admin.proto for the API.
//
// The gRPC adapter: checks the interceptor's decision, names the resources a
// call touched for its audit event, and delegates:
//   GetServerStatus    sizes and schema versions from the data directory, RPC
//                      counters from services/common/metrics.h;
//   CreateBackup       backup.h (consistent online snapshot, encrypted signed
//                      archive streamed with progress; one at a time);
//   RunRetentionSweep  retention.h, over the owning services' internal RPCs
//                      (retention_runner.h); the hosted service also runs it
//                      every retention.sweep_interval.
// When config.metrics.listen_address is set, the hosted service also serves
// the Prometheus text endpoint (metrics_http.h) and writes its port to
// <data_dir>/run/metrics.port. Nothing it returns identifies a client.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_ADMIN_ADMIN_SERVICE_H_
#define CLINIC_SERVICES_ADMIN_ADMIN_SERVICE_H_

#include <atomic>
#include <string>

#include "absl/time/time.h"
#include "clinic/v1/admin.grpc.pb.h"
#include "services/common/service.h"

namespace clinic {

// The version string servers report (status, backup manifests).
inline constexpr char kClinicServerVersion[] = "clinic-server 0.1";

// How a server hosts the admin service.
ServiceDefinition AdminServiceDefinition();

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // `context` outlives the service.
  explicit AdminServiceImpl(const ServiceContext* context);

  grpc::Status GetServerStatus(grpc::ServerContext* ctx,
                               const v1::GetServerStatusRequest* req,
                               v1::ServerStatus* resp) override;
  grpc::Status CreateBackup(
      grpc::ServerContext* ctx, const v1::CreateBackupRequest* req,
      grpc::ServerWriter<v1::CreateBackupResponse>* writer) override;
  grpc::Status RunRetentionSweep(grpc::ServerContext* ctx,
                                 const v1::RunRetentionSweepRequest* req,
                                 v1::RunRetentionSweepResponse* resp) override;

  // Fills `status` from the data directory (sizes, schema versions, audit
  // chain length) and the server's RPC metrics (services/common/metrics.h).
  absl::Status CollectStatus(v1::ServerStatus* status) const;

  // The Prometheus text exposition of the status and the RPC metrics.
  std::string PrometheusText() const;

 private:
  const ServiceContext* const context_;
  const absl::Time start_time_;
  // One backup at a time: each needs disk space for its snapshots.
  std::atomic<bool> backup_running_{false};
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_ADMIN_SERVICE_H_
