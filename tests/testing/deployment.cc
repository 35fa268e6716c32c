#include "tests/testing/deployment.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "services/common/tls.h"
#include "storage/file_util.h"
#include "tests/testing/accounts.h"

namespace clinic {
namespace testing {
namespace {

constexpr char kAllInOneKey[] = "clinicd";

// `n` distinct free loopback ports: all bound at once (so none repeats), then
// released for the servers to take.
absl::StatusOr<std::vector<int>> FreePorts(int n) {
  std::vector<int> sockets;
  std::vector<int> ports;
  absl::Status status;
  for (int i = 0; i < n && status.ok(); ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd < 0 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
            0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) !=
            0) {
      status = absl::InternalError("could not find a free loopback port");
    } else {
      ports.push_back(ntohs(address.sin_port));
    }
    if (fd >= 0) sockets.push_back(fd);
  }
  for (int fd : sockets) ::close(fd);
  if (!status.ok()) return status;
  return ports;
}

// The one-time password `init` printed for the first administrator.
absl::StatusOr<std::string> OneTimePassword(const std::string& init_output) {
  size_t at = init_output.find("one-time password: ");
  if (at == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("init printed no one-time password:\n", init_output));
  }
  at += 19;
  return std::string(absl::StripAsciiWhitespace(
      init_output.substr(at, init_output.find('\n', at) - at)));
}

absl::StatusOr<std::string> RunInit(const std::vector<std::string>& argv) {
  CLINIC_ASSIGN_OR_RETURN(RunResult result, Run(argv));
  if (result.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat(argv[0], " init failed:\n", result.output));
  }
  return result.output;
}

std::string ServerBinary(const std::string& service) {
  return RunfilePath(
      absl::StrCat("services/", service, "/", service, "_server"));
}

}  // namespace

const std::vector<std::string>& Deployment::ServiceNames() {
  static const auto* names = new std::vector<std::string>{
      "auth", "audit", "intake", "deadline", "document", "hearing", "admin"};
  return *names;
}

absl::StatusOr<std::unique_ptr<Deployment>> Deployment::Start(
    Kind kind, const std::string& root) {
  std::unique_ptr<Deployment> d(new Deployment(kind));
  d->root_ = !root.empty()
                 ? root
                 : NewTempDir(kind == Kind::kSplit ? "split" : "clinicd");
  CLINIC_RETURN_IF_ERROR(kind == Kind::kSplit ? d->StartSplit()
                                              : d->StartAllInOne());
  return d;
}

Deployment::~Deployment() {
  // All at once: services stop in parallel, as an operator's `systemctl stop`.
  for (auto& [key, process] : processes_) {
    if (process.running != nullptr && process.running->running()) {
      process.running->Signal(SIGTERM);
    }
  }
  for (auto& [key, process] : processes_) {
    if (process.running == nullptr) continue;
    const absl::Time start = absl::Now();
    (void)process.running->Wait(absl::Seconds(15));
    std::fprintf(stderr, "%s stopped in %.1f s\n", key.c_str(),
                 absl::ToDoubleSeconds(absl::Now() - start));
  }
}

std::string Deployment::KindName() const {
  return kind_ == Kind::kSplit ? "split" : "all-in-one";
}

std::string Deployment::ProcessFor(const std::string& service) const {
  return kind_ == Kind::kSplit ? service : kAllInOneKey;
}

std::string Deployment::Address(const std::string& service) const {
  auto it = addresses_.find(ProcessFor(service));
  return it == addresses_.end() ? "" : it->second;
}

std::string Deployment::ca_file() const { return ca_file_; }

std::shared_ptr<grpc::Channel> Deployment::Channel(const std::string& service) {
  const std::string key = ProcessFor(service);
  auto it = channels_.find(key);
  if (it != channels_.end()) return it->second;
  std::string ca = *storage::ReadFile(ca_file_, 1 << 20);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // Reconnect promptly after a process is killed and restarted.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  auto channel = grpc::CreateCustomChannel(
      Address(service), MakeChannelCredentials(ca, nullptr), args);
  channels_[key] = channel;
  return channel;
}

absl::Status Deployment::Launch(Process& process) {
  (void)::unlink(process.port_file.c_str());
  CLINIC_ASSIGN_OR_RETURN(process.running,
                          Subprocess::Start(process.argv, process.log_file));
  return WaitForFile(process.port_file, absl::Seconds(60),
                     process.running.get())
      .status();
}

// Configuration for every process: tests and benchmarks call as fast as the
// machine allows from one loopback address, so the per-peer rate limit (for
// people and misbehaving clients) is lifted; it has tests of its own.
static absl::StatusOr<std::string> WriteTestConfig(const std::string& root) {
  const std::string path = storage::JoinPath(root, "test.config");
  CLINIC_RETURN_IF_ERROR(storage::WriteFileAtomically(
      path,
      "limits { requests_per_second_per_peer: 1000000 "
      "request_burst_per_peer: 1000000 }\n",
      0600));
  return path;
}

