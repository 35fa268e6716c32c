// The password rules (NIST SP 800-63B, section 5.1.1.2): long enough, not known
// to be common or compromised, no composition rules. Passwords are compared
// after Unicode NFC normalisation, so the same password typed on different
// systems is the same password.
//
// Thread-safe after construction.
#ifndef CLINIC_SERVICES_AUTH_PASSWORD_POLICY_H_
#define CLINIC_SERVICES_AUTH_PASSWORD_POLICY_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {

class PasswordPolicy {
 public:
  static constexpr int kMinLength = 15;
  static constexpr int kMaxLength = 128;

  // The built-in list of common passwords, plus the lines of `extra_list_file`
  // if given (one password per line; e.g. a breached-password corpus the clinic
  // obtained).
  static absl::StatusOr<std::unique_ptr<PasswordPolicy>> Create(
      const std::string& extra_list_file = "");

  // OK, or INVALID_ARGUMENT naming `field` and saying what is wrong in words a
  // person can act on ("at least 15 characters", "made of common words", ...).
  // Never echoes the password.
  absl::Status Check(absl::string_view field, absl::string_view password,
                     absl::string_view username,
                     absl::string_view display_name) const;

  // The NFC form of `password` (what is hashed); the input if it is not valid
  // UTF-8.
  static std::string Normalize(absl::string_view password);

 private:
  PasswordPolicy() = default;
  bool BuiltFromCommonWords(const std::string& skeleton) const;

  absl::flat_hash_set<std::string> words_;
  size_t longest_word_ = 0;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_PASSWORD_POLICY_H_
