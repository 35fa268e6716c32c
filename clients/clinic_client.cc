#include "clients/clinic_client.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
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

}  // namespace

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

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
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(16 << 20);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(options.address, credentials, args);
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
      new ClinicClient(options, std::move(channel)));
}

std::unique_ptr<grpc::ClientContext> ClinicClient::NewContext(
    absl::Duration timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(DeadlineAfter(timeout == absl::ZeroDuration()
                                          ? options_.default_call_timeout
                                          : timeout));
  return context;
}

absl::StatusOr<bool> ClinicClient::CheckHealth(
    const std::string& service) const {
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
