// Fuzzes access-token decoding and verification: every request's
// `authorization: Bearer` metadata reaches TokenVerifier::Verify before
// anything else, from anyone.
//
// Input modes (first byte):
//   even: the input is the token text, as a client would send it;
//   odd:  the rest is a serialized AccessTokenClaims, which the target signs
//         with the verifier's key, so that the checks behind the signature
//         (claims parsing, times, revocations) are fuzzed too.
//
// Properties: never crashes; every refusal is UNAUTHENTICATED; a token whose
// claims were not signed by the trusted key never verifies; base64url decoding
// and encoding round-trip.
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/secret.h"
#include "services/common/token.h"
#include "services/common/token_verifier.h"
#include "storage/crypto/ed25519.h"
#include "tests/fuzz/fuzz_keys.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

struct Fixture {
  Fixture() : clock(clinic::fuzz::FuzzNow()), verifier(&clock, nullptr) {
    signer = *clinic::storage::Ed25519Signer::FromPrivateKey(
        clinic::SecretBytes(clinic::fuzz::TokenSigningKey()));
    key_id = clinic::storage::KeyId(signer->public_key());
    clinic::v1::VerificationKey key;
    key.set_key_id(key_id);
    key.set_public_key(signer->public_key());
    verifier.AddKey(key);
    // A revoked session and user, so that the revocation checks run.
    clinic::v1::Revocation revocation;
    revocation.set_session_id("revoked-session");
    revocation.mutable_revoke_time()->set_seconds(
        absl::ToUnixSeconds(clinic::fuzz::FuzzNow()));
    verifier.Revoke(revocation);
  }
  clinic::FakeClock clock;
  clinic::TokenVerifier verifier;
  std::unique_ptr<clinic::storage::Ed25519Signer> signer;
  std::string key_id;
};

Fixture& GetFixture() {
  static Fixture* const fixture = new Fixture();
  return *fixture;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 3 * clinic::kMaxTokenBytes) return 0;
  Fixture& f = GetFixture();
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  const bool sign = (data[0] & 1) != 0;

  std::string token;
  if (sign) {
    clinic::v1::SignedToken signed_token;
    signed_token.set_key_id(f.key_id);
    signed_token.set_claims(std::string(input.substr(1)));
    signed_token.set_signature(
        f.signer->Sign(clinic::TokenSigningInput(signed_token.claims())));
    token = "v1." + clinic::Base64UrlEncode(signed_token.SerializeAsString());
  } else {
    token = std::string(input);
  }

  auto decoded = clinic::DecodeAccessToken(token);
  if (!decoded.ok()) {
    CLINIC_FUZZ_CHECK(decoded.status().code() ==
                      absl::StatusCode::kUnauthenticated);
  }
  auto claims = f.verifier.Verify(token);
  if (!claims.ok()) {
    CLINIC_FUZZ_CHECK(claims.status().code() ==
                      absl::StatusCode::kUnauthenticated);
  } else {
    // Only what the trusted key signed verifies.
    CLINIC_FUZZ_CHECK(decoded.ok());
    CLINIC_FUZZ_CHECK(clinic::storage::Ed25519Verify(
        f.signer->public_key(), clinic::TokenSigningInput(decoded->claims()),
        decoded->signature()));
    CLINIC_FUZZ_CHECK(!claims->username().empty());
    CLINIC_FUZZ_CHECK(claims->session_id() != "revoked-session");
  }

  // Base64url: what decodes re-encodes to a string that decodes the same.
  std::string bytes;
  if (clinic::Base64UrlDecode(input, &bytes)) {
    std::string again;
    CLINIC_FUZZ_CHECK(
        clinic::Base64UrlDecode(clinic::Base64UrlEncode(bytes), &again));
    CLINIC_FUZZ_CHECK(again == bytes);
  }
  return 0;
}
