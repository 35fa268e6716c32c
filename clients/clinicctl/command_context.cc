#include "clients/clinicctl/command_context.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// Display width in terminal columns, counting each UTF-8 code point as one.
size_t DisplayWidth(const std::string& s) {
  size_t width = 0;
  for (unsigned char c : s) width += (c & 0xc0) != 0x80;
  return width;
}

}  // namespace

void CommandContext::AddGlobalOptions(CLI::App& app) {
  absl::StatusOr<ClientConfig> file = LoadClientConfig();
  if (file.ok()) {
    config_ = *file;
  } else {
    config_error_ = file.status();
  }
  options_.server =
      EnvOr("CLINIC_SERVER",
            config_.server.empty() ? "127.0.0.1:7443" : config_.server);
  std::string default_ca = !config_.ca.empty() ? config_.ca
                           : storage::PathExists("data/tls/ca.crt")
                               ? "data/tls/ca.crt"
                               : "";
  options_.ca_file = EnvOr("CLINIC_CA", default_ca);
  app.add_option("--server", options_.server,
                 "Server host:port (env CLINIC_SERVER, else the config file; "
                 "default 127.0.0.1:7443)")
      ->capture_default_str();
  app.add_option(
      "--ca", options_.ca_file,
      "The clinic CA certificate (env CLINIC_CA, else the config file; "
      "default data/tls/ca.crt)");
  app.add_option("--cert", options_.client_cert_file,
                 "Client certificate, for servers that require mutual TLS");
  app.add_option("--key", options_.client_key_file, "Private key of --cert");
  app.add_flag("--json", options_.json,
               "Print JSON for scripts instead of tables");
  app.add_option("--timeout", options_.timeout_seconds,
                 "Seconds to wait for each call")
      ->capture_default_str();
  app.add_flag("--dev_plaintext", options_.dev_plaintext,
               "DEVELOPMENT ONLY: connect without TLS (loopback only)");
}

absl::StatusOr<ClinicClient*> CommandContext::Client() {
  if (client_ == nullptr) {
    if (!config_error_.ok()) return config_error_;
    ConnectOptions connect;
    connect.address = options_.server;
    connect.service_addresses = config_.services;
    connect.ca_certificate_file = options_.ca_file;
    connect.client_certificate_file = options_.client_cert_file;
    connect.client_key_file = options_.client_key_file;
    connect.dev_plaintext = options_.dev_plaintext;
    connect.default_call_timeout = absl::Seconds(options_.timeout_seconds);
    connect.connect_timeout =
        absl::Seconds(std::min(options_.timeout_seconds, 10.0));
    absl::StatusOr<std::unique_ptr<ClinicClient>> client =
        ClinicClient::Connect(connect);
    if (!client.ok()) return client.status();
    client_ = *std::move(client);
    absl::StatusOr<std::optional<SessionTokens>> saved =
        LoadSession(options_.server);
    if (!saved.ok()) return saved.status();
    if (saved->has_value()) {
      const std::string server = options_.server;
      client_->SetSession(**saved, [server](const SessionTokens& refreshed) {
        // Best effort: a failed save only means logging in again later.
        SaveSession(server, refreshed).IgnoreError();
      });
    }
  }
  return client_.get();
}

absl::StatusOr<ClinicClient*> CommandContext::SignedInClient() {
  absl::StatusOr<ClinicClient*> client = Client();
  if (!client.ok()) return client;
  if (!(*client)->has_session()) {
    return absl::UnauthenticatedError("you are not logged in to " +
                                      options_.server);
  }
  return client;
}

absl::Status CommandContext::StartSession(const SessionTokens& tokens) {
  absl::Status saved = SaveSession(options_.server, tokens);
  if (client_ != nullptr) {
    const std::string server = options_.server;
    client_->SetSession(tokens, [server](const SessionTokens& refreshed) {
      SaveSession(server, refreshed).IgnoreError();
    });
  }
  return saved;
}

absl::Status CommandContext::EndSession() {
  if (client_ != nullptr) client_->ClearSession();
  return DeleteSession(options_.server);
}

int CommandContext::ReportError(const absl::Status& status) {
  std::string hint;
  int code = kExitFailed;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      code = kExitUnavailable;
      hint =
          "Check that the server is running and that --server and --ca are "
          "right.";
      break;
    case absl::StatusCode::kDeadlineExceeded:
      code = kExitUnavailable;
      hint =
          "The server did not answer in time; try again, or raise --timeout.";
      break;
    case absl::StatusCode::kUnauthenticated:
      code = kExitUnauthenticated;
      hint = "Log in with: clinicctl login";
      break;
    case absl::StatusCode::kPermissionDenied:
      code = kExitPermissionDenied;
      hint = "Your account is not allowed to do this; ask an administrator.";
      break;
    case absl::StatusCode::kAborted:
      hint =
          "Someone else changed it meanwhile; fetch it again and redo your "
          "change.";
      break;
    case absl::StatusCode::kResourceExhausted:
      hint = "The server is busy or out of space; wait and try again.";
      break;
    default:
      break;
  }
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  if (!hint.empty()) std::fprintf(stderr, "%s\n", hint.c_str());
  return code;
}

std::string JsonOf(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = false;
  print.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, print)
           .ok()) {
    json = "{}";
  }
  return json;
}

void CommandContext::PrintJson(const google::protobuf::Message& message) {
  std::printf("%s\n", JsonOf(message).c_str());
}

void Table::Print() const {
  std::vector<size_t> widths(headers_.size());
  for (size_t i = 0; i < headers_.size(); ++i)
    widths[i] = DisplayWidth(headers_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      line += cell;
      if (i + 1 < widths.size())
        line.append(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

}  // namespace cli
}  // namespace clinic
