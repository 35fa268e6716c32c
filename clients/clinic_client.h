// The C++ client library for the clinic server: one ClinicClient per signed-in
// session.
//
//   clinic::ConnectOptions options;
//   options.address = "127.0.0.1:7443";
//   options.ca_certificate_file = "data/tls/ca.crt";  // from `clinicd init`
//   CLINIC_ASSIGN_OR_RETURN(auto client, clinic::ClinicClient::Connect(options));
//   client->SetSession(tokens);                       // after AuthService.Login
//   clinic::v1::IntakeService::Stub intake(client->ChannelFor("intake"));
//   auto ctx = client->NewContext();                  // deadline, token
//   grpc::Status status = intake.GetCase(ctx.get(), request, &kase);
//
// What it takes care of:
//  - TLS that verifies the server against the clinic's own CA (never the system
//    roots); plaintext only for development against a loopback server started
//    with --dev_plaintext.
//  - A deadline on every call (default_call_timeout, or per call).
//  - The session: each context carries the access token, exchanged for a fresh
//    one with the refresh token shortly before it expires.
//  - Retries with backoff for reads only, on UNAVAILABLE (retry_policy.h).
//  - Split deployments: ChannelFor(service) reaches the process serving it
//    (service_addresses), so the same code runs against clinicd.
//
// Thread-safe: share one ClinicClient between threads.
#ifndef CLINIC_CLIENTS_CLINIC_CLIENT_H_
#define CLINIC_CLIENTS_CLINIC_CLIENT_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/grpc_status.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/security/credentials.h"

namespace clinic {

// Bytes per chunk message in a document upload (the server takes up to 1 MiB).
// gRPC hands a message to the server only once all of it has arrived, so
// smaller messages let the server hash, check and encrypt one chunk while the
// next is in flight. tests/bench/document_benchmark measured 128 KiB against
// 512 KiB and 1 MiB on 2 cores: 1 MiB documents went from 107-129 to
// 142-175 MB/s, and documents of 64-512 MiB from 237-250 to 241-422 MB/s.
inline constexpr size_t kUploadChunkBytes = 128 << 10;

struct ConnectOptions {
  // host:port of the server.
  std::string address = "127.0.0.1:7443";
  // PEM file of the CA that signed the server's certificate. Required unless
  // `dev_plaintext`.
  std::string ca_certificate_file;
  // Optional client certificate and key (for servers that require mutual TLS).
  std::string client_certificate_file;
  std::string client_key_file;
  // DEVELOPMENT ONLY: no TLS. Refused unless `address` is loopback.
  bool dev_plaintext = false;
  // How long Connect waits for the server before failing with UNAVAILABLE.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Deadline NewContext gives calls by default.
  absl::Duration default_call_timeout = absl::Seconds(10);
  // Split deployment: where each service runs, by short name ("intake" ->
  // "10.0.0.5:7443"). A service not listed is reached at `address`.
  std::map<std::string, std::string> service_addresses;
  // Retry reads on UNAVAILABLE (see retry_policy.h). Off only for tests that
  // count attempts.
  bool retry_reads = true;
};

// The tokens of a signed-in session (from AuthService.Login / RefreshToken).
struct SessionTokens {
  std::string username;
  std::string access_token;
  absl::Time access_expiry = absl::InfinitePast();
  std::string refresh_token;
  absl::Time refresh_expiry = absl::InfinitePast();
};

class ClinicClient {
 public:
  // Opens a channel and waits until it is connected. UNAVAILABLE (with a
  // message saying what to check) if the server cannot be reached or its
  // certificate is not trusted; INVALID_ARGUMENT / NOT_FOUND for bad options or
  // unreadable files.
  static absl::StatusOr<std::unique_ptr<ClinicClient>> Connect(
      const ConnectOptions& options);

  // The channel to `address`, for building service stubs in an all-in-one
  // deployment.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // The channel to the process serving `service` ("intake", "deadline", ...):
  // its entry in service_addresses, else channel(). Use this for stubs so the
  // same code works against clinicd and a split deployment.
  std::shared_ptr<grpc::Channel> ChannelFor(absl::string_view service);

  // A context for one call, with a deadline `timeout` from now (the default if
  // zero) and, once there is a session, its access token. An access token about
  // to expire is first exchanged for a fresh one with the refresh token (if
  // that fails the old one is sent; the call then answers UNAUTHENTICATED and
  // the person must log in again).
  std::unique_ptr<grpc::ClientContext> NewContext(
      absl::Duration timeout = absl::ZeroDuration());

  // Signs every later call with `tokens`. `on_change` (optional) is told about
  // refreshed tokens, e.g. to save them.
  void SetSession(
      SessionTokens tokens,
      std::function<void(const SessionTokens&)> on_change = nullptr);
  // Forgets the session (later calls are anonymous).
  void ClearSession();
  bool has_session() const;
  SessionTokens session() const;

  // The grpc.health.v1 status of `service` ("" = the whole server): true when
  // SERVING.
  absl::StatusOr<bool> CheckHealth(const std::string& service = "");

  const ConnectOptions& options() const { return options_; }

 private:
  ClinicClient(ConnectOptions options,
               std::shared_ptr<grpc::ChannelCredentials> credentials,
               std::shared_ptr<grpc::Channel> channel)
      : options_(std::move(options)),
        credentials_(std::move(credentials)),
        channel_(std::move(channel)) {}
  void RefreshIfDue();

  const ConnectOptions options_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  const std::shared_ptr<grpc::Channel> channel_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>>
      service_channels_ ABSL_GUARDED_BY(mu_);
  SessionTokens session_ ABSL_GUARDED_BY(mu_);
  std::function<void(const SessionTokens&)> on_change_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINIC_CLIENT_H_
