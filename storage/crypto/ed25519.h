// Ed25519 signatures (RFC 8032) through OpenSSL 3. Used to sign access tokens,
// audit chain heads and export manifests so that anyone holding the public key
// can verify them offline. Thread-safe after construction.
#ifndef CLINIC_STORAGE_CRYPTO_ED25519_H_
#define CLINIC_STORAGE_CRYPTO_ED25519_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/secret.h"

struct evp_pkey_st;

namespace clinic {
namespace storage {

class Ed25519Signer {
 public:
  static constexpr size_t kPrivateKeyBytes = 32;
  static constexpr size_t kPublicKeyBytes = 32;
  static constexpr size_t kSignatureBytes = 64;

  // A new key pair from the OS CSPRNG.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> Generate();
  // From a raw 32-byte private key (as returned by private_key()).
  // INVALID_ARGUMENT if malformed.
  static absl::StatusOr<std::unique_ptr<Ed25519Signer>> FromPrivateKey(
      const SecretBytes& private_key);

  ~Ed25519Signer();
  Ed25519Signer(const Ed25519Signer&) = delete;
  Ed25519Signer& operator=(const Ed25519Signer&) = delete;

  // 64-byte signature of `message`.
  std::string Sign(absl::string_view message) const;

  const std::string& public_key() const { return public_key_; }
  // Raw 32-byte private key, for storage in an encrypted database.
  SecretBytes private_key() const;

 private:
  Ed25519Signer(evp_pkey_st* key, std::string public_key)
      : key_(key), public_key_(std::move(public_key)) {}
  evp_pkey_st* key_;
  std::string public_key_;
};

// True if `signature` is a valid signature of `message` under the raw 32-byte
// `public_key`. Malformed keys or signatures verify as false.
bool Ed25519Verify(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature);

// A short, stable, printable id of a public key: the first 8 bytes of its
// SHA-256, hex.
std::string KeyId(absl::string_view public_key);

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_CRYPTO_ED25519_H_
