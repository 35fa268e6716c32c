#include "storage/crypto/key_wrap.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/random.h"

namespace clinic {
namespace storage {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::string Aad(int kek_version, absl::string_view context) {
  std::string aad = "clinic.doc.dek.v1";
  PutU32(&aad, static_cast<uint32_t>(kek_version));
  PutU32(&aad, static_cast<uint32_t>(context.size()));
  aad.append(context.data(), context.size());
  return aad;
}

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<SecretBytes> KeyWrapper::NewDataKey() {
  return RandomSecret(kDataKeyBytes);
}

SecretBytes KeyWrapper::Kek(int kek_version) const {
  return keyring_.DeriveKey(absl::StrCat("documents/kek/", kek_version));
}

absl::StatusOr<std::string> KeyWrapper::Wrap(int kek_version,
                                             const SecretBytes& data_key,
                                             absl::string_view context) const {
  if (kek_version < 1) {
    return absl::InvalidArgumentError(
        "key-encryption key version must be >= 1");
  }
  if (data_key.size() != kDataKeyBytes) {
    return absl::InvalidArgumentError("data key must be 32 bytes");
  }
  absl::StatusOr<std::string> nonce = RandomBytes(kNonceBytes);
  if (!nonce.ok()) return nonce.status();
  SecretBytes kek = Kek(kek_version);
  std::string aad = Aad(kek_version, context);
  std::string out = *nonce;
  out.resize(kWrappedBytes);
  unsigned char* dst = reinterpret_cast<unsigned char*>(&out[kNonceBytes]);
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx != nullptr &&
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                               kek.data(), U(*nonce)) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(aad),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), dst, &len, data_key.data(),
                              static_cast<int>(data_key.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), dst + kDataKeyBytes, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                dst + kDataKeyBytes) == 1;
  if (!ok) return absl::InternalError("wrapping a data key failed");
  return out;
}

absl::StatusOr<SecretBytes> KeyWrapper::Unwrap(
    int kek_version, absl::string_view wrapped,
    absl::string_view context) const {
  if (kek_version < 1 || wrapped.size() != kWrappedBytes) {
    return absl::DataLossError("wrapped data key is malformed");
  }
  SecretBytes kek = Kek(kek_version);
  std::string aad = Aad(kek_version, context);
  SecretBytes key(kDataKeyBytes);
  const unsigned char* src = U(wrapped) + kNonceBytes;
  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, kek.data(),
                         U(wrapped)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(aad),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), key.data(), &len, src,
                        static_cast<int>(kDataKeyBytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          const_cast<unsigned char*>(src + kDataKeyBytes)) ==
          1 &&
      EVP_DecryptFinal_ex(ctx.get(), key.data() + kDataKeyBytes, &len) == 1;
  if (!ok) {
    return absl::DataLossError(
        "wrapped data key does not authenticate under its key-encryption key");
  }
  return key;
}

}  // namespace storage
}  // namespace clinic
