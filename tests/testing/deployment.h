// The clinic server as its users run it, for end-to-end tests: real binaries
// as real processes on loopback with real TLS, in one of two shapes.
//
//   kAllInOne  one `clinicd` process hosting every service;
//   kSplit     one process per service (auth_server, audit_server, ...), each
//              with its own data directory and port, finding the others
//              through --peer flags and calling them over mutual TLS with
//              certificates issued by one CA (init --ca_from).
//
// Both start with the first administrator signed in (password changed), so a
// test can create staff straight away. Tests only.
#ifndef CLINIC_TESTS_TESTING_DEPLOYMENT_H_
#define CLINIC_TESTS_TESTING_DEPLOYMENT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace testing {

class Deployment {
 public:
  enum class Kind { kAllInOne, kSplit };

  // Every service name a deployment runs, as in --services.
  static const std::vector<std::string>& ServiceNames();

  // Data directories and logs go under `root` (default: a new temporary
  // directory).
  static absl::StatusOr<std::unique_ptr<Deployment>> Start(
      Kind kind, const std::string& root = "");
  ~Deployment();

  Kind kind() const { return kind_; }
  // "all-in-one" or "split".
  std::string KindName() const;
  // host:port serving `service` ("intake", ...).
  std::string Address(const std::string& service) const;
  // A TLS channel (verifying the clinic CA) to the process serving `service`.
  std::shared_ptr<grpc::Channel> Channel(const std::string& service);
  // The clinic CA certificate clients verify the servers with.
  std::string ca_file() const;
  // The bootstrap administrator's access token.
  const std::string& admin_token() const { return admin_token_; }
  // Where processes' logs and data live.
  const std::string& root() const { return root_; }

  // SIGKILL the process serving `service` (the one process, all in one), and
  // start it again on the same port and data directory (waiting until it
  // serves).
  absl::Status Kill(const std::string& service);
  // The process id of the process serving `service`, or -1.
  int Pid(const std::string& service) const;
  absl::Status Restart(const std::string& service);

 private:
  struct Process {
    std::vector<std::string> argv;
    std::string log_file;
    std::string port_file;
    std::unique_ptr<Subprocess> running;
  };

  explicit Deployment(Kind kind) : kind_(kind) {}
  absl::Status StartAllInOne();
  absl::Status StartSplit();
  absl::Status Launch(Process& process);
  // The process key serving `service` ("clinicd" when all in one).
  std::string ProcessFor(const std::string& service) const;

  const Kind kind_;
  std::string root_;
  std::string ca_file_;
  std::string admin_token_;
  std::map<std::string, std::string> addresses_;  // process key -> host:port
  std::map<std::string, Process> processes_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_DEPLOYMENT_H_
