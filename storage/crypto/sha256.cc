#include "storage/crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"

namespace clinic {
namespace storage {
namespace {

void Check(int ok) {
  // EVP digest calls fail only on allocation failure or a broken OpenSSL.
  if (ok != 1) {
    std::fputs("fatal: SHA-256 failed\n", stderr);
    std::abort();
  }
}

}  // namespace

Sha256Hasher::Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
  Check(ctx_ != nullptr);
  Check(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr));
}

Sha256Hasher::~Sha256Hasher() { EVP_MD_CTX_free(ctx_); }

void Sha256Hasher::Update(absl::string_view data) {
  Check(EVP_DigestUpdate(ctx_, data.data(), data.size()));
}

std::string Sha256Hasher::Finish() {
  std::string digest(32, '\0');
  unsigned int size = 0;
  Check(EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char*>(&digest[0]),
                           &size));
  Check(EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr));
  return digest;
}

std::string Sha256(absl::string_view data) {
  Sha256Hasher hasher;
  hasher.Update(data);
  return hasher.Finish();
}

std::string Sha256Hex(absl::string_view data) {
  return absl::BytesToHexString(Sha256(data));
}

}  // namespace storage
}  // namespace clinic
