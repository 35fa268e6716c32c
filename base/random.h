// Randomness from the operating system's CSPRNG (OpenSSL RAND_bytes), for keys,
// tokens, nonces and identifiers. Thread-safe.
#ifndef CLINIC_BASE_RANDOM_H_
#define CLINIC_BASE_RANDOM_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "base/secret.h"

namespace clinic {

// `n` random bytes. Fails (INTERNAL) only if the CSPRNG cannot be seeded.
absl::StatusOr<SecretBytes> RandomSecret(size_t n);

// `n` random bytes that are not secret (nonces, salts).
absl::StatusOr<std::string> RandomBytes(size_t n);

// A random identifier: 128 bits as 26 lowercase base32 characters ([a-z2-7]),
// URL-safe and safe in resource names and file names. Aborts if the CSPRNG
// fails, since no identifier can be made safely without it.
std::string RandomId();

}  // namespace clinic

#endif  // CLINIC_BASE_RANDOM_H_
