#include "tests/bench/bare_server.h"

#include "base/status_macros.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"
#include "services/common/server_resources.h"
#include "services/common/tls.h"

namespace clinic {
namespace bench {

grpc::Status BareServer::TrivialHealth::Check(
    grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
    grpc::health::v1::HealthCheckResponse* response) {
  response->set_status(grpc::health::v1::HealthCheckResponse::SERVING);
  return grpc::Status::OK;
}

absl::StatusOr<std::unique_ptr<BareServer>> BareServer::Start(
    const std::string& tls_dir) {
  CLINIC_ASSIGN_OR_RETURN(auto credentials,
                          LoadServerCredentials(TlsFiles(tls_dir), false));
  std::unique_ptr<BareServer> bare(new BareServer());
  // Only the trivial health service: not gRPC's default one as well.
  grpc::EnableDefaultHealthCheckService(false);
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", credentials, &bare->port_);
  builder.RegisterService(&bare->health_);
  ConfigureServerResources(builder);
  bare->server_ = builder.BuildAndStart();
  if (bare->server_ == nullptr || bare->port_ == 0) {
    return absl::UnavailableError("the bare gRPC server did not start");
  }
  return bare;
}

BareServer::~BareServer() {
  if (server_ != nullptr) server_->Shutdown();
}

}  // namespace bench
}  // namespace clinic
