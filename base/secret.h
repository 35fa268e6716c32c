// Secret byte strings and constant-time comparison.
//
// SecretBytes holds key material, passwords or tokens: it is move-only, and its
// memory is wiped (OPENSSL_cleanse) when it is destroyed or overwritten, so
// secrets do not linger in freed heap memory. It never prints its contents.
// Thread-compatible.
#ifndef CLINIC_BASE_SECRET_H_
#define CLINIC_BASE_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace clinic {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size);
  explicit SecretBytes(absl::string_view bytes);
  ~SecretBytes();

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // Takes over `bytes` without copying them (e.g. a received plaintext chunk);
  // they are wiped like any other SecretBytes.
  static SecretBytes Adopt(std::string&& bytes);

  // An explicit copy, so that copies of secrets are visible in the code.
  SecretBytes Clone() const { return SecretBytes(view()); }

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(&bytes_[0]); }
  const uint8_t* data() const {
    return reinterpret_cast<const uint8_t*>(bytes_.data());
  }
  absl::string_view view() const { return bytes_; }

 private:
  void Wipe();
  std::string bytes_;
};

// Compares two byte strings in time that depends only on their lengths, never
// on where they differ. Use it for every comparison of secrets, MACs and hashes
// of secrets.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace clinic

#endif  // CLINIC_BASE_SECRET_H_
