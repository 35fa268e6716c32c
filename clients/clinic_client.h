// The C++ client library for the clinic server: one ClinicClient per server
// session.
//
//   clinic::ConnectOptions options;
//   options.address = "127.0.0.1:7443";
//   options.ca_certificate_file = "data/tls/ca.crt";   // the clinic's CA, from
//   `clinicd init` CLINIC_ASSIGN_OR_RETURN(auto client,
//   clinic::ClinicClient::Connect(options)); auto ctx = client->NewContext();
//   // deadline per call (default 10 s) clinic::v1::IntakeService::Stub
//   intake(client->channel());
//
// TLS always verifies the server against the given CA (never the system roots:
// a clinic server's certificate comes from its own CA); plaintext exists only
// for development against a loopback server started with --dev_plaintext.
//
// Thread-safe: share one ClinicClient between threads.
#ifndef CLINIC_CLIENTS_CLINIC_CLIENT_H_
#define CLINIC_CLIENTS_CLINIC_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/grpc_status.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace clinic {

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

  // The channel, for building service stubs.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

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
  ClinicClient(ConnectOptions options, std::shared_ptr<grpc::Channel> channel)
      : options_(std::move(options)), channel_(std::move(channel)) {}
  void RefreshIfDue();

  const ConnectOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  mutable absl::Mutex mu_;
  SessionTokens session_ ABSL_GUARDED_BY(mu_);
  std::function<void(const SessionTokens&)> on_change_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINIC_CLIENT_H_
