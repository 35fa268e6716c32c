// SHA-256 (OpenSSL EVP), one-shot and incremental. Thread-compatible.
#ifndef CLINIC_STORAGE_CRYPTO_SHA256_H_
#define CLINIC_STORAGE_CRYPTO_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;

namespace clinic {
namespace storage {

// The 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

// Lowercase hex of Sha256(data).
std::string Sha256Hex(absl::string_view data);

// Incremental hashing of a stream.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(absl::string_view data);
  // The digest of everything so far; the hasher starts over afterwards.
  std::string Finish();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_CRYPTO_SHA256_H_
