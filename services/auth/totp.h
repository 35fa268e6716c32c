// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1,
// 30-second steps), as authenticator apps implement them. Thread-safe (no
// state).
#ifndef CLINIC_SERVICES_AUTH_TOTP_H_
#define CLINIC_SERVICES_AUTH_TOTP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace clinic {

constexpr int64_t kTotpStepSeconds = 30;

// The time step containing `t`.
int64_t TotpStep(absl::Time t);

// The `digits`-digit code (zero-padded) for `secret` at time step `step`.
std::string TotpCode(absl::string_view secret, int64_t step, int digits = 6);

// The step, within `window` steps of now, whose code equals `code` (compared in
// constant time), or nullopt. Callers refuse a step at or before the last one
// accepted (no replay).
std::optional<int64_t> MatchTotp(absl::string_view secret,
                                 absl::string_view code, absl::Time now,
                                 int window);

// RFC 4648 base32, uppercase, without padding (what authenticator apps expect).
std::string Base32Encode(absl::string_view bytes);

// "otpauth://totp/Clinic:alice?secret=...&issuer=Clinic&..." for QR codes.
std::string OtpauthUri(absl::string_view username, absl::string_view secret);

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_TOTP_H_
