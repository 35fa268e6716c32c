#include "storage/crypto/segmented_aead.h"

#include <string>
#include <vector>

#include "base/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace storage {
namespace {

constexpr size_t kSegment = 64;

SecretBytes Key() { return *RandomSecret(32); }

SegmentBinding Binding(const std::string& id = "doc1", int64_t version = 1) {
  return SegmentBinding{id, version};
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + 7) & 0xff);
  return s;
}

// Encrypts `plain` fed in pieces of `piece` bytes.
std::string Encrypt(const SecretBytes& key, const std::string& plain,
                    size_t piece = 17, SegmentBinding b = Binding()) {
  auto enc = SegmentEncryptor::Create(key, b, kSegment);
  EXPECT_TRUE(enc.ok()) << enc.status();
  std::string out;
  for (size_t at = 0; at < plain.size(); at += piece) {
    EXPECT_TRUE((*enc)->Update(plain.substr(at, piece), &out).ok());
  }
  EXPECT_TRUE((*enc)->Finish(&out).ok());
  return out;
}

absl::Status StreamDecrypt(const SecretBytes& key, const std::string& cipher,
                           std::string* out, size_t piece = 23,
                           SegmentBinding b = Binding()) {
  auto dec = StreamingSegmentDecryptor::Create(key, b);
  if (!dec.ok()) return dec.status();
  for (size_t at = 0; at < cipher.size(); at += piece) {
    absl::Status s = (*dec)->Update(cipher.substr(at, piece), out);
    if (!s.ok()) return s;
  }
  return (*dec)->Finish(out);
}

