// Randomness from the operating system's CSPRNG (OpenSSL RAND_bytes), for keys,
// tokens, nonces and identifiers. Thread-safe.
#ifndef CLINIC_BASE_RANDOM_H_
#define CLINIC_BASE_RANDOM_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/secret.h"

namespace clinic {

// `n` random bytes. Fails (INTERNAL) only if the CSPRNG cannot be seeded.
absl::StatusOr<SecretBytes> RandomSecret(size_t n);

// `n` random bytes that are not secret (nonces, salts).
absl::StatusOr<std::string> RandomBytes(size_t n);

// A random identifier: 130 random bits as 26 lowercase base32 characters
// ([2-7a-z]), URL-safe and safe in resource names and file names. For names
// that must reveal nothing, not even when they were made (blob files, tokens,
// sessions). Aborts if the CSPRNG fails, since no identifier can be made
// safely without it.
std::string RandomId();

// An identifier for a new record (client, case, document, hearing, ...): 26
// characters from the same alphabet as RandomId, the first 7 the current
// second (Unix time, big-endian, in an alphabet sorted in byte order), the
// other 19 95 random bits. Ids made later sort later, so a table keyed by them
// grows at its end: each new row lands in the same few index pages instead of
// a random one, which on SQLCipher is one page to encrypt per commit instead
// of one per row (the figures are in tests/bench/README.md).
// The id reveals the second the record was created, which its create_time
// already shows to anyone allowed to read it; 95 random bits keep ids
// unguessable and unique. Access never depends on knowing an id.
std::string TimeOrderedId();
// The same, made at `now` (for tests).
std::string TimeOrderedId(absl::Time now);

}  // namespace clinic

#endif  // CLINIC_BASE_RANDOM_H_
