// What every clinicctl command shares: global options (server, CA, output
// format), the connection, output helpers (tables for people, JSON for scripts)
// and the translation of errors into messages a clinic worker can act on, with
// documented exit codes.
#ifndef CLINIC_CLIENTS_CLINICCTL_COMMAND_CONTEXT_H_
#define CLINIC_CLIENTS_CLINICCTL_COMMAND_CONTEXT_H_

#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/clinic_client.h"
#include "clients/clinicctl/config_file.h"
#include "clients/clinicctl/session_store.h"
#include "google/protobuf/message.h"

namespace clinic {
namespace cli {

// Exit codes (also listed by `clinicctl --help`).
enum ExitCode {
  kExitOk = 0,
  // The server refused or failed the request.
  kExitFailed = 1,
  // The command line was wrong.
  kExitUsage = 2,
  // The server could not be reached, or is not serving.
  kExitUnavailable = 3,
  // Not logged in, or the session expired: run `clinicctl login`.
  kExitUnauthenticated = 4,
  // Logged in, but not allowed to do this.
  kExitPermissionDenied = 5,
};

struct GlobalOptions {
  std::string server;
  std::string ca_file;
  std::string client_cert_file;
  std::string client_key_file;
  bool dev_plaintext = false;
  bool json = false;
  double timeout_seconds = 10;
};

class CommandContext {
 public:
  GlobalOptions& options() { return options_; }

  // Adds the global options to the root command.
  void AddGlobalOptions(CLI::App& app);

  // The connected client (connecting on first use), signed in with the saved
  // session for this server if there is one.
  absl::StatusOr<ClinicClient*> Client();

  // Like Client, but UNAUTHENTICATED ("log in first") when there is no saved
  // session.
  absl::StatusOr<ClinicClient*> SignedInClient();

  // Saves `tokens` as this server's session (and uses them from now on).
  absl::Status StartSession(const SessionTokens& tokens);

  // Forgets this server's session.
  absl::Status EndSession();

  // Prints `status` for a person on stderr and returns the matching exit code.
  int ReportError(const absl::Status& status);

  // Prints a message as one JSON document (proto3 JSON) on stdout.
  void PrintJson(const google::protobuf::Message& message);

 private:
  GlobalOptions options_;
  // The configuration file's settings (config_file.h), and why it could not
  // be read, if it could not.
  ClientConfig config_;
  absl::Status config_error_;
  std::unique_ptr<ClinicClient> client_;
};

// `message` as one line of proto3 JSON (field names as in the .proto).
std::string JsonOf(const google::protobuf::Message& message);

// A table for people: columns sized to their contents.
class Table {
 public:
  explicit Table(std::vector<std::string> headers)
      : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells) {
    rows_.push_back(std::move(cells));
  }
  void Print() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_COMMAND_CONTEXT_H_
