#include "tests/testing/test_server.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/grpc_status.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/common/config.h"
#include "services/common/data_dir.h"
#include "services/common/tls.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace testing {

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(Options options) {
  std::unique_ptr<TestServer> server(new TestServer());
  server->options_ = std::move(options);
  server->data_dir_ = NewTempDir("server");
  v1::ServerConfig& config = server->options_.config;
  config.set_data_dir(server->data_dir_);
  config.set_listen_address("127.0.0.1:0");
  // Cheap password hashing keeps tests fast; production defaults are far
  // higher.
  if (config.auth().scrypt_log2_n() == 0)
    config.mutable_auth()->set_scrypt_log2_n(10);
  // Tests call as fast as the machine allows from one address; the per-peer
  // rate limit (200/s by default) is tested where a test sets it.
  v1::LimitsConfig* limits = config.mutable_limits();
  if (limits->requests_per_second_per_peer() == 0)
    limits->set_requests_per_second_per_peer(1000000);
  if (limits->request_burst_per_peer() == 0)
    limits->set_request_burst_per_peer(1000000);
  ApplyConfigDefaults(&config);
  CLINIC_RETURN_IF_ERROR(ValidateConfig(config));
  CLINIC_RETURN_IF_ERROR(DataDir(server->data_dir_).Initialize({}));

  // `clinicd init`: creates the first administrator and reports its one-time
  // password.
  std::string notes;
  {
    CLINIC_ASSIGN_OR_RETURN(auto offline,
                            NewOfflineServiceContext(config, &server->clock_));
    for (const ServiceDefinition& def : server->options_.services) {
      if (def.initialize)
        CLINIC_RETURN_IF_ERROR(def.initialize(*offline, &notes));
    }
  }
  CLINIC_RETURN_IF_ERROR(server->StartHost());

  size_t at = notes.find("one-time password: ");
  if (at == std::string::npos) {
    return absl::FailedPreconditionError("no administrator was bootstrapped");
  }
  std::string otp(absl::StripAsciiWhitespace(
      notes.substr(at + 19, notes.find('\n', at) - at - 19)));
  CLINIC_ASSIGN_OR_RETURN(server->admin_token_,
                          FirstSignIn(server->channel_, "admin", otp));
  return server;
}

TestServer::~TestServer() {
  if (host_ != nullptr) host_->Shutdown(absl::Seconds(5));
}

absl::Status TestServer::StartHost() {
  ServerHost::Options host_options;
  host_options.config = options_.config;
  host_options.services = options_.services;
  host_options.clock = &clock_;
  host_options.audit_enabled = options_.audit_enabled;
  CLINIC_ASSIGN_OR_RETURN(host_, ServerHost::Start(std::move(host_options)));
  CLINIC_ASSIGN_OR_RETURN(
      std::string ca, storage::ReadFile(data_dir_ + "/tls/ca.crt", 1 << 20));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  channel_ = grpc::CreateCustomChannel(
      address(), MakeChannelCredentials(ca, nullptr), args);
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() +
                                  std::chrono::seconds(10))) {
    return absl::UnavailableError(
        "the test server did not accept a TLS connection");
  }
  return absl::OkStatus();
}

absl::Status TestServer::Restart() {
  host_->Shutdown(absl::Seconds(5));
  host_.reset();
  return StartHost();
}

std::string TestServer::address() const {
  return absl::StrCat("127.0.0.1:", host_->port());
}

absl::StatusOr<v1::LoginResponse> TestServer::Login(
    const std::string& username, const std::string& password) {
  return LogIn(channel_, username, password);
}

absl::StatusOr<std::string> TestServer::CreateUser(
    const std::string& username, std::vector<v1::Role> roles) {
  return CreateUserAndSignIn(channel_, admin_token_, username, roles);
}

std::unique_ptr<grpc::ClientContext> TestServer::Context(
    const std::string& token) const {
  return TokenContext(token);
}

}  // namespace testing
}  // namespace clinic
