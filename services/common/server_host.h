// Hosts a set of services on one gRPC server: TLS (or, for development on
// loopback only, plaintext), the grpc.health.v1 health service, optional
// reflection, interceptors, message size, per-peer rate and stream limits,
// in-process channels between co-hosted services, and graceful shutdown. Used
// by `clinicd`, by each single-service binary, and by in-process tests.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_SERVER_HOST_H_
#define CLINIC_SERVICES_COMMON_SERVER_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "clinic/v1/config.pb.h"
#include "grpcpp/server.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/common/call_gate.h"
#include "services/common/data_dir.h"
#include "services/common/rate_limiter.h"
#include "services/common/service.h"

namespace clinic {

class HostContext;

class ServerHost {
 public:
  using InterceptorFactories = std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>;

  struct Options {
    // Defaults applied and validated (see config.h).
    v1::ServerConfig config;
    // The services to host (their names must be in config.services, or it is
    // empty).
    std::vector<ServiceDefinition> services;
    const Clock* clock = Clock::Real();
    // Builds further interceptors (metrics, ...) that calls pass through after
    // the security interceptor, which is always first. Called once, after the
    // services are created.
    std::function<absl::StatusOr<InterceptorFactories>(ServiceContext&)>
        interceptors;
    // Benchmarks only: serve with the audit step of the security interceptor
    // turned off.
    bool audit_enabled = true;
  };

  // Loads the keyring and TLS material from the data directory, creates the
  // services, binds the listen address and starts serving. Errors name what is
  // wrong (missing data directory, wrong key, address in use, ...).
  static absl::StatusOr<std::unique_ptr<ServerHost>> Start(Options options);

  // Shuts down (with a 10 s grace period) if Shutdown was not called.
  ~ServerHost();

  // The bound port (useful with port 0).
  int port() const { return port_; }

  // Stops accepting calls, lets in-flight calls finish for up to `grace` (then
  // cancels them), shuts the services down and closes their databases.
  // Idempotent.
  void Shutdown(absl::Duration grace);

  // A channel into this server that skips the network (and TLS). For co-hosted
  // services and tests.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  ServiceContext& context();

 private:
  ServerHost() = default;

  // Held while serving, so offline maintenance cannot run underneath.
  std::unique_ptr<DataDirLock> data_dir_lock_;
  std::unique_ptr<HostContext> context_;
  // Per-peer request limits (config limits.*_per_peer); outlives server_.
  std::unique_ptr<PeerRateLimiter> rate_limiter_;
  // Clinic calls under way; drained before gRPC shuts down (call_gate.h).
  CallGate call_gate_;
  std::vector<std::unique_ptr<HostedService>> services_;
  std::vector<std::string> full_names_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

// A ServiceContext for work done without serving (`init`, offline tools): same
// data directory, keyring and databases; ChannelTo answers with channels that
// never connect.
absl::StatusOr<std::unique_ptr<ServiceContext>> NewOfflineServiceContext(
    const v1::ServerConfig& config, const Clock* clock);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_SERVER_HOST_H_
