#include "clients/clinic_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "clients/retry_policy.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/tls.h"
#include "storage/file_util.h"

namespace clinic {
namespace {

std::chrono::system_clock::time_point DeadlineAfter(absl::Duration d) {
  return std::chrono::system_clock::now() +
         std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

grpc::ChannelArguments ChannelArgs(const ConnectOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  if (options.retry_reads) {
    args.SetServiceConfigJSON(RetryServiceConfig());
  } else {
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  }
  return args;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ClinicClient>> ClinicClient::Connect(
    const ConnectOptions& options) {
  std::string host;
  int port = 0;
  CLINIC_RETURN_IF_ERROR(SplitHostPort(options.address, &host, &port));
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.dev_plaintext) {
    if (!IsLoopbackHost(host)) {
      return absl::InvalidArgumentError(
          "plaintext connections are allowed only to a loopback address");
    }
    credentials = grpc::InsecureChannelCredentials();
  } else {
    if (options.ca_certificate_file.empty()) {
      return absl::InvalidArgumentError(
          "no CA certificate given: pass the clinic's ca.crt (from the "
          "server's data "
          "directory, tls/ca.crt)");
    }
    CLINIC_ASSIGN_OR_RETURN(
        std::string ca,
        storage::ReadFile(options.ca_certificate_file, 1 << 20));
    PemKeyPair identity;
    bool mutual = !options.client_certificate_file.empty();
    if (mutual) {
      CLINIC_ASSIGN_OR_RETURN(
          identity.certificate,
          storage::ReadFile(options.client_certificate_file, 1 << 20));
      CLINIC_ASSIGN_OR_RETURN(
          identity.private_key,
          storage::ReadFile(options.client_key_file, 1 << 20));
    }
    credentials = MakeChannelCredentials(ca, mutual ? &identity : nullptr);
  }
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      options.address, credentials, ChannelArgs(options));
  if (!channel->WaitForConnected(DeadlineAfter(options.connect_timeout))) {
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to the clinic server at ", options.address,
        ": it is not running there, or it did not prove its identity with a "
        "certificate "
        "from the given CA",
        options.dev_plaintext
            ? ""
            : absl::StrCat(" (", options.ca_certificate_file, ")")));
  }
  return std::unique_ptr<ClinicClient>(
      new ClinicClient(options, std::move(credentials), std::move(channel)));
}

std::shared_ptr<grpc::Channel> ClinicClient::ChannelFor(
    absl::string_view service) {
  auto address = options_.service_addresses.find(std::string(service));
  if (address == options_.service_addresses.end()) return channel_;
  absl::MutexLock lock(&mu_);
  auto it = service_channels_.find(service);
  if (it != service_channels_.end()) return it->second;
  auto channel = grpc::CreateCustomChannel(address->second, credentials_,
                                           ChannelArgs(options_));
  service_channels_.emplace(std::string(service), channel);
  return channel;
}

void ClinicClient::SetSession(
    SessionTokens tokens, std::function<void(const SessionTokens&)> on_change) {
  absl::MutexLock lock(&mu_);
  session_ = std::move(tokens);
  on_change_ = std::move(on_change);
}

void ClinicClient::ClearSession() {
  absl::MutexLock lock(&mu_);
  session_ = SessionTokens();
  on_change_ = nullptr;
}

bool ClinicClient::has_session() const {
  absl::MutexLock lock(&mu_);
  return !session_.access_token.empty();
}

SessionTokens ClinicClient::session() const {
  absl::MutexLock lock(&mu_);
  return session_;
}

void ClinicClient::RefreshIfDue() {
  std::string refresh_token;
  {
    absl::MutexLock lock(&mu_);
    absl::Time now = absl::Now();
    if (session_.access_token.empty() || session_.refresh_token.empty() ||
        session_.access_expiry - now > absl::Seconds(60) ||
        session_.refresh_expiry <= now) {
      return;
    }
    refresh_token = session_.refresh_token;
  }
  v1::AuthService::Stub stub(ChannelFor("auth"));
  grpc::ClientContext context;
  context.set_deadline(DeadlineAfter(options_.default_call_timeout));
  v1::RefreshTokenRequest request;
  request.set_refresh_token(refresh_token);
  v1::LoginResponse response;
  if (!stub.RefreshToken(&context, request, &response).ok()) return;
  std::function<void(const SessionTokens&)> notify;
  SessionTokens updated;
  {
    absl::MutexLock lock(&mu_);
    if (session_.refresh_token != refresh_token) return;  // refreshed meanwhile
    session_.access_token = response.access_token();
    session_.access_expiry = FromProtoTime(response.access_token_expire_time());
    session_.refresh_token = response.refresh_token();
    session_.refresh_expiry =
        FromProtoTime(response.refresh_token_expire_time());
    notify = on_change_;
    updated = session_;
  }
  if (notify) notify(updated);
}

std::unique_ptr<grpc::ClientContext> ClinicClient::NewContext(
    absl::Duration timeout) {
  RefreshIfDue();
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(DeadlineAfter(timeout == absl::ZeroDuration()
                                          ? options_.default_call_timeout
                                          : timeout));
  absl::MutexLock lock(&mu_);
  if (!session_.access_token.empty()) {
    context->AddMetadata("authorization",
                         absl::StrCat("Bearer ", session_.access_token));
  }
  return context;
}

absl::StatusOr<bool> ClinicClient::CheckHealth(const std::string& service) {
  grpc::health::v1::Health::Stub stub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  auto context = NewContext();
  grpc::Status status = stub.Check(context.get(), request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace clinic
