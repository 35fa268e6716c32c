#include "services/auth/totp.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/secret.h"

namespace clinic {

int64_t TotpStep(absl::Time t) {
  return absl::ToUnixSeconds(t) / kTotpStepSeconds;
}

std::string TotpCode(absl::string_view secret, int64_t step, int digits) {
  unsigned char counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(step & 0xff);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, secret.data(),
                secret.size(), counter, sizeof counter, mac, sizeof mac,
                &mac_size) == nullptr ||
      mac_size != 20) {
    std::fputs("fatal: HMAC-SHA1 failed\n", stderr);
    std::abort();
  }
  // RFC 4226 section 5.3: dynamic truncation.
  int offset = mac[19] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                    static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return absl::StrFormat("%0*u", digits, binary % modulus);
}

std::optional<int64_t> MatchTotp(absl::string_view secret,
                                 absl::string_view code, absl::Time now,
                                 int window) {
  if (code.size() != 6) return std::nullopt;
  int64_t current = TotpStep(now);
  std::optional<int64_t> matched;
  // Check every step in the window, so the time taken does not depend on which
  // matched.
  for (int64_t step = current - window; step <= current + window; ++step) {
    if (ConstantTimeEquals(TotpCode(secret, step), code) && !matched)
      matched = step;
  }
  return matched;
}

std::string Base32Encode(absl::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string OtpauthUri(absl::string_view username, absl::string_view secret) {
  return absl::StrCat("otpauth://totp/Clinic:", username,
                      "?secret=", Base32Encode(secret),
                      "&issuer=Clinic&algorithm=SHA1&digits=6&period=30");
}

}  // namespace clinic
