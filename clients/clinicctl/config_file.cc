#include "clients/clinicctl/config_file.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/clinicctl/session_store.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

constexpr char kServicePrefix[] = "service.";

}  // namespace

bool IsConfigKey(absl::string_view key) {
  if (key == "server" || key == "ca") return true;
  absl::string_view service = key;
  return absl::ConsumePrefix(&service, kServicePrefix) && !service.empty() &&
         service.find_first_not_of("abcdefghijklmnopqrstuvwxyz") ==
             absl::string_view::npos;
}

absl::Status SetConfigValue(ClientConfig& config, absl::string_view key,
                            absl::string_view value) {
  if (!IsConfigKey(key)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", key,
                     "\" is not a setting; use server, ca or "
                     "service.<name> (e.g. service.intake)"));
  }
  if (key == "server") {
    config.server = std::string(value);
  } else if (key == "ca") {
    config.ca = std::string(value);
  } else {
    std::string service(key.substr(sizeof(kServicePrefix) - 1));
    if (value.empty()) {
      config.services.erase(service);
    } else {
      config.services[service] = std::string(value);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ClientConfig> ParseClientConfig(absl::string_view text) {
  ClientConfig config;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = line.substr(0, line.find('#'));
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("config line ", number, ": expected \"key = value\" in ",
                       ConfigFilePath()));
    }
    absl::Status set =
        SetConfigValue(config, absl::StripAsciiWhitespace(parts[0]),
                       absl::StripAsciiWhitespace(parts[1]));
    if (!set.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("config line ", number,
                                                     " of ", ConfigFilePath(),
                                                     ": ", set.message()));
    }
  }
  return config;
}

std::string RenderClientConfig(const ClientConfig& config) {
  std::string out = "# clinicctl configuration (clinicctl config --help)\n";
  if (!config.server.empty())
    absl::StrAppend(&out, "server = ", config.server, "\n");
  if (!config.ca.empty()) absl::StrAppend(&out, "ca = ", config.ca, "\n");
  for (const auto& [service, address] : config.services) {
    absl::StrAppend(&out, kServicePrefix, service, " = ", address, "\n");
  }
  return out;
}

std::string ConfigFilePath() {
  return storage::JoinPath(ConfigDir(), "config");
}

absl::StatusOr<ClientConfig> LoadClientConfig() {
  const std::string path = ConfigFilePath();
  if (!storage::PathExists(path)) return ClientConfig();
  absl::StatusOr<std::string> text = storage::ReadFile(path, 1 << 20);
  if (!text.ok()) return text.status();
  return ParseClientConfig(*text);
}

absl::Status SaveClientConfig(const ClientConfig& config) {
  absl::Status made = storage::MakeDirectories(ConfigDir(), 0700);
  if (!made.ok()) return made;
  return storage::WriteFileAtomically(ConfigFilePath(),
                                      RenderClientConfig(config), 0600);
}

}  // namespace cli
}  // namespace clinic
