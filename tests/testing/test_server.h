// An in-process clinic server for tests: a fresh data directory, the chosen
// services on an ephemeral loopback port with real TLS, a fake clock, the first
// administrator bootstrapped (password already changed), and helpers to create
// staff and call as them.
//
//   auto server = TestServer::Start({.services = {AuditServiceDefinition(),
//                                                 AuthServiceDefinition(),
//                                                 ...}});
//   auto lawyer = (*server)->CreateUser("lena", {v1::ROLE_LAWYER});
//   auto ctx = (*server)->Context(*lawyer);
//   v1::IntakeService::Stub stub((*server)->channel());
//
// Tests only. Thread-safe for calls; Start/Restart from the test thread.
#ifndef CLINIC_TESTS_TESTING_TEST_SERVER_H_
#define CLINIC_TESTS_TESTING_TEST_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/common/server_host.h"
#include "services/common/service.h"
#include "tests/testing/accounts.h"

namespace clinic {
namespace testing {

class TestServer {
 public:
  struct Options {
    // Must include audit and auth (every call is authenticated and audited).
    std::vector<ServiceDefinition> services;
    bool audit_enabled = true;
    // Extra configuration, applied before defaults (e.g. document limits).
    v1::ServerConfig config;
  };

  static absl::StatusOr<std::unique_ptr<TestServer>> Start(Options options);
  ~TestServer();

  FakeClock& clock() { return clock_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string address() const;
  ServerHost& host() { return *host_; }
  // A TLS channel to the server (verifying it with the clinic CA).
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // The bootstrap administrator's access token.
  const std::string& admin_token() const { return admin_token_; }

  // Creates `username` with `roles` (as the administrator), sets kTestPassword,
  // and returns an access token of a fresh session.
  absl::StatusOr<std::string> CreateUser(const std::string& username,
                                         std::vector<v1::Role> roles);

  // Logs in with a password; the full response.
  absl::StatusOr<v1::LoginResponse> Login(const std::string& username,
                                          const std::string& password);

  // A context carrying `token` (empty: none) with a 10 s deadline.
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) const;

  // Stops the server and starts it again on the same data directory and
  // port-less address (a new port); tokens stay valid (same signing key).
  // Channels must be re-fetched.
  absl::Status Restart();

 private:
  TestServer() : clock_(absl::FromUnixSeconds(1795000000)) {}
  absl::Status StartHost();

  Options options_;
  FakeClock clock_;
  std::string data_dir_;
  std::unique_ptr<ServerHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string admin_token_;
};

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_TEST_SERVER_H_
