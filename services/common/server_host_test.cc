// The server host in-process: TLS and mutual TLS, health, graceful shutdown.
#include "services/common/server_host.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "clients/clinic_client.h"
#include "clinic/v1/admin.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/common/config.h"
#include "services/common/data_dir.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace {

// A service whose one method takes a while, to observe in-flight calls at
// shutdown.
class SlowAdminService : public v1::AdminService::Service {
 public:
  grpc::Status GetServerStatus(grpc::ServerContext*,
                               const v1::GetServerStatusRequest*,
                               v1::ServerStatus* response) override {
    started.Notify();
    absl::SleepFor(absl::Milliseconds(500));
    response->set_version("slow");
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
    def.name = "admin";
    def.full_name = "clinic.v1.AdminService";
    def.create =
        [this](
            ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
      auto service = std::make_unique<SlowAdminService>();
      slow_ = service.get();
      return std::make_unique<SimpleHostedService<SlowAdminService>>(
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
  SlowAdminService* slow_ = nullptr;
};

TEST_F(ServerHostTest, ServesHealthOverTls) {
  auto host = StartHost(false);
  ASSERT_TRUE(host.ok()) << host.status();
  auto client = ClinicClient::Connect(Connection(**host));
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_TRUE(*(*client)->CheckHealth());
  EXPECT_TRUE(*(*client)->CheckHealth("clinic.v1.AdminService"));
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
  auto client = ClinicClient::Connect(Connection(**host));
  ASSERT_TRUE(client.ok());
  v1::AdminService::Stub stub((*client)->channel());
  grpc::Status in_flight;
  v1::ServerStatus response;
  std::thread caller([&] {
    auto ctx = (*client)->NewContext();
    in_flight = stub.GetServerStatus(ctx.get(), v1::GetServerStatusRequest(),
                                     &response);
  });
  slow_->started.WaitForNotification();
  (*host)->Shutdown(absl::Seconds(5));
  caller.join();
  EXPECT_TRUE(in_flight.ok()) << in_flight.error_message();
  EXPECT_EQ(response.version(), "slow");

  auto ctx = (*client)->NewContext(absl::Seconds(1));
  grpc::Status after =
      stub.GetServerStatus(ctx.get(), v1::GetServerStatusRequest(), &response);
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
