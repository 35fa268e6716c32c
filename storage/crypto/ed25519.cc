#include "storage/crypto/ed25519.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace storage {
namespace {

absl::StatusOr<std::string> RawPublicKey(EVP_PKEY* key) {
  std::string out(Ed25519Signer::kPublicKeyBytes, '\0');
  size_t size = out.size();
  if (EVP_PKEY_get_raw_public_key(
          key, reinterpret_cast<unsigned char*>(&out[0]), &size) != 1 ||
      size != out.size()) {
    return absl::InternalError("cannot read an Ed25519 public key");
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr)
    return absl::InternalError("cannot generate an Ed25519 key");
  absl::StatusOr<std::string> pub = RawPublicKey(key);
  if (!pub.ok()) {
    EVP_PKEY_free(key);
    return pub.status();
  }
  return std::unique_ptr<Ed25519Signer>(new Ed25519Signer(key, *pub));
}

absl::StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::FromPrivateKey(
    const SecretBytes& private_key) {
  if (private_key.size() != kPrivateKeyBytes) {
    return absl::InvalidArgumentError("an Ed25519 private key is 32 bytes");
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, private_key.data(), private_key.size());
  if (key == nullptr)
    return absl::InvalidArgumentError("malformed Ed25519 private key");
  absl::StatusOr<std::string> pub = RawPublicKey(key);
  if (!pub.ok()) {
    EVP_PKEY_free(key);
    return pub.status();
  }
  return std::unique_ptr<Ed25519Signer>(new Ed25519Signer(key, *pub));
}

Ed25519Signer::~Ed25519Signer() { EVP_PKEY_free(key_); }

std::string Ed25519Signer::Sign(absl::string_view message) const {
  std::string signature(kSignatureBytes, '\0');
  size_t size = signature.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr &&
            EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_) == 1 &&
            EVP_DigestSign(
                ctx, reinterpret_cast<unsigned char*>(&signature[0]), &size,
                reinterpret_cast<const unsigned char*>(message.data()),
                message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || size != kSignatureBytes) {
    // Signing with a valid in-memory key fails only if OpenSSL is broken.
    std::fputs("fatal: Ed25519 signing failed\n", stderr);
    std::abort();
  }
  return signature;
}

SecretBytes Ed25519Signer::private_key() const {
  SecretBytes out(kPrivateKeyBytes);
  size_t size = out.size();
  if (EVP_PKEY_get_raw_private_key(key_, out.data(), &size) != 1 ||
      size != kPrivateKeyBytes) {
    std::fputs("fatal: cannot export an Ed25519 private key\n", stderr);
    std::abort();
  }
  return out;
}

bool Ed25519Verify(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature) {
  if (public_key.size() != Ed25519Signer::kPublicKeyBytes ||
      signature.size() != Ed25519Signer::kSignatureBytes) {
    return false;
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size());
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
            EVP_DigestVerify(
                ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                signature.size(),
                reinterpret_cast<const unsigned char*>(message.data()),
                message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

std::string KeyId(absl::string_view public_key) {
  return absl::BytesToHexString(Sha256(public_key).substr(0, 8));
}

}  // namespace storage
}  // namespace clinic
