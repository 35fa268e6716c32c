#include "base/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"

namespace clinic {

absl::StatusOr<SecretBytes> RandomSecret(size_t n) {
  SecretBytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    return absl::InternalError("the system random number generator failed");
  }
  return out;
}

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(&out[0]),
                          static_cast<int>(n)) != 1) {
    return absl::InternalError("the system random number generator failed");
  }
  return out;
}

std::string RandomId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char raw[17];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    std::fputs("fatal: the system random number generator failed\n", stderr);
    std::abort();
  }
  std::string id;
  id.reserve(26);
  // 26 characters x 5 bits = 130 bits; the top bits of the 17th byte pad the
  // last one.
  unsigned bits = 0, nbits = 0;
  size_t i = 0;
  while (id.size() < 26) {
    if (nbits < 5) {
      bits = (bits << 8) | raw[i++];
      nbits += 8;
    }
    id.push_back(kAlphabet[(bits >> (nbits - 5)) & 31]);
    nbits -= 5;
  }
  return id;
}

}  // namespace clinic
