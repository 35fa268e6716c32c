// The master key and the per-purpose keys derived from it.
//
// One 256-bit master key, created from the OS CSPRNG by `clinicd init`, lives
// in <data_dir>/master.key with mode 0600. Every other key (each SQLCipher
// database, the document key-encryption keys, ...) is derived from it with
// HKDF-SHA256 and a purpose string, so no derived key is ever stored. The
// process refuses to start if the key file is readable or writable by group or
// others.
//
// File format: the line "clinic-master-key v1" then 64 lowercase hex digits and
// a newline.
//
// Thread-safe after construction (all methods are const).
#ifndef CLINIC_STORAGE_KEYRING_H_
#define CLINIC_STORAGE_KEYRING_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/secret.h"

namespace clinic {
namespace storage {

class Keyring {
 public:
  static constexpr size_t kMasterKeyBytes = 32;

  // Creates a new master key file at `path` (mode 0600). ALREADY_EXISTS if the
  // file exists: a master key is never overwritten.
  static absl::Status CreateMasterKeyFile(const std::string& path);

  // Loads the master key from `path`. PERMISSION_DENIED if group or others have
  // any access to the file (the message says how to fix it); DATA_LOSS if the
  // file is not a master key file; NOT_FOUND if it is missing.
  static absl::StatusOr<std::unique_ptr<Keyring>> Load(const std::string& path);

  // A keyring over a given master key (tests, key ceremonies). INVALID_ARGUMENT
  // unless 32 bytes.
  static absl::StatusOr<std::unique_ptr<Keyring>> FromMasterKey(
      SecretBytes master_key);

  // The key for `purpose` (e.g. "sqlcipher/intake", "documents/kek/3"):
  // HKDF-SHA256 with salt "clinic.v1.keyring" and info = purpose.
  // Deterministic; distinct purposes give independent keys. `length`
  // is 1..255*32 bytes.
  SecretBytes DeriveKey(absl::string_view purpose, size_t length = 32) const;

  // The key of the SQLCipher database of `service` (purpose
  // "sqlcipher/<service>").
  SecretBytes DatabaseKey(absl::string_view service) const;

 private:
  explicit Keyring(SecretBytes master_key)
      : master_key_(std::move(master_key)) {}
  SecretBytes master_key_;
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_KEYRING_H_
