// What a service is to the server that hosts it, and what the host gives each
// service.
//
// Every service (auth, intake, ...) is a library exposing a ServiceDefinition.
// The all-in-one `clinicd` hosts any set of them in one process; each service's
// own binary hosts one. The host builds a ServiceContext, calls `create`,
// registers the returned gRPC service, and at shutdown stops the server
// (in-flight calls finish), calls Shutdown(), then destroys the service
// (closing its database).
#ifndef CLINIC_SERVICES_COMMON_SERVICE_H_
#define CLINIC_SERVICES_COMMON_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "clinic/v1/config.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "services/common/audit_sink.h"
#include "services/common/case_access.h"
#include "services/common/data_dir.h"
#include "services/common/token_verifier.h"
#include "storage/database.h"
#include "storage/keyring.h"

namespace clinic {

// A running service instance.
class HostedService {
 public:
  virtual ~HostedService() = default;
  // The gRPC service to register; owned by this object.
  virtual grpc::Service* grpc_service() = 0;
  // Called when shutdown begins, before in-flight calls are awaited: end
  // long-lived streams (watches) here so that shutdown does not wait for them.
  virtual void BeginShutdown() {}
  // Called once the server no longer accepts calls and in-flight calls have
  // finished.
  virtual void Shutdown() {}
};

// Resources the host provides to services. Thread-safe; outlives every service.
class ServiceContext {
 public:
  virtual ~ServiceContext() = default;

  virtual const v1::ServerConfig& config() const = 0;
  virtual const DataDir& data_dir() const = 0;
  virtual const storage::Keyring& keyring() const = 0;
  virtual const Clock* clock() const = 0;

  // Opens <data_dir>/db/<service>.db with the service's derived key and applies
  // `migrations`.
  virtual absl::StatusOr<std::unique_ptr<storage::Database>> OpenDatabase(
      absl::string_view service,
      std::vector<storage::Migration> migrations) const = 0;

  // A channel to `service` ("intake", "deadline", ...): in-process when this
  // process hosts it, otherwise the configured peer over mutual TLS. Callable
  // only while serving (from RPC handlers or background work), not from a
  // ServiceDefinition's `create`. UNAVAILABLE-returning channel if the service
  // is neither hosted nor configured.
  virtual std::shared_ptr<grpc::Channel> ChannelTo(
      absl::string_view service) const = 0;

  // True if this process hosts `service`.
  virtual bool Hosts(absl::string_view service) const = 0;

  // Process-wide security components, shared by every hosted service and the
  // security interceptor. A co-hosted auth service feeds the verifier its keys
  // and revocations; a co-hosted audit service installs its log into the sink.
  virtual TokenVerifier& token_verifier() const = 0;
  virtual AuditSinkRouter& audit_sink() const = 0;
  virtual CaseAccess& case_access() const = 0;
};

struct ServiceDefinition {
  // Short name used in --services and peers: "intake".
  std::string name;
  // Full protobuf service name for health checks: "clinic.v1.IntakeService".
  std::string full_name;
  std::function<absl::StatusOr<std::unique_ptr<HostedService>>(ServiceContext&)>
      create;
  // Optional. Run by `init` after the data directory exists (e.g. to create the
  // first administrator). May append lines for the operator to
  // `operator_notes`; those are printed once and never logged. When unset,
  // `init` creates the service once (which creates its database) and destroys
  // it.
  std::function<absl::Status(ServiceContext&, std::string* operator_notes)>
      initialize;
};

// A HostedService that only wraps a gRPC service object it owns.
template <typename GrpcService>
class SimpleHostedService : public HostedService {
 public:
  explicit SimpleHostedService(std::unique_ptr<GrpcService> service)
      : service_(std::move(service)) {}
  grpc::Service* grpc_service() override { return service_.get(); }
  GrpcService* impl() { return service_.get(); }

 private:
  std::unique_ptr<GrpcService> service_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_SERVICE_H_
