// HKDF-SHA256 (RFC 5869) through OpenSSL 3's EVP_KDF interface. Thread-safe.
#ifndef CLINIC_STORAGE_CRYPTO_HKDF_H_
#define CLINIC_STORAGE_CRYPTO_HKDF_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/secret.h"

namespace clinic {
namespace storage {

// Derives `length` bytes (1..8160) from input keying material `ikm` with `salt`
// and `info`. INVALID_ARGUMENT for a bad length; INTERNAL if OpenSSL fails.
absl::StatusOr<SecretBytes> HkdfSha256(absl::string_view ikm,
                                       absl::string_view salt,
                                       absl::string_view info, size_t length);

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_CRYPTO_HKDF_H_
