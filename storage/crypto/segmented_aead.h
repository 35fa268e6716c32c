// Streaming authenticated encryption of large documents: AES-256-GCM over
// fixed-size plaintext segments, so that a document of any size is encrypted
// and decrypted in memory bounded by one segment.
//
// Ciphertext layout (all integers big-endian):
//
//   header   "CLINSEG1" | u32 segment_bytes | 7-byte random nonce prefix
//   segment  ciphertext of segment_bytes plaintext bytes | 16-byte GCM tag
//   ...
//   last     ciphertext of 0..segment_bytes bytes | 16-byte tag
//
// Every segment but the last holds exactly segment_bytes of plaintext; an empty
// document is one empty last segment. Segment i is encrypted with
//
//   nonce = nonce_prefix (7) | u32 i | u8 last
//   AAD   = "clinic.doc.seg.v1" | u32 len(document_id) | document_id |
//           u64 version | header | u64 i | u8 last
//
// so a segment authenticates only at its own position, in its own document
// and version, with the right "last" flag: an altered, truncated, extended,
// reordered or spliced (from another document or version) ciphertext fails
// with DATA_LOSS. Each data key must encrypt one ciphertext only (callers use
// a fresh random key per document version); the random prefix is defence in
// depth.
//
// Plaintext is released only after its segment's tag has been verified: a
// decryptor never appends unauthenticated bytes to its output.
//
// Thread-compatible: one encryptor/decryptor per stream.
#ifndef CLINIC_STORAGE_CRYPTO_SEGMENTED_AEAD_H_
#define CLINIC_STORAGE_CRYPTO_SEGMENTED_AEAD_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/secret.h"

struct evp_cipher_ctx_st;

namespace clinic {
namespace storage {

// What every segment of one ciphertext is bound to.
struct SegmentBinding {
  std::string document_id;
  int64_t version = 0;
};

class SegmentedAead {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kHeaderBytes = 19;
  static constexpr size_t kTagBytes = 16;
  static constexpr size_t kMinSegmentBytes = 16;
  static constexpr size_t kMaxSegmentBytes = 16 << 20;

  // Size of the ciphertext of `plaintext_bytes` with `segment_bytes`.
  static int64_t CiphertextSize(int64_t plaintext_bytes, size_t segment_bytes);
};

// Encrypts a stream. Usage: Update() any number of times, then Finish() once;
// each appends the ciphertext produced so far to `out` (the header comes with
// the first call). Holds at most one segment of plaintext.
class SegmentEncryptor {
 public:
  // INVALID_ARGUMENT for a key that is not 32 bytes or a segment size outside
  // kMinSegmentBytes..kMaxSegmentBytes; INTERNAL if the CSPRNG or OpenSSL
  // fails.
  static absl::StatusOr<std::unique_ptr<SegmentEncryptor>> Create(
      const SecretBytes& key, SegmentBinding binding, size_t segment_bytes);
  ~SegmentEncryptor();
  SegmentEncryptor(const SegmentEncryptor&) = delete;
  SegmentEncryptor& operator=(const SegmentEncryptor&) = delete;

  // FAILED_PRECONDITION after Finish; OUT_OF_RANGE past 2^32 segments.
  absl::Status Update(absl::string_view plaintext, std::string* out);
  absl::Status Finish(std::string* out);

  int64_t plaintext_bytes() const { return plaintext_bytes_; }

 private:
  SegmentEncryptor() = default;
  absl::Status EmitHeader(std::string* out);
  absl::Status Seal(absl::string_view plaintext, bool last, std::string* out);

  evp_cipher_ctx_st* ctx_ = nullptr;
  std::string header_;
  std::string aad_prefix_;
  size_t segment_bytes_ = 0;
  std::string pending_;
  uint64_t next_index_ = 0;
  int64_t plaintext_bytes_ = 0;
  bool header_emitted_ = false;
  bool finished_ = false;
};

// Decrypts segments at known positions (ranged reads). Create() from the
// header and the total ciphertext size; then DecryptSegment(i, ...) with the
// bytes at SegmentOffset(i), SegmentCiphertextBytes(i) long.
class SegmentDecryptor {
 public:
  // DATA_LOSS if the header is not one this code writes, or the size cannot be
  // that of a ciphertext with this header (truncated or extended);
  // INVALID_ARGUMENT for a bad key.
  static absl::StatusOr<std::unique_ptr<SegmentDecryptor>> Create(
      const SecretBytes& key, SegmentBinding binding, absl::string_view header,
      int64_t ciphertext_size);
  ~SegmentDecryptor();
  SegmentDecryptor(const SegmentDecryptor&) = delete;
  SegmentDecryptor& operator=(const SegmentDecryptor&) = delete;

  size_t segment_bytes() const { return segment_bytes_; }
  int64_t segment_count() const { return segment_count_; }
  int64_t plaintext_size() const { return plaintext_size_; }
  // Byte offset of segment `index` in the ciphertext.
  int64_t SegmentOffset(int64_t index) const;
  // Ciphertext bytes of segment `index` (tag included).
  size_t SegmentCiphertextBytes(int64_t index) const;

  // Verifies and decrypts segment `index` (0..segment_count-1), appending its
  // plaintext to `out` only when authentic. DATA_LOSS when it is not (nothing
  // appended); OUT_OF_RANGE for a bad index; INVALID_ARGUMENT for a wrong
  // length.
  absl::Status DecryptSegment(int64_t index, absl::string_view ciphertext,
                              std::string* out);

 private:
  SegmentDecryptor() = default;

  evp_cipher_ctx_st* ctx_ = nullptr;
  std::string header_;
  std::string aad_prefix_;
  size_t segment_bytes_ = 0;
  int64_t segment_count_ = 0;
  int64_t plaintext_size_ = 0;
};

// Decrypts a stream read front to back without knowing its size in advance.
// Update() appends authenticated plaintext of every segment known not to be the
// last; Finish() verifies the last segment. Holds at most one segment.
class StreamingSegmentDecryptor {
 public:
  static absl::StatusOr<std::unique_ptr<StreamingSegmentDecryptor>> Create(
      const SecretBytes& key, SegmentBinding binding);
  ~StreamingSegmentDecryptor();

  // DATA_LOSS on a bad header or segment (nothing of it appended).
  absl::Status Update(absl::string_view ciphertext, std::string* out);
  // DATA_LOSS if the stream ended early (truncation) or its last segment is
  // not marked last.
  absl::Status Finish(std::string* out);

 private:
  StreamingSegmentDecryptor() = default;
  absl::Status Open(int64_t index, bool last, absl::string_view ciphertext,
                    std::string* out);

  SecretBytes key_;
  SegmentBinding binding_;
  evp_cipher_ctx_st* ctx_ = nullptr;
  std::string header_;
  std::string aad_prefix_;
  size_t segment_bytes_ = 0;
  std::string pending_;
  int64_t next_index_ = 0;
  bool failed_ = false;
  bool finished_ = false;
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_CRYPTO_SEGMENTED_AEAD_H_
