// Where clinicctl keeps a signed-in session between commands: one file per
// server under the user's configuration directory ($CLINICCTL_CONFIG_DIR, else
// $XDG_CONFIG_HOME/clinicctl, else ~/.config/clinicctl), mode 0600 in a 0700
// directory. The file holds tokens (secrets): it is never printed.
#ifndef CLINIC_CLIENTS_CLINICCTL_SESSION_STORE_H_
#define CLINIC_CLIENTS_CLINICCTL_SESSION_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "clients/clinic_client.h"

namespace clinic {
namespace cli {

std::string ConfigDir();

absl::StatusOr<std::optional<SessionTokens>> LoadSession(
    const std::string& server);
absl::Status SaveSession(const std::string& server,
                         const SessionTokens& tokens);
absl::Status DeleteSession(const std::string& server);

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_SESSION_STORE_H_
