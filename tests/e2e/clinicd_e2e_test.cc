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
    size_t at = init->output.find("one-time password: ");
    ASSERT_NE(at, std::string::npos) << init->output;
    otp_ = new std::string(
        init->output.substr(at + 19, init->output.find('\n', at) - at - 19));
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
  static std::string* otp_;
  static testing::Subprocess* server_;

  // Runs clinicctl against the test server with a private config directory.
  static absl::StatusOr<testing::RunResult> Ctl(std::vector<std::string> args,
                                                const std::string& input = "") {
    std::vector<std::string> argv = {
        "/usr/bin/env", "CLINICCTL_CONFIG_DIR=" + *dir_ + "/cfg",
        Clinicctl(),    "--server",
        *address_,      "--ca",
        CaFile()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::Run(argv, input);
  }
};

std::string* ClinicdEndToEndTest::dir_ = nullptr;
std::string* ClinicdEndToEndTest::data_dir_ = nullptr;
std::string* ClinicdEndToEndTest::address_ = nullptr;
std::string* ClinicdEndToEndTest::otp_ = nullptr;
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
        {Clinicctl(), "login", "--help"},
        {Clinicctl(), "logout", "--help"},
        {Clinicctl(), "whoami", "--help"},
        {Clinicctl(), "password", "--help"},
        {Clinicctl(), "users", "create", "--help"},
        {Clinicctl(), "users", "list", "--help"},
        {Clinicctl(), "users", "disable", "--help"},
        {Clinicctl(), "users", "enable", "--help"},
        {Clinicctl(), "users", "reset-password", "--help"},
        {Clinicctl(), "audit", "export", "--help"},
        {Clinicctl(), "audit", "verify", "--help"},
        {Clinicctl(), "audit", "key", "--help"},
        {Clinicctl(), "audit", "check", "--help"},
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

TEST_F(ClinicdEndToEndTest, ClinicctlLoginUsersAndAuditExportRoundTrip) {
  const std::string password = "plum orchard kettle basalt";
  auto login =
      Ctl({"login", "admin"}, *otp_ + "\n" + password + "\n" + password + "\n");
  ASSERT_TRUE(login.ok());
  ASSERT_EQ(login->exit_code, 0) << login->output;
  EXPECT_THAT(login->output, HasSubstr("Logged in"));
  EXPECT_THAT(login->output, Not(HasSubstr(password)));  // not echoed
  auto mode = storage::FileMode(*dir_ + "/cfg");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, 0700);

  auto whoami = Ctl({"whoami", "--json"});
  ASSERT_TRUE(whoami.ok());
  EXPECT_EQ(whoami->exit_code, 0) << whoami->output;
  EXPECT_THAT(whoami->output, HasSubstr("\"username\":\"admin\""));

  auto create = Ctl(
      {"users", "create", "lena", "--name", "Lena Haile", "--role", "lawyer"});
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->exit_code, 0) << create->output;
  EXPECT_THAT(create->output, HasSubstr("One-time password"));
  auto bad_role =
      Ctl({"users", "create", "omar", "--name", "Omar", "--role", "boss"});
  EXPECT_EQ(bad_role->exit_code, 1);
  EXPECT_THAT(bad_role->output,
              HasSubstr("--role must be admin, lawyer or intake"));

  std::string key = *dir_ + "/audit.key", file = *dir_ + "/audit.jsonl";
  ASSERT_EQ(Ctl({"audit", "key", "-o", key})->exit_code, 0);
  auto exported = Ctl({"audit", "export", "--from", "2000-01-01", "--to",
                       "2100-01-01", "-o", file});
  ASSERT_TRUE(exported.ok());
  ASSERT_EQ(exported->exit_code, 0) << exported->output;
  auto verified = Ctl({"audit", "verify", file, "--key", key});
  EXPECT_EQ(verified->exit_code, 0) << verified->output;
  EXPECT_THAT(verified->output, HasSubstr("OK:"));

  // Every step above is in the export.
  std::string text = *storage::ReadFile(file);
  for (const char* method : {"AuthService/Login", "AuthService/ChangePassword",
                             "AuthService/CreateUser"}) {
    EXPECT_THAT(text, HasSubstr(method));
  }
  EXPECT_THAT(text, Not(HasSubstr(password)));

  size_t at = text.find("users/lena");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 10, "users/lina");
  ASSERT_TRUE(storage::WriteFileAtomically(file, text, 0600).ok());
  auto tampered = Ctl({"audit", "verify", file, "--key", key});
  EXPECT_EQ(tampered->exit_code, 1);
  EXPECT_THAT(tampered->output, HasSubstr("NOT VERIFIED"));

  ASSERT_EQ(Ctl({"logout"})->exit_code, 0);
  auto after = Ctl({"whoami"});
  EXPECT_EQ(after->exit_code, 4);
  EXPECT_THAT(after->output, HasSubstr("clinicctl login"));
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