absl::Status RandomAccessDecrypt(const SecretBytes& key,
                                 const std::string& cipher, std::string* out,
                                 SegmentBinding b = Binding()) {
  auto dec = SegmentDecryptor::Create(
      key, b, absl::string_view(cipher).substr(0, SegmentedAead::kHeaderBytes),
      static_cast<int64_t>(cipher.size()));
  if (!dec.ok()) return dec.status();
  for (int64_t i = 0; i < (*dec)->segment_count(); ++i) {
    absl::Status s = (*dec)->DecryptSegment(
        i,
        absl::string_view(cipher).substr((*dec)->SegmentOffset(i),
                                         (*dec)->SegmentCiphertextBytes(i)),
        out);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

TEST(SegmentedAeadTest, RoundTripsEverySizeAroundSegmentBoundaries) {
  SecretBytes key = Key();
  for (size_t n : {size_t{0}, size_t{1}, kSegment - 1, kSegment, kSegment + 1,
                   2 * kSegment, 3 * kSegment + 5, size_t{1000}}) {
    std::string plain = Pattern(n);
    for (size_t piece : {size_t{1}, size_t{17}, kSegment, size_t{1000}}) {
      std::string cipher = Encrypt(key, plain, piece);
      EXPECT_EQ(static_cast<int64_t>(cipher.size()),
                SegmentedAead::CiphertextSize(n, kSegment))
          << n;
      std::string streamed, ranged;
      ASSERT_TRUE(StreamDecrypt(key, cipher, &streamed).ok()) << n;
      ASSERT_TRUE(RandomAccessDecrypt(key, cipher, &ranged).ok()) << n;
      EXPECT_EQ(streamed, plain) << n;
      EXPECT_EQ(ranged, plain) << n;
    }
  }
}

TEST(SegmentedAeadTest, FreshNoncePrefixMakesCiphertextsDiffer) {
  SecretBytes key = Key();
  EXPECT_NE(Encrypt(key, Pattern(100)), Encrypt(key, Pattern(100)));
}

TEST(SegmentedAeadTest, EveryFlippedByteIsDataLoss) {
  SecretBytes key = Key();
  std::string plain = Pattern(3 * kSegment + 10);
  std::string cipher = Encrypt(key, plain);
  for (size_t i = 0; i < cipher.size(); ++i) {
    std::string bad = cipher;
    bad[i] ^= 0x01;
    std::string out;
    absl::Status s = StreamDecrypt(key, bad, &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << i;
    // Nothing of the damaged segment or anything after it was released.
    size_t full = kSegment + SegmentedAead::kTagBytes;
    size_t damaged_segment = i < SegmentedAead::kHeaderBytes
                                 ? 0
                                 : (i - SegmentedAead::kHeaderBytes) / full;
    EXPECT_LE(out.size(), damaged_segment * kSegment) << i;
    EXPECT_EQ(out, plain.substr(0, out.size()));
  }
}

TEST(SegmentedAeadTest, TruncationAtASegmentBoundaryIsDataLoss) {
  SecretBytes key = Key();
  std::string cipher = Encrypt(key, Pattern(3 * kSegment));
  size_t full = kSegment + SegmentedAead::kTagBytes;
  for (size_t keep :
       {SegmentedAead::kHeaderBytes + full,
        SegmentedAead::kHeaderBytes + 2 * full, SegmentedAead::kHeaderBytes,
        size_t{5}, cipher.size() - 1}) {
    std::string out;
    EXPECT_EQ(StreamDecrypt(key, cipher.substr(0, keep), &out).code(),
              absl::StatusCode::kDataLoss)
        << keep;
    std::string ranged;
    absl::Status s =
        keep < SegmentedAead::kHeaderBytes
            ? absl::DataLossError("short")
            : RandomAccessDecrypt(key, cipher.substr(0, keep), &ranged);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << keep;
  }
}

TEST(SegmentedAeadTest, ReorderedSegmentsAreDataLoss) {
  SecretBytes key = Key();
  std::string cipher = Encrypt(key, Pattern(3 * kSegment + 1));
  size_t full = kSegment + SegmentedAead::kTagBytes;
  size_t h = SegmentedAead::kHeaderBytes;
  std::string swapped = cipher.substr(0, h) + cipher.substr(h + full, full) +
                        cipher.substr(h, full) + cipher.substr(h + 2 * full);
  std::string out;
  EXPECT_EQ(StreamDecrypt(key, swapped, &out).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(out.empty());
}

TEST(SegmentedAeadTest, AppendedSegmentFromSameStreamIsDataLoss) {
  SecretBytes key = Key();
  std::string cipher = Encrypt(key, Pattern(2 * kSegment));
  size_t full = kSegment + SegmentedAead::kTagBytes;
  std::string extended =
      cipher + cipher.substr(SegmentedAead::kHeaderBytes, full);
  std::string out;
  EXPECT_EQ(StreamDecrypt(key, extended, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(SegmentedAeadTest, SegmentSplicedFromAnotherVersionIsDataLoss) {
  SecretBytes key = Key();
  // Same key reused (a misuse) still does not let version 2 pass as version 1.
  std::string v1 = Encrypt(key, Pattern(2 * kSegment), 17, Binding("doc1", 1));
  std::string out;
  EXPECT_EQ(StreamDecrypt(key, v1, &out, 23, Binding("doc1", 2)).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(StreamDecrypt(key, v1, &out, 23, Binding("doc2", 1)).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(out.empty());
}

TEST(SegmentedAeadTest, WrongKeyIsDataLoss) {
  std::string cipher = Encrypt(Key(), Pattern(10));
  std::string out;
  EXPECT_EQ(StreamDecrypt(Key(), cipher, &out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(SegmentedAeadTest, RejectsBadParameters) {
  SecretBytes short_key(std::string(16, 'k'));
  EXPECT_EQ(
      SegmentEncryptor::Create(short_key, Binding(), kSegment).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SegmentEncryptor::Create(Key(), Binding(), 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SegmentedAeadTest, LargeStreamUsesBoundedBuffers) {
  // 8 MiB through 64 KiB segments in 1 MiB pieces: the decryptor's output per
  // call never exceeds the input handed to it plus one segment.
  SecretBytes key = Key();
  auto enc = SegmentEncryptor::Create(key, Binding(), 64 << 10);
  ASSERT_TRUE(enc.ok());
  auto dec = StreamingSegmentDecryptor::Create(key, Binding());
  ASSERT_TRUE(dec.ok());
  std::string piece = Pattern(1 << 20);
  size_t total = 0;
  for (int i = 0; i < 8; ++i) {
    std::string cipher, plain;
    ASSERT_TRUE((*enc)->Update(piece, &cipher).ok());
    EXPECT_LE(cipher.size(), piece.size() + (64 << 10) + 1024);
    ASSERT_TRUE((*dec)->Update(cipher, &plain).ok());
    total += plain.size();
  }
  std::string cipher, plain;
  ASSERT_TRUE((*enc)->Finish(&cipher).ok());
  ASSERT_TRUE((*dec)->Update(cipher, &plain).ok());
  ASSERT_TRUE((*dec)->Finish(&plain).ok());
  total += plain.size();
  EXPECT_EQ(total, size_t{8} << 20);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
