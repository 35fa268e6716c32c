// Fuzzes document segment decryption (storage/crypto/segmented_aead.h): the
// blob store holds ciphertext that anyone with access to the disk or object
// store could alter, so both decryptors must reject any alteration without
// crashing and without releasing unauthenticated bytes.
//
// Input: byte 0 picks how the ciphertext (the rest) is fed to the streaming
// decryptor (chunk size); the same ciphertext also goes through the
// random-access decryptor, segment by segment.
//
// Properties: never crashes; every failure is DATA_LOSS; a failed segment
// releases nothing; both decryptors agree on whether the ciphertext is
// authentic and, when it is, on its plaintext, whose size matches what the
// header promises; what either released before a failure agrees with the
// other.
#include <algorithm>
#include <memory>
#include <string>

#include "base/secret.h"
#include "storage/crypto/segmented_aead.h"
#include "tests/fuzz/fuzz_keys.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using clinic::SecretBytes;
using clinic::storage::SegmentBinding;
using clinic::storage::SegmentDecryptor;
using clinic::storage::StreamingSegmentDecryptor;

SegmentBinding Binding() {
  SegmentBinding binding;
  binding.document_id = clinic::fuzz::DocumentId();
  binding.version = clinic::fuzz::kDocumentVersion;
  return binding;
}

// Streaming decryption; true and the plaintext when authentic.
bool DecryptStreaming(absl::string_view ciphertext, size_t chunk,
                      std::string* plaintext) {
  auto decryptor = StreamingSegmentDecryptor::Create(
      SecretBytes(clinic::fuzz::DocumentDataKey()), Binding());
  CLINIC_FUZZ_CHECK(decryptor.ok());
  for (size_t at = 0; at < ciphertext.size(); at += chunk) {
    // A chunk may complete several segments: those before a bad one are
    // released (they are authentic), the bad one is not; the comparison with
    // the ranged decryptor below checks what was released.
    absl::Status status =
        (*decryptor)->Update(ciphertext.substr(at, chunk), plaintext);
    if (!status.ok()) {
      CLINIC_FUZZ_CHECK(status.code() == absl::StatusCode::kDataLoss);
      return false;
    }
  }
  absl::Status finished = (*decryptor)->Finish(plaintext);
  if (!finished.ok()) {
    CLINIC_FUZZ_CHECK(finished.code() == absl::StatusCode::kDataLoss);
    return false;
  }
  return true;
}

// Random-access decryption of every segment in order.
bool DecryptRanged(absl::string_view ciphertext, std::string* plaintext) {
  if (ciphertext.size() < clinic::storage::SegmentedAead::kHeaderBytes)
    return false;
  auto decryptor = SegmentDecryptor::Create(
      SecretBytes(clinic::fuzz::DocumentDataKey()), Binding(),
      ciphertext.substr(0, clinic::storage::SegmentedAead::kHeaderBytes),
      static_cast<int64_t>(ciphertext.size()));
  if (!decryptor.ok()) {
    CLINIC_FUZZ_CHECK(decryptor.status().code() == absl::StatusCode::kDataLoss);
    return false;
  }
  const SegmentDecryptor& d = **decryptor;
  CLINIC_FUZZ_CHECK(d.segment_count() >= 1);
  for (int64_t i = 0; i < d.segment_count(); ++i) {
    int64_t offset = d.SegmentOffset(i);
    size_t length = d.SegmentCiphertextBytes(i);
    CLINIC_FUZZ_CHECK(offset >= 0 && static_cast<size_t>(offset) + length <=
                                         ciphertext.size());
    size_t before = plaintext->size();
    absl::Status status =
        (*decryptor)
            ->DecryptSegment(
                i, ciphertext.substr(static_cast<size_t>(offset), length),
                plaintext);
    if (!status.ok()) {
      CLINIC_FUZZ_CHECK(status.code() == absl::StatusCode::kDataLoss);
      CLINIC_FUZZ_CHECK(plaintext->size() == before);
      return false;
    }
  }
  CLINIC_FUZZ_CHECK(static_cast<int64_t>(plaintext->size()) ==
                    d.plaintext_size());
  // Past the end is refused, not read.
  CLINIC_FUZZ_CHECK(
      (*decryptor)->DecryptSegment(d.segment_count(), "", plaintext).code() ==
      absl::StatusCode::kOutOfRange);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1 << 20)) return 0;
  static constexpr size_t kChunks[] = {1, 7, 16, 35, 64, 4096};
  size_t chunk = kChunks[data[0] % (sizeof(kChunks) / sizeof(kChunks[0]))];
  absl::string_view ciphertext(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  std::string streamed;
  std::string ranged;
  bool stream_ok = DecryptStreaming(ciphertext, chunk, &streamed);
  bool ranged_ok = DecryptRanged(ciphertext, &ranged);
  CLINIC_FUZZ_CHECK(stream_ok == ranged_ok);
  if (stream_ok) CLINIC_FUZZ_CHECK(streamed == ranged);
  // Whatever either released, even from a ciphertext that failed later on,
  // is authentic plaintext of the same positions: where both released
  // something, they agree.
  size_t common = std::min(streamed.size(), ranged.size());
  CLINIC_FUZZ_CHECK(streamed.compare(0, common, ranged, 0, common) == 0);
  return 0;
}
