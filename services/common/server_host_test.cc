// The server host in-process: TLS and mutual TLS, health, graceful shutdown.
#include "services/common/server_host.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "clients/clinic_client.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/common/config.h"
#include "services/common/data_dir.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace {

// A service whose one (public) method takes a while, to observe in-flight calls
// at shutdown.
class SlowService : public v1::AuthService::Service {
 public:
  grpc::Status GetVerificationKeys(
      grpc::ServerContext*, const v1::GetVerificationKeysRequest*,
      v1::GetVerificationKeysResponse* response) override {
    started.Notify();
    absl::SleepFor(absl::Milliseconds(500));
    response->add_keys()->set_key_id("slow");
    return grpc::Status::OK;
  }
  absl::Notification started;
};

class ServerHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::NewTempDir("host");
    ASSERT_TRUE(DataDir(dir_).Initialize({}).ok());
  }

  absl::StatusOr<std::unique_ptr<ServerHost>> StartHost(bool mutual_tls) {
    ServerHost::Options options;
    options.config.set_data_dir(dir_);
    options.config.set_listen_address("127.0.0.1:0");
    options.config.mutable_tls()->set_require_client_certificate(mutual_tls);
    ApplyConfigDefaults(&options.config);
    ServiceDefinition def;
    def.name = "auth";
    def.full_name = "clinic.v1.AuthService";
    def.create =
        [this](
            ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
      auto service = std::make_unique<SlowService>();
      slow_ = service.get();
      return std::make_unique<SimpleHostedService<SlowService>>(
          std::move(service));
    };
    options.services.push_back(def);
    return ServerHost::Start(std::move(options));
  }

  ConnectOptions Connection(const ServerHost& host) {
    ConnectOptions options;
    options.address = "127.0.0.1:" + std::to_string(host.port());
    options.ca_certificate_file = dir_ + "/tls/ca.crt";
    options.connect_timeout = absl::Seconds(3);
    return options;
  }

  std::string dir_;
  SlowService* slow_ = nullptr;
};

TEST_F(ServerHostTest, ServesHealthOverTls) {
  auto host = StartHost(false);
  ASSERT_TRUE(host.ok()) << host.status();
  auto client = ClinicClient::Connect(Connection(**host));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE(*(*client)->CheckHealth());
  EXPECT_TRUE(*(*client)->CheckHealth("clinic.v1.AuthService"));
}

TEST_F(ServerHostTest, MutualTlsRequiresAClientCertificateFromTheClinicCa) {
  auto host = StartHost(true);
  ASSERT_TRUE(host.ok()) << host.status();
  ConnectOptions anonymous = Connection(**host);
  EXPECT_EQ(ClinicClient::Connect(anonymous).status().code(),
            absl::StatusCode::kUnavailable);

  ConnectOptions with_cert = Connection(**host);
  with_cert.client_certificate_file = dir_ + "/tls/client.crt";
  with_cert.client_key_file = dir_ + "/tls/client.key";
  auto client = ClinicClient::Connect(with_cert);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE(*(*client)->CheckHealth());

  // A certificate from another clinic's CA is refused.
  std::string other = testing::NewTempDir("other");
  ASSERT_TRUE(DataDir(other).Initialize({}).ok());
  ConnectOptions foreign = Connection(**host);
  foreign.client_certificate_file = other + "/tls/client.crt";
  foreign.client_key_file = other + "/tls/client.key";
  EXPECT_EQ(ClinicClient::Connect(foreign).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ServerHostTest, ShutdownLetsInFlightCallsFinish) {
  auto host = StartHost(false);
  ASSERT_TRUE(host.ok()) << host.status();
  // Without the client's retries, so that the refusal after shutdown is seen
  // as the server gives it.
  ConnectOptions options = Connection(**host);
  options.retry_reads = false;
  auto client = ClinicClient::Connect(options);
  ASSERT_TRUE(client.ok());
  v1::AuthService::Stub stub((*client)->channel());
  grpc::Status in_flight;
  v1::GetVerificationKeysResponse response;
  std::thread caller([&] {
    auto ctx = (*client)->NewContext();
    in_flight = stub.GetVerificationKeys(ctx.get(), {}, &response);
  });
  slow_->started.WaitForNotification();
  (*host)->Shutdown(absl::Seconds(5));
  caller.join();
  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  ASSERT_EQ(response.keys_size(), 1);
  EXPECT_EQ(response.keys(0).key_id(), "slow");

  auto ctx = (*client)->NewContext(absl::Seconds(1));
  grpc::Status after = stub.GetVerificationKeys(ctx.get(), {}, &response);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerHostTest, RefusesADataDirectoryOpenToOthers) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  auto host = StartHost(false);
  EXPECT_EQ(host.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(host.status().message().find("chmod 700"), absl::string_view::npos);
}

TEST_F(ServerHostTest, AddressInUseIsAClearError) {
  auto first = StartHost(false);
  ASSERT_TRUE(first.ok());
  ServerHost::Options options;
  options.config.set_data_dir(dir_);
  options.config.set_listen_address("127.0.0.1:" +
                                    std::to_string((*first)->port()));
  ApplyConfigDefaults(&options.config);
  auto second = ServerHost::Start(std::move(options));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace clinic
