// The framework's ceiling, for benchmarks: a gRPC server with the clinic
// server's certificate and key (the same TLS settings) that answers
// grpc.health.v1.Health/Check trivially, with nothing else (no interceptors,
// no authentication, no storage).
#ifndef CLINIC_TESTS_BENCH_BARE_SERVER_H_
#define CLINIC_TESTS_BENCH_BARE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/server.h"

namespace clinic {
namespace bench {

class BareServer {
 public:
  // Listens on an ephemeral loopback port with the certificate in `tls_dir`
  // (a data directory's tls/ folder).
  static absl::StatusOr<std::unique_ptr<BareServer>> Start(
      const std::string& tls_dir);
  ~BareServer();

  int port() const { return port_; }

 private:
  class TrivialHealth final : public grpc::health::v1::Health::Service {
    grpc::Status Check(
        grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
        grpc::health::v1::HealthCheckResponse* response) override;
  };
  BareServer() = default;

  TrivialHealth health_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace bench
}  // namespace clinic

#endif  // CLINIC_TESTS_BENCH_BARE_SERVER_H_
