// The access-token wire format, shared by the auth service (which signs tokens)
// and every service (which verifies them locally).
//
//   token = "v1." base64url(SignedToken)      (unpadded, URL-safe alphabet)
//   SignedToken.signature = Ed25519(key, "clinic.v1.AccessTokenClaims\0" ||
//   claims)
//
// Tokens are secrets: never log them. Thread-safe (no state).
#ifndef CLINIC_SERVICES_COMMON_TOKEN_H_
#define CLINIC_SERVICES_COMMON_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clinic/v1/auth.pb.h"
#include "storage/crypto/ed25519.h"

namespace clinic {

// Largest token accepted (a real one is a few hundred bytes).
constexpr size_t kMaxTokenBytes = 4096;

// The bytes a token signature covers.
std::string TokenSigningInput(absl::string_view serialized_claims);

// Signs `claims` with `signer` (identified by `key_id`) and encodes the token.
std::string EncodeAccessToken(const v1::AccessTokenClaims& claims,
                              const storage::Ed25519Signer& signer,
                              absl::string_view key_id);

// Decodes the envelope without checking the signature. UNAUTHENTICATED for
// anything malformed (wrong prefix, bad base64, truncated, oversized).
absl::StatusOr<v1::SignedToken> DecodeAccessToken(absl::string_view token);

// Base64url without padding (RFC 4648 section 5).
std::string Base64UrlEncode(absl::string_view bytes);
bool Base64UrlDecode(absl::string_view text, std::string* bytes);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_TOKEN_H_
