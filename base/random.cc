#include "base/random.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

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

namespace {

// Base32 in ASCII order, so that byte order of encoded values follows their
// numeric order (TimeOrderedId's prefix).
constexpr char kAlphabet[] = "234567abcdefghijklmnopqrstuvwxyz";

void RandomOrDie(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    std::fputs("fatal: the system random number generator failed\n", stderr);
    std::abort();
  }
}

// Appends `chars` base32 characters taken from the bits of `raw`, most
// significant first; `raw` must hold at least chars * 5 bits.
void AppendBase32(const unsigned char* raw, size_t chars, std::string* out) {
  unsigned bits = 0, nbits = 0;
  for (size_t i = 0; chars > 0; --chars) {
    if (nbits < 5) {
      bits = (bits << 8) | raw[i++];
      nbits += 8;
    }
    out->push_back(kAlphabet[(bits >> (nbits - 5)) & 31]);
    nbits -= 5;
  }
}

constexpr size_t kIdChars = 26;
constexpr size_t kTimeChars = 7;  // 35 bits of seconds: until the year 3058

}  // namespace

std::string RandomId() {
  unsigned char raw[17];  // 26 characters x 5 bits = 130 bits
  RandomOrDie(raw, sizeof raw);
  std::string id;
  id.reserve(kIdChars);
  AppendBase32(raw, kIdChars, &id);
  return id;
}

std::string TimeOrderedId() { return TimeOrderedId(absl::Now()); }

std::string TimeOrderedId(absl::Time now) {
  const uint64_t seconds = static_cast<uint64_t>(absl::ToUnixSeconds(now));
  std::string id;
  id.reserve(kIdChars);
  for (int shift = 5 * (kTimeChars - 1); shift >= 0; shift -= 5) {
    id.push_back(kAlphabet[(seconds >> shift) & 31]);
  }
  unsigned char raw[12];  // 19 characters x 5 bits = 95 bits
  RandomOrDie(raw, sizeof raw);
  AppendBase32(raw, kIdChars - kTimeChars, &id);
  return id;
}

}  // namespace clinic
