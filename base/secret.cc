#include "base/secret.h"

#include <openssl/crypto.h>

#include <utility>

namespace clinic {

SecretBytes::SecretBytes(size_t size) : bytes_(size, '\0') {}

SecretBytes::SecretBytes(absl::string_view bytes)
    : bytes_(bytes.data(), bytes.size()) {}

SecretBytes SecretBytes::Adopt(std::string&& bytes) {
  SecretBytes secret;
  secret.bytes_.swap(bytes);
  return secret;
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes::SecretBytes(SecretBytes&& other) noexcept {
  bytes_.swap(other.bytes_);
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_.swap(other.bytes_);
  }
  return *this;
}

void SecretBytes::Wipe() {
  if (!bytes_.empty()) OPENSSL_cleanse(&bytes_[0], bytes_.size());
  bytes_.clear();
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace clinic
