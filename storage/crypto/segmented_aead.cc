#include "storage/crypto/segmented_aead.h"

#include <openssl/evp.h>

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "base/random.h"

namespace clinic {
namespace storage {
namespace {

constexpr char kMagic[] = "CLINSEG1";
constexpr size_t kMagicBytes = 8;
constexpr size_t kNoncePrefixBytes = 7;
constexpr size_t kNonceBytes = 12;
constexpr char kAadLabel[] = "clinic.doc.seg.v1";
constexpr uint64_t kMaxSegments = uint64_t{1} << 32;

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

uint32_t GetU32(absl::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

std::string AadPrefix(const SegmentBinding& binding, absl::string_view header) {
  std::string aad(kAadLabel);
  PutU32(&aad, static_cast<uint32_t>(binding.document_id.size()));
  aad.append(binding.document_id);
  PutU64(&aad, static_cast<uint64_t>(binding.version));
  aad.append(header.data(), header.size());
  return aad;
}

// The nonce and the AAD of segment `index`.
void SegmentParams(absl::string_view header, const std::string& aad_prefix,
                   uint64_t index, bool last, unsigned char nonce[kNonceBytes],
                   std::string* aad) {
  std::copy(header.begin() + kMagicBytes + 4,
            header.begin() + kMagicBytes + 4 + kNoncePrefixBytes, nonce);
  nonce[7] = static_cast<unsigned char>((index >> 24) & 0xff);
  nonce[8] = static_cast<unsigned char>((index >> 16) & 0xff);
  nonce[9] = static_cast<unsigned char>((index >> 8) & 0xff);
  nonce[10] = static_cast<unsigned char>(index & 0xff);
  nonce[11] = last ? 1 : 0;
  *aad = aad_prefix;
  PutU64(aad, index);
  aad->push_back(last ? 1 : 0);
}

absl::StatusOr<evp_cipher_ctx_st*> NewContext(const SecretBytes& key,
                                              bool encrypt) {
  if (key.size() != SegmentedAead::kKeyBytes) {
    return absl::InvalidArgumentError("data key must be 32 bytes");
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return absl::InternalError("EVP_CIPHER_CTX_new failed");
  int ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr,
                             encrypt ? 1 : 0) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, kNonceBytes,
                               nullptr) == 1 &&
           EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nullptr,
                             encrypt ? 1 : 0) == 1;
  if (!ok) {
    EVP_CIPHER_CTX_free(ctx);
    return absl::InternalError("AES-256-GCM initialisation failed");
  }
  return ctx;
}

// Decrypts one segment into the tail of `out`; on failure `out` is restored.
absl::Status OpenSegment(EVP_CIPHER_CTX* ctx, absl::string_view header,
                         const std::string& aad_prefix, uint64_t index,
                         bool last, absl::string_view ciphertext,
                         std::string* out) {
  if (ciphertext.size() < SegmentedAead::kTagBytes) {
    return absl::DataLossError("document ciphertext is truncated");
  }
  unsigned char nonce[kNonceBytes];
  std::string aad;
  SegmentParams(header, aad_prefix, index, last, nonce, &aad);
  const size_t body = ciphertext.size() - SegmentedAead::kTagBytes;
  const size_t start = out->size();
  out->resize(start + body);
  unsigned char* dst = reinterpret_cast<unsigned char*>(&(*out)[0]) + start;
  const unsigned char* src =
      reinterpret_cast<const unsigned char*>(ciphertext.data());
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      (body == 0 ||
       EVP_DecryptUpdate(ctx, dst, &len, src, static_cast<int>(body)) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, SegmentedAead::kTagBytes,
                          const_cast<unsigned char*>(src + body)) == 1 &&
      EVP_DecryptFinal_ex(ctx, dst + body, &len) == 1;
  if (!ok) {
    // Wipe what was decrypted before the tag check failed.
    std::fill(out->begin() + start, out->end(), '\0');
    out->resize(start);
    return absl::DataLossError(absl::StrCat(
        "document segment ", index,
        " failed authentication (altered, truncated, reordered or not from "
        "this document)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> ParseHeader(absl::string_view header) {
  if (header.size() != SegmentedAead::kHeaderBytes ||
      header.substr(0, kMagicBytes) != absl::string_view(kMagic, kMagicBytes)) {
    return absl::DataLossError("document ciphertext has no valid header");
  }
  uint32_t segment = GetU32(header.substr(kMagicBytes, 4));
  if (segment < SegmentedAead::kMinSegmentBytes ||
      segment > SegmentedAead::kMaxSegmentBytes) {
    return absl::DataLossError(
        "document ciphertext header has an impossible segment size");
  }
  return segment;
}

}  // namespace

int64_t SegmentedAead::CiphertextSize(int64_t plaintext_bytes,
                                      size_t segment_bytes) {
  int64_t segments =
      plaintext_bytes == 0
          ? 1
          : (plaintext_bytes + static_cast<int64_t>(segment_bytes) - 1) /
                static_cast<int64_t>(segment_bytes);
  return static_cast<int64_t>(kHeaderBytes) + plaintext_bytes +
         segments * static_cast<int64_t>(kTagBytes);
}

// ---- SegmentEncryptor
// --------------------------------------------------------

absl::StatusOr<std::unique_ptr<SegmentEncryptor>> SegmentEncryptor::Create(
    const SecretBytes& key, SegmentBinding binding, size_t segment_bytes) {
  if (segment_bytes < SegmentedAead::kMinSegmentBytes ||
      segment_bytes > SegmentedAead::kMaxSegmentBytes) {
    return absl::InvalidArgumentError("segment size out of range");
  }
  std::unique_ptr<SegmentEncryptor> e(new SegmentEncryptor());
  auto ctx = NewContext(key, /*encrypt=*/true);
  if (!ctx.ok()) return ctx.status();
  e->ctx_ = *ctx;
  auto prefix = RandomBytes(kNoncePrefixBytes);
  if (!prefix.ok()) return prefix.status();
  e->header_.assign(kMagic, kMagicBytes);
  PutU32(&e->header_, static_cast<uint32_t>(segment_bytes));
  e->header_.append(*prefix);
  e->aad_prefix_ = AadPrefix(binding, e->header_);
  e->segment_bytes_ = segment_bytes;
  e->pending_.reserve(segment_bytes);
  return e;
}

SegmentEncryptor::~SegmentEncryptor() {
  EVP_CIPHER_CTX_free(ctx_);
  std::fill(pending_.begin(), pending_.end(), '\0');
}

absl::Status SegmentEncryptor::EmitHeader(std::string* out) {
  if (!header_emitted_) {
    out->append(header_);
    header_emitted_ = true;
  }
  return absl::OkStatus();
}

absl::Status SegmentEncryptor::Seal(absl::string_view plaintext, bool last,
                                    std::string* out) {
  if (next_index_ >= kMaxSegments) {
    return absl::OutOfRangeError("document has too many segments");
  }
  unsigned char nonce[kNonceBytes];
  std::string aad;
  SegmentParams(header_, aad_prefix_, next_index_, last, nonce, &aad);
  const size_t start = out->size();
  out->resize(start + plaintext.size() + SegmentedAead::kTagBytes);
  unsigned char* dst = reinterpret_cast<unsigned char*>(&(*out)[0]) + start;
  int len = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_EncryptUpdate(ctx_, nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      (plaintext.empty() ||
       EVP_EncryptUpdate(
           ctx_, dst, &len,
           reinterpret_cast<const unsigned char*>(plaintext.data()),
           static_cast<int>(plaintext.size())) == 1) &&
      EVP_EncryptFinal_ex(ctx_, dst + plaintext.size(), &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, SegmentedAead::kTagBytes,
                          dst + plaintext.size()) == 1;
  if (!ok) {
    out->resize(start);
    return absl::InternalError("AES-256-GCM encryption failed");
  }
  ++next_index_;
  return absl::OkStatus();
}

absl::Status SegmentEncryptor::Update(absl::string_view plaintext,
                                      std::string* out) {
  if (finished_) return absl::FailedPreconditionError("encryptor finished");
  EmitHeader(out).IgnoreError();
  plaintext_bytes_ += static_cast<int64_t>(plaintext.size());
  while (!plaintext.empty()) {
    // A full pending segment is sealed as "not last" only once more data
    // proves it is not the last.
    if (pending_.size() == segment_bytes_) {
      absl::Status sealed = Seal(pending_, /*last=*/false, out);
      std::fill(pending_.begin(), pending_.end(), '\0');
      pending_.clear();
      if (!sealed.ok()) return sealed;
    }
    if (pending_.empty() && plaintext.size() > segment_bytes_) {
      // Fast path: whole segments straight from the input.
      absl::Status sealed =
          Seal(plaintext.substr(0, segment_bytes_), /*last=*/false, out);
      if (!sealed.ok()) return sealed;
      plaintext.remove_prefix(segment_bytes_);
      continue;
    }
    size_t take = std::min(plaintext.size(), segment_bytes_ - pending_.size());
    pending_.append(plaintext.data(), take);
    plaintext.remove_prefix(take);
  }
  return absl::OkStatus();
}

absl::Status SegmentEncryptor::Finish(std::string* out) {
  if (finished_) return absl::FailedPreconditionError("encryptor finished");
  finished_ = true;
  EmitHeader(out).IgnoreError();
  absl::Status sealed = Seal(pending_, /*last=*/true, out);
  std::fill(pending_.begin(), pending_.end(), '\0');
  pending_.clear();
  return sealed;
}

// ---- SegmentDecryptor
// --------------------------------------------------------

absl::StatusOr<std::unique_ptr<SegmentDecryptor>> SegmentDecryptor::Create(
    const SecretBytes& key, SegmentBinding binding, absl::string_view header,
    int64_t ciphertext_size) {
  auto segment = ParseHeader(header);
  if (!segment.ok()) return segment.status();
  const int64_t full =
      static_cast<int64_t>(*segment + SegmentedAead::kTagBytes);
  const int64_t body =
      ciphertext_size - static_cast<int64_t>(SegmentedAead::kHeaderBytes);
  if (body < static_cast<int64_t>(SegmentedAead::kTagBytes)) {
    return absl::DataLossError("document ciphertext is truncated");
  }
  int64_t count = body / full;
  int64_t rest = body % full;
  if (rest != 0) {
    if (rest < static_cast<int64_t>(SegmentedAead::kTagBytes)) {
      return absl::DataLossError("document ciphertext is truncated");
    }
    ++count;
  }
  if (static_cast<uint64_t>(count) > kMaxSegments) {
    return absl::DataLossError("document ciphertext is too long");
  }
  std::unique_ptr<SegmentDecryptor> d(new SegmentDecryptor());
  auto ctx = NewContext(key, /*encrypt=*/false);
  if (!ctx.ok()) return ctx.status();
  d->ctx_ = *ctx;
  d->header_ = std::string(header);
  d->aad_prefix_ = AadPrefix(binding, header);
  d->segment_bytes_ = *segment;
  d->segment_count_ = count;
  d->plaintext_size_ =
      body - count * static_cast<int64_t>(SegmentedAead::kTagBytes);
  return d;
}

SegmentDecryptor::~SegmentDecryptor() { EVP_CIPHER_CTX_free(ctx_); }

int64_t SegmentDecryptor::SegmentOffset(int64_t index) const {
  return static_cast<int64_t>(SegmentedAead::kHeaderBytes) +
         index *
             static_cast<int64_t>(segment_bytes_ + SegmentedAead::kTagBytes);
}

size_t SegmentDecryptor::SegmentCiphertextBytes(int64_t index) const {
  if (index + 1 < segment_count_) {
    return segment_bytes_ + SegmentedAead::kTagBytes;
  }
  return static_cast<size_t>(plaintext_size_ -
                             (segment_count_ - 1) *
                                 static_cast<int64_t>(segment_bytes_)) +
         SegmentedAead::kTagBytes;
}

absl::Status SegmentDecryptor::DecryptSegment(int64_t index,
                                              absl::string_view ciphertext,
                                              std::string* out) {
  if (index < 0 || index >= segment_count_) {
    return absl::OutOfRangeError("segment index out of range");
  }
  if (ciphertext.size() != SegmentCiphertextBytes(index)) {
    return absl::InvalidArgumentError("segment ciphertext has the wrong size");
  }
  return OpenSegment(ctx_, header_, aad_prefix_, static_cast<uint64_t>(index),
                     index + 1 == segment_count_, ciphertext, out);
}

// ---- StreamingSegmentDecryptor ----------------------------------------------

absl::StatusOr<std::unique_ptr<StreamingSegmentDecryptor>>
StreamingSegmentDecryptor::Create(const SecretBytes& key,
                                  SegmentBinding binding) {
  std::unique_ptr<StreamingSegmentDecryptor> d(new StreamingSegmentDecryptor());
  auto ctx = NewContext(key, /*encrypt=*/false);
  if (!ctx.ok()) return ctx.status();
  d->ctx_ = *ctx;
  d->binding_ = std::move(binding);
  return d;
}

StreamingSegmentDecryptor::~StreamingSegmentDecryptor() {
  EVP_CIPHER_CTX_free(ctx_);
}

absl::Status StreamingSegmentDecryptor::Open(int64_t index, bool last,
                                             absl::string_view ciphertext,
                                             std::string* out) {
  absl::Status s =
      OpenSegment(ctx_, header_, aad_prefix_, static_cast<uint64_t>(index),
                  last, ciphertext, out);
  if (!s.ok()) failed_ = true;
  return s;
}

absl::Status StreamingSegmentDecryptor::Update(absl::string_view ciphertext,
                                               std::string* out) {
  if (failed_) return absl::DataLossError("document ciphertext is damaged");
  if (finished_) return absl::FailedPreconditionError("decryptor finished");
  pending_.append(ciphertext.data(), ciphertext.size());
  if (header_.empty()) {
    if (pending_.size() < SegmentedAead::kHeaderBytes) return absl::OkStatus();
    auto segment = ParseHeader(
        absl::string_view(pending_).substr(0, SegmentedAead::kHeaderBytes));
    if (!segment.ok()) {
      failed_ = true;
      return segment.status();
    }
    header_ = pending_.substr(0, SegmentedAead::kHeaderBytes);
    aad_prefix_ = AadPrefix(binding_, header_);
    segment_bytes_ = *segment;
    pending_.erase(0, SegmentedAead::kHeaderBytes);
  }
  const size_t full = segment_bytes_ + SegmentedAead::kTagBytes;
  size_t consumed = 0;
  // A full segment is known not to be the last only when more bytes follow.
  while (pending_.size() - consumed > full) {
    if (static_cast<uint64_t>(next_index_) >= kMaxSegments) {
      failed_ = true;
      return absl::DataLossError("document ciphertext is too long");
    }
    absl::Status s =
        Open(next_index_, /*last=*/false,
             absl::string_view(pending_).substr(consumed, full), out);
    if (!s.ok()) return s;
    ++next_index_;
    consumed += full;
  }
  pending_.erase(0, consumed);
  return absl::OkStatus();
}

absl::Status StreamingSegmentDecryptor::Finish(std::string* out) {
  if (failed_) return absl::DataLossError("document ciphertext is damaged");
  if (finished_) return absl::FailedPreconditionError("decryptor finished");
  finished_ = true;
  if (header_.empty()) {
    return absl::DataLossError("document ciphertext is truncated");
  }
  if (pending_.size() < SegmentedAead::kTagBytes) {
    return absl::DataLossError("document ciphertext is truncated");
  }
  return Open(next_index_, /*last=*/true, pending_, out);
}

}  // namespace storage
}  // namespace clinic