absl::Status Deployment::StartAllInOne() {
  const std::string data = storage::JoinPath(root_, "data");
  const std::string clinicd = RunfilePath("services/clinicd/clinicd");
  CLINIC_ASSIGN_OR_RETURN(std::string output,
                          RunInit({clinicd, "init", "--data_dir", data}));
  CLINIC_ASSIGN_OR_RETURN(std::string otp, OneTimePassword(output));
  ca_file_ = storage::JoinPath(data, "tls/ca.crt");
  CLINIC_ASSIGN_OR_RETURN(std::vector<int> ports, FreePorts(1));
  const std::string address = absl::StrCat("127.0.0.1:", ports[0]);
  Process& p = processes_[kAllInOneKey];
  p.log_file = storage::JoinPath(root_, "clinicd.log");
  p.port_file = storage::JoinPath(root_, "clinicd.port");
  CLINIC_ASSIGN_OR_RETURN(std::string config, WriteTestConfig(root_));
  p.argv = {clinicd, "serve",       "--data_dir", data,       "--listen",
            address, "--port_file", p.port_file,  "--config", config};
  CLINIC_RETURN_IF_ERROR(Launch(p));
  addresses_[kAllInOneKey] = address;
  CLINIC_ASSIGN_OR_RETURN(admin_token_,
                          FirstSignIn(Channel("auth"), "admin", otp));
  return absl::OkStatus();
}

absl::Status Deployment::StartSplit() {
  const std::vector<std::string>& services = ServiceNames();
  CLINIC_ASSIGN_OR_RETURN(std::vector<int> ports,
                          FreePorts(static_cast<int>(services.size())));
  for (size_t i = 0; i < services.size(); ++i) {
    addresses_[services[i]] = absl::StrCat("127.0.0.1:", ports[i]);
  }
  // auth's directory holds the CA every other directory's certificates come
  // from.
  const std::string ca_dir = storage::JoinPath(root_, "auth/tls");
  std::string otp;
  for (const std::string& service : services) {
    std::vector<std::string> init = {ServerBinary(service), "init",
                                     "--data_dir",
                                     storage::JoinPath(root_, service)};
    if (service != "auth") {
      init.push_back("--ca_from");
      init.push_back(ca_dir);
    }
    CLINIC_ASSIGN_OR_RETURN(std::string output, RunInit(init));
    if (service == "auth") {
      CLINIC_ASSIGN_OR_RETURN(otp, OneTimePassword(output));
    }
  }
  ca_file_ = storage::JoinPath(ca_dir, "ca.crt");
  CLINIC_ASSIGN_OR_RETURN(std::string config, WriteTestConfig(root_));
  for (const std::string& service : services) {
    Process& p = processes_[service];
    p.log_file = storage::JoinPath(root_, service + ".log");
    p.port_file = storage::JoinPath(root_, service + ".port");
    p.argv = {ServerBinary(service),
              "serve",
              "--data_dir",
              storage::JoinPath(root_, service),
              "--listen",
              addresses_[service],
              "--port_file",
              p.port_file,
              "--config",
              config};
    for (const std::string& peer : services) {
      if (peer == service) continue;
      p.argv.push_back("--peer");
      p.argv.push_back(absl::StrCat(peer, "=", addresses_[peer]));
    }
    CLINIC_RETURN_IF_ERROR(Launch(p));
  }
  CLINIC_ASSIGN_OR_RETURN(admin_token_,
                          FirstSignIn(Channel("auth"), "admin", otp));
  return absl::OkStatus();
}

absl::Status Deployment::Kill(const std::string& service) {
  const std::string key = ProcessFor(service);
  Process& p = processes_.at(key);
  p.running->Signal(SIGKILL);
  CLINIC_RETURN_IF_ERROR(p.running->Wait(absl::Seconds(10)).status());
  // Let kept channels notice the dead connection, so that no later call is
  // sent down it.
  auto channel = channels_.find(key);
  if (channel != channels_.end() &&
      channel->second->GetState(false) == GRPC_CHANNEL_READY) {
    channel->second->WaitForStateChange(
        GRPC_CHANNEL_READY,
        std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  return absl::OkStatus();
}

int Deployment::Pid(const std::string& service) const {
  auto it = processes_.find(ProcessFor(service));
  if (it == processes_.end() || it->second.running == nullptr) return -1;
  return it->second.running->pid();
}

absl::Status Deployment::Restart(const std::string& service) {
  const std::string key = ProcessFor(service);
  CLINIC_RETURN_IF_ERROR(Launch(processes_.at(key)));
  // Channels kept from before the crash reconnect now, not at their next
  // backoff tick.
  auto channel = channels_.find(key);
  if (channel != channels_.end() &&
      !channel->second->WaitForConnected(std::chrono::system_clock::now() +
                                         std::chrono::seconds(10))) {
    return absl::UnavailableError(
        absl::StrCat(key, " restarted but does not accept connections"));
  }
  return absl::OkStatus();
}

}  // namespace testing
}  // namespace clinic
