// Password hashing with scrypt (OpenSSL 3 EVP_PBE_scrypt), a memory-hard KDF.
//
// Encoded hash: "scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>".
// The cost parameters travel with each hash, so they can be raised later: a
// hash made with lower costs still verifies, and NeedsRehash tells the caller
// to store a fresh one.
//
// Thread-safe (no state). Each hash costs N * r * 128 bytes of memory (32 MiB
// at the default N = 2^15, r = 8).
#ifndef CLINIC_SERVICES_AUTH_PASSWORD_HASHER_H_
#define CLINIC_SERVICES_AUTH_PASSWORD_HASHER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {

struct ScryptParams {
  int log2_n = 15;
  int r = 8;
  int p = 1;
};

// A new encoded hash of `password` with a fresh 16-byte random salt.
absl::StatusOr<std::string> HashPassword(absl::string_view password,
                                         const ScryptParams& params);

// True if `password` matches `encoded` (compared in constant time). A malformed
// `encoded` never matches.
bool VerifyPassword(absl::string_view password, absl::string_view encoded);

// True if `encoded` was made with costs below `params`.
bool NeedsRehash(absl::string_view encoded, const ScryptParams& params);

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_PASSWORD_HASHER_H_
