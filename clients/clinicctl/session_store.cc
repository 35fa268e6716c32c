#include "clients/clinicctl/session_store.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

std::string SessionPath(const std::string& server) {
  std::string name;
  for (char c : server)
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return storage::JoinPath(ConfigDir(), absl::StrCat("session-", name));
}

}  // namespace

std::string ConfigDir() {
  if (const char* dir = std::getenv("CLINICCTL_CONFIG_DIR"); dir && *dir)
    return dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return storage::JoinPath(xdg, "clinicctl");
  }
  const char* home = std::getenv("HOME");
  return storage::JoinPath(storage::JoinPath(home ? home : ".", ".config"),
                           "clinicctl");
}

absl::StatusOr<std::optional<SessionTokens>> LoadSession(
    const std::string& server) {
  std::string path = SessionPath(server);
  if (!storage::PathExists(path)) return std::optional<SessionTokens>();
  CLINIC_ASSIGN_OR_RETURN(mode_t mode, storage::FileMode(path));
  if ((mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the session file ", path,
        " can be read by other users; delete it and log in again"));
  }
  CLINIC_ASSIGN_OR_RETURN(std::string text, storage::ReadFile(path, 64 << 10));
  SessionTokens tokens;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    int64_t seconds = 0;
    if (kv.first == "username") tokens.username = kv.second;
    if (kv.first == "access_token") tokens.access_token = kv.second;
    if (kv.first == "refresh_token") tokens.refresh_token = kv.second;
    if (kv.first == "access_expiry" && absl::SimpleAtoi(kv.second, &seconds)) {
      tokens.access_expiry = absl::FromUnixSeconds(seconds);
    }
    if (kv.first == "refresh_expiry" && absl::SimpleAtoi(kv.second, &seconds)) {
      tokens.refresh_expiry = absl::FromUnixSeconds(seconds);
    }
  }
  if (tokens.access_token.empty()) return std::optional<SessionTokens>();
  return std::optional<SessionTokens>(tokens);
}

absl::Status SaveSession(const std::string& server,
                         const SessionTokens& tokens) {
  CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(ConfigDir(), 0700));
  std::string text = absl::StrCat(
      "username=", tokens.username, "\naccess_token=", tokens.access_token,
      "\naccess_expiry=", absl::ToUnixSeconds(tokens.access_expiry),
      "\nrefresh_token=", tokens.refresh_token,
      "\nrefresh_expiry=", absl::ToUnixSeconds(tokens.refresh_expiry), "\n");
  return storage::WriteFileAtomically(SessionPath(server), text, 0600);
}

absl::Status DeleteSession(const std::string& server) {
  std::string path = SessionPath(server);
  if (storage::PathExists(path) && ::unlink(path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot remove ", path));
  }
  return absl::OkStatus();
}

}  // namespace cli
}  // namespace clinic
