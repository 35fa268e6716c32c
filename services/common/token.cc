#include "services/common/token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace clinic {
namespace {

constexpr absl::string_view kPrefix = "v1.";
constexpr absl::string_view kSigningContext{"clinic.v1.AccessTokenClaims\0",
                                            28};

}  // namespace

std::string TokenSigningInput(absl::string_view serialized_claims) {
  return absl::StrCat(kSigningContext, serialized_claims);
}

std::string Base64UrlEncode(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);  // unpadded
  return out;
}

bool Base64UrlDecode(absl::string_view text, std::string* bytes) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return absl::WebSafeBase64Unescape(text, bytes);
}

std::string EncodeAccessToken(const v1::AccessTokenClaims& claims,
                              const storage::Ed25519Signer& signer,
                              absl::string_view key_id) {
  v1::SignedToken token;
  token.set_key_id(std::string(key_id));
  claims.SerializeToString(token.mutable_claims());
  token.set_signature(signer.Sign(TokenSigningInput(token.claims())));
  return absl::StrCat(kPrefix, Base64UrlEncode(token.SerializeAsString()));
}

absl::StatusOr<v1::SignedToken> DecodeAccessToken(absl::string_view token) {
  const absl::Status malformed =
      absl::UnauthenticatedError("the access token is not valid; log in again");
  if (token.size() > kMaxTokenBytes || !absl::ConsumePrefix(&token, kPrefix)) {
    return malformed;
  }
  std::string bytes;
  if (!Base64UrlDecode(token, &bytes)) return malformed;
  v1::SignedToken signed_token;
  if (!signed_token.ParseFromString(bytes) || signed_token.claims().empty() ||
      signed_token.signature().size() !=
          storage::Ed25519Signer::kSignatureBytes ||
      signed_token.key_id().empty()) {
    return malformed;
  }
  return signed_token;
}

}  // namespace clinic
