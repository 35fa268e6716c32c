// Fixed keys for the fuzz targets and their corpus generator, so that seeds
// carry genuine signatures and ciphertexts and the fuzzer starts from inputs
// that reach the deep end of each verifier. Test keys only; they protect
// nothing.
#ifndef CLINIC_TESTS_FUZZ_FUZZ_KEYS_H_
#define CLINIC_TESTS_FUZZ_FUZZ_KEYS_H_

#include <string>

#include "absl/time/time.h"

namespace clinic {
namespace fuzz {

// Raw 32-byte Ed25519 private keys.
inline std::string TokenSigningKey() { return std::string(32, '\x42'); }
inline std::string AuditSigningKey() { return std::string(32, '\x5a'); }

// The AES-256 data key and binding of the segmented-AEAD seeds.
inline std::string DocumentDataKey() { return std::string(32, '\x17'); }
inline const char* DocumentId() { return "doc-fuzz"; }
constexpr int64_t kDocumentVersion = 3;

// "Now" for the token verifier: token seeds are issued just before it.
inline absl::Time FuzzNow() { return absl::FromUnixSeconds(1795000000); }

}  // namespace fuzz
}  // namespace clinic

#endif  // CLINIC_TESTS_FUZZ_FUZZ_KEYS_H_
