#include "storage/keyring.h"

#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "storage/crypto/hkdf.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

constexpr absl::string_view kHeader = "clinic-master-key v1\n";
constexpr absl::string_view kSalt = "clinic.v1.keyring";

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

absl::Status Keyring::CreateMasterKeyFile(const std::string& path) {
  CLINIC_ASSIGN_OR_RETURN(SecretBytes key, RandomSecret(kMasterKeyBytes));
  std::string hex = absl::BytesToHexString(key.view());
  SecretBytes contents(absl::StrCat(kHeader, hex, "\n"));
  OPENSSL_cleanse(&hex[0], hex.size());
  return CreateFileExclusively(path, contents.view(), 0600);
}

absl::StatusOr<std::unique_ptr<Keyring>> Keyring::Load(
    const std::string& path) {
  CLINIC_ASSIGN_OR_RETURN(mode_t mode, FileMode(path));
  if ((mode & 077) != 0) {
    return absl::PermissionDeniedError(
        absl::StrFormat("the master key file %s can be read or written by "
                        "other users (mode %04o); "
                        "refusing to start. Restrict it with: chmod 600 %s",
                        path, mode, path));
  }
  CLINIC_ASSIGN_OR_RETURN(std::string raw, ReadFile(path, 4096));
  SecretBytes contents(raw);
  if (!raw.empty()) OPENSSL_cleanse(&raw[0], raw.size());
  absl::string_view text = contents.view();
  const std::string not_a_key = absl::StrCat(
      path, " is not a clinic master key file (damaged or replaced?)");
  if (!absl::ConsumePrefix(&text, kHeader))
    return absl::DataLossError(not_a_key);
  text = absl::StripTrailingAsciiWhitespace(text);
  if (text.size() != 2 * kMasterKeyBytes || !IsLowerHex(text)) {
    return absl::DataLossError(not_a_key);
  }
  std::string bytes = absl::HexStringToBytes(text);
  SecretBytes key(bytes);
  OPENSSL_cleanse(&bytes[0], bytes.size());
  return FromMasterKey(std::move(key));
}

absl::StatusOr<std::unique_ptr<Keyring>> Keyring::FromMasterKey(
    SecretBytes master_key) {
  if (master_key.size() != kMasterKeyBytes) {
    return absl::InvalidArgumentError("the master key must be 32 bytes");
  }
  return std::unique_ptr<Keyring>(new Keyring(std::move(master_key)));
}

SecretBytes Keyring::DeriveKey(absl::string_view purpose, size_t length) const {
  absl::StatusOr<SecretBytes> key =
      HkdfSha256(master_key_.view(), kSalt, purpose, length);
  if (!key.ok()) {
    // Only a broken OpenSSL installation gets here; no key can be derived
    // safely.
    std::fprintf(stderr, "fatal: key derivation failed: %s\n",
                 key.status().ToString().c_str());
    std::abort();
  }
  return *std::move(key);
}

SecretBytes Keyring::DatabaseKey(absl::string_view service) const {
  return DeriveKey(absl::StrCat("sqlcipher/", service));
}

}  // namespace storage
}  // namespace clinic
