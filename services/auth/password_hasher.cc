#include "services/auth/password_hasher.h"

#include <openssl/evp.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/random.h"
#include "base/secret.h"
#include "services/common/token.h"

namespace clinic {
namespace {

constexpr size_t kHashBytes = 32;
constexpr size_t kSaltBytes = 16;

struct Parsed {
  ScryptParams params;
  std::string salt;
  std::string hash;
};

bool Parse(absl::string_view encoded, Parsed* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  if (!absl::SimpleAtoi(parts[1], &out->params.log2_n) ||
      !absl::SimpleAtoi(parts[2], &out->params.r) ||
      !absl::SimpleAtoi(parts[3], &out->params.p)) {
    return false;
  }
  if (out->params.log2_n < 1 || out->params.log2_n > 24 || out->params.r < 1 ||
      out->params.r > 64 || out->params.p < 1 || out->params.p > 16) {
    return false;
  }
  return Base64UrlDecode(parts[4], &out->salt) &&
         Base64UrlDecode(parts[5], &out->hash) &&
         out->hash.size() == kHashBytes && !out->salt.empty();
}

bool Derive(absl::string_view password, absl::string_view salt,
            const ScryptParams& params, SecretBytes* out) {
  uint64_t n = uint64_t{1} << params.log2_n;
  // Memory bound: 128 * N * r * p plus slack; refuse anything beyond 1 GiB.
  uint64_t maxmem =
      130 * n * static_cast<uint64_t>(params.r) * params.p + (1 << 20);
  if (maxmem > (uint64_t{1} << 30)) return false;
  *out = SecretBytes(kHashBytes);
  return EVP_PBE_scrypt(password.data(), password.size(),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        salt.size(), n, params.r, params.p, maxmem, out->data(),
                        out->size()) == 1;
}

}  // namespace

absl::StatusOr<std::string> HashPassword(absl::string_view password,
                                         const ScryptParams& params) {
  absl::StatusOr<std::string> salt = RandomBytes(kSaltBytes);
  if (!salt.ok()) return salt.status();
  SecretBytes hash;
  if (!Derive(password, *salt, params, &hash)) {
    return absl::InternalError(
        "password hashing failed (scrypt parameters too large?)");
  }
  return absl::StrCat("scrypt$", params.log2_n, "$", params.r, "$", params.p,
                      "$", Base64UrlEncode(*salt), "$",
                      Base64UrlEncode(hash.view()));
}

bool VerifyPassword(absl::string_view password, absl::string_view encoded) {
  Parsed parsed;
  if (!Parse(encoded, &parsed)) return false;
  SecretBytes hash;
  if (!Derive(password, parsed.salt, parsed.params, &hash)) return false;
  return ConstantTimeEquals(hash.view(), parsed.hash);
}

bool NeedsRehash(absl::string_view encoded, const ScryptParams& params) {
  Parsed parsed;
  if (!Parse(encoded, &parsed)) return true;
  return parsed.params.log2_n < params.log2_n || parsed.params.r < params.r ||
         parsed.params.p < params.p;
}

}  // namespace clinic
