// clinicctl's configuration file: where the server is and which CA to trust,
// so that people need not type them on every command, and where each service
// runs in a split deployment. `<config dir>/config` (see session_store.h),
// mode 0600, one "key = value" per line, "#" starts a comment:
//
//   server = clinic.example.org:7443
//   ca = /etc/clinic/ca.crt
//   service.intake = 10.0.0.5:7443      # split deployment
//
// Precedence: command-line flag, then environment (CLINIC_SERVER, CLINIC_CA),
// then this file, then built-in defaults.
#ifndef CLINIC_CLIENTS_CLINICCTL_CONFIG_FILE_H_
#define CLINIC_CLIENTS_CLINICCTL_CONFIG_FILE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {
namespace cli {

struct ClientConfig {
  std::string server;
  std::string ca;
  // Short service name ("intake") -> host:port.
  std::map<std::string, std::string> services;
};

// The keys a file may set: "server", "ca", "service.<name>".
bool IsConfigKey(absl::string_view key);

// INVALID_ARGUMENT "config line N: ..." for a line that is not "key = value"
// or names an unknown key.
absl::StatusOr<ClientConfig> ParseClientConfig(absl::string_view text);
std::string RenderClientConfig(const ClientConfig& config);

// Sets (or, with an empty value, removes) `key`.
absl::Status SetConfigValue(ClientConfig& config, absl::string_view key,
                            absl::string_view value);

std::string ConfigFilePath();
// The file's settings; empty when there is no file.
absl::StatusOr<ClientConfig> LoadClientConfig();
absl::Status SaveClientConfig(const ClientConfig& config);

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_CONFIG_FILE_H_
