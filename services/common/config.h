// Server configuration: loading clinic.v1.ServerConfig from protobuf text
// format, filling in defaults, and validating it. Thread-safe (no shared
// state).
#ifndef CLINIC_SERVICES_COMMON_CONFIG_H_
#define CLINIC_SERVICES_COMMON_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clinic/v1/config.pb.h"

namespace clinic {

// The service names a server can host, in start-up order.
const std::vector<std::string>& AllServiceNames();

// Parses `text`; INVALID_ARGUMENT with "line L column C: reason" on the first
// error (unknown fields are errors). `source` names the file in messages.
absl::StatusOr<v1::ServerConfig> ParseConfig(absl::string_view text,
                                             absl::string_view source);

// Reads and parses a config file.
absl::StatusOr<v1::ServerConfig> LoadConfigFile(const std::string& path);

// Fills every unset field with its documented default.
void ApplyConfigDefaults(v1::ServerConfig* config);

// INVALID_ARGUMENT naming the field for anything out of range or inconsistent
// (unknown service names, plaintext on a non-loopback address, ...). Call after
// defaults.
absl::Status ValidateConfig(const v1::ServerConfig& config);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_CONFIG_H_
