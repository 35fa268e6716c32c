// End to end: the real clinicd binary, initialised in a temporary data
// directory, serving on an ephemeral loopback port, reached through the client
// library and clinicctl over TLS.
#include <signal.h>

#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/clinic_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ClinicdEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::NewTempDir("clinicd-e2e"));
    data_dir_ = new std::string(storage::JoinPath(*dir_, "data"));
    auto init = testing::Run({Clinicd(), "init", "--data_dir", *data_dir_});
    ASSERT_TRUE(init.ok()) << init.status();
    ASSERT_EQ(init->exit_code, 0) << init->output;
    std::string port_file = storage::JoinPath(*dir_, "port");
    auto server = testing::Subprocess::Start(
        {Clinicd(), "serve", "--data_dir", *data_dir_, "--listen",
         "127.0.0.1:0", "--port_file", port_file},
        storage::JoinPath(*dir_, "server.log"));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    auto port = testing::WaitForFile(port_file, absl::Seconds(30), server_);
    ASSERT_TRUE(port.ok()) << port.status();
    address_ = new std::string(
        absl::StrCat("127.0.0.1:", absl::StripAsciiWhitespace(*port)));
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static std::string Clinicd() {
    return testing::RunfilePath("services/clinicd/clinicd");
  }
  static std::string Clinicctl() {
    return testing::RunfilePath("clients/clinicctl/clinicctl");
  }
  static std::string CaFile() {
    return storage::JoinPath(*data_dir_, "tls/ca.crt");
  }

  static std::string* dir_;
  static std::string* data_dir_;
  static std::string* address_;
  static testing::Subprocess* server_;
};

std::string* ClinicdEndToEndTest::dir_ = nullptr;
std::string* ClinicdEndToEndTest::data_dir_ = nullptr;
std::string* ClinicdEndToEndTest::address_ = nullptr;
testing::Subprocess* ClinicdEndToEndTest::server_ = nullptr;

TEST_F(ClinicdEndToEndTest, HealthIsServingOverVerifiedTls) {
  ConnectOptions options;
  options.address = *address_;
  options.ca_certificate_file = CaFile();
  auto client = ClinicClient::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  auto serving = (*client)->CheckHealth();
  ASSERT_TRUE(serving.ok()) << serving.status();
  EXPECT_TRUE(*serving);
  for (const char* service :
       {"clinic.v1.AuthService", "clinic.v1.IntakeService",
        "clinic.v1.DeadlineService", "clinic.v1.DocumentService",
        "clinic.v1.HearingService", "clinic.v1.AuditService",
        "clinic.v1.AdminService"}) {
    auto one = (*client)->CheckHealth(service);
    ASSERT_TRUE(one.ok()) << service << ": " << one.status();
    EXPECT_TRUE(*one) << service;
  }
  EXPECT_EQ((*client)->CheckHealth("clinic.v1.NoSuchService").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ClinicdEndToEndTest, ClientThatDoesNotTrustTheClinicCaIsRefused) {
  ConnectOptions options;
  options.address = *address_;
  options.connect_timeout = absl::Seconds(2);
  // The system's public roots do not vouch for a clinic's own CA.
  options.ca_certificate_file = "/etc/ssl/certs/ca-certificates.crt";
  if (!storage::PathExists(options.ca_certificate_file)) {
    // A different clinic's CA serves the same purpose.
    std::string other = testing::NewTempDir("other-clinic");
    auto init =
        testing::Run({Clinicd(), "init", "--data_dir", other + "/data"});
    ASSERT_TRUE(init.ok() && init->exit_code == 0);
    options.ca_certificate_file = other + "/data/tls/ca.crt";
  }
  auto client = ClinicClient::Connect(options);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ClinicdEndToEndTest, PlaintextClientIsRefused) {
  ConnectOptions options;
  options.address = *address_;
  options.dev_plaintext = true;
  options.connect_timeout = absl::Seconds(2);
  auto client = ClinicClient::Connect(options);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(ClinicdEndToEndTest, ClinicctlHealthPrintsServing) {
  auto run = testing::Run(
      {Clinicctl(), "--server", *address_, "--ca", CaFile(), "health"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 0) << run->output;
  EXPECT_THAT(run->output, HasSubstr("SERVING"));

  auto json = testing::Run({Clinicctl(), "--server", *address_, "--ca",
                            CaFile(), "health", "--json"});
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->exit_code, 0) << json->output;
  EXPECT_THAT(json->output, HasSubstr("{\"status\":\"SERVING\"}"));
}

TEST_F(ClinicdEndToEndTest, ClinicctlExplainsAnUnreachableServer) {
  auto run = testing::Run({Clinicctl(), "--server", "127.0.0.1:1", "--ca",
                           CaFile(), "--timeout", "1", "health"});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_THAT(run->output, HasSubstr("cannot connect to the clinic server"));
  EXPECT_THAT(run->output, Not(HasSubstr("ssl_transport_security")));
}

TEST_F(ClinicdEndToEndTest, EveryCommandHasHelp) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{Clinicctl(), "--help"},
        {Clinicctl(), "health", "--help"},
        {Clinicd(), "--help"},
        {Clinicd(), "serve", "--help"},
        {Clinicd(), "init", "--help"}}) {
    auto run = testing::Run(args);
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->exit_code, 0) << args[1] << "\n" << run->output;
    EXPECT_THAT(run->output, HasSubstr("Usage:"));
  }
}

TEST_F(ClinicdEndToEndTest, SecondInitKeepsKeysAndCertificates) {
  auto key_before =
      storage::ReadFile(storage::JoinPath(*data_dir_, "master.key"));
  auto ca_before = storage::ReadFile(CaFile());
  auto init = testing::Run({Clinicd(), "init", "--data_dir", *data_dir_});
  ASSERT_TRUE(init.ok());
  EXPECT_EQ(init->exit_code, 0) << init->output;
  EXPECT_EQ(*storage::ReadFile(storage::JoinPath(*data_dir_, "master.key")),
            *key_before);
  EXPECT_EQ(*storage::ReadFile(CaFile()), *ca_before);
}

TEST_F(ClinicdEndToEndTest, ServeRefusesAMissingDataDirectoryWithAHint) {
  auto run = testing::Run({Clinicd(), "serve", "--data_dir", *dir_ + "/nowhere",
                           "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_THAT(run->output, HasSubstr("clinicd init --data_dir"));
}

TEST_F(ClinicdEndToEndTest, PlaintextIsRefusedOffLoopback) {
  auto run = testing::Run({Clinicd(), "serve", "--data_dir", *data_dir_,
                           "--listen", "0.0.0.0:0", "--dev_plaintext"});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->exit_code, 1);
  EXPECT_THAT(run->output, HasSubstr("only on a loopback address"));
}

// Runs last (gtest keeps declaration order): stops the shared server.
TEST_F(ClinicdEndToEndTest, ZzSigtermShutsDownCleanly) {
  server_->Signal(SIGTERM);
  auto code = server_->Wait(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << server_->Log();
  EXPECT_THAT(server_->Log(), HasSubstr("\"msg\":\"stopped\""));
}

}  // namespace
}  // namespace clinic
