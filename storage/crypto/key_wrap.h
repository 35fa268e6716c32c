// Envelope encryption of document data keys.
//
// Each document version has its own random 256-bit data key. The data key is
// stored only wrapped (AES-256-GCM) by a key-encryption key (KEK). KEKs are
// versioned (1, 2, ...) and derived from the master key
// (Keyring::DeriveKey("documents/kek/<version>")), so no KEK is ever stored and
// every version stays derivable: rotating to a new version means re-wrapping
// every data key, never re-encrypting documents.
//
// Wrapped form: 12-byte random nonce | 32-byte encrypted key | 16-byte tag,
// with associated data "clinic.doc.dek.v1" | u32 kek_version | u32 len(context)
// | context, where the caller's `context` names what the key belongs to (the
// document id and version): a wrapped key copied to another row fails to
// unwrap.
//
// Thread-safe (all methods are const; the keyring must outlive this object).
#ifndef CLINIC_STORAGE_CRYPTO_KEY_WRAP_H_
#define CLINIC_STORAGE_CRYPTO_KEY_WRAP_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/secret.h"
#include "storage/keyring.h"

namespace clinic {
namespace storage {

class KeyWrapper {
 public:
  static constexpr size_t kDataKeyBytes = 32;
  static constexpr size_t kWrappedBytes = 12 + 32 + 16;

  explicit KeyWrapper(const Keyring& keyring) : keyring_(keyring) {}

  // A fresh random data key. INTERNAL if the CSPRNG fails.
  static absl::StatusOr<SecretBytes> NewDataKey();

  // `data_key` (32 bytes) wrapped by KEK `kek_version` (>= 1) for `context`.
  // INVALID_ARGUMENT for a bad key size or version; INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Wrap(int kek_version, const SecretBytes& data_key,
                                   absl::string_view context) const;

  // The data key inside `wrapped`. DATA_LOSS when it does not authenticate
  // under KEK `kek_version` and `context` (altered, moved, wrong version).
  absl::StatusOr<SecretBytes> Unwrap(int kek_version, absl::string_view wrapped,
                                     absl::string_view context) const;

 private:
  SecretBytes Kek(int kek_version) const;
  const Keyring& keyring_;
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_CRYPTO_KEY_WRAP_H_
