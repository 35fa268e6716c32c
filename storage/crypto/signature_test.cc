#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "storage/crypto/ed25519.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace storage {
namespace {

// FIPS 180-2 examples.
TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher hasher;
  hasher.Update("a");
  hasher.Update("bc");
  EXPECT_EQ(absl::BytesToHexString(hasher.Finish()), Sha256Hex("abc"));
}

// RFC 8032 section 7.1, TEST 2 (one-byte message).
TEST(Ed25519Test, Rfc8032Vector) {
  SecretBytes seed(absl::HexStringToBytes(
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
  auto signer = Ed25519Signer::FromPrivateKey(seed);
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(absl::BytesToHexString((*signer)->public_key()),
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  std::string sig = (*signer)->Sign(absl::HexStringToBytes("72"));
  EXPECT_EQ(absl::BytesToHexString(sig),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
            "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(Ed25519Verify((*signer)->public_key(),
                            absl::HexStringToBytes("72"), sig));
}

TEST(Ed25519Test, RejectsAlteredMessageSignatureOrKey) {
  auto signer = Ed25519Signer::Generate();
  auto other = Ed25519Signer::Generate();
  ASSERT_TRUE(signer.ok() && other.ok());
  std::string sig = (*signer)->Sign("claims");
  EXPECT_TRUE(Ed25519Verify((*signer)->public_key(), "claims", sig));
  EXPECT_FALSE(Ed25519Verify((*signer)->public_key(), "claimz", sig));
  std::string bad = sig;
  bad[10] ^= 1;
  EXPECT_FALSE(Ed25519Verify((*signer)->public_key(), "claims", bad));
  EXPECT_FALSE(Ed25519Verify((*other)->public_key(), "claims", sig));
  EXPECT_FALSE(
      Ed25519Verify((*signer)->public_key(), "claims", sig.substr(0, 63)));
  EXPECT_FALSE(Ed25519Verify("short", "claims", sig));
  // A stored private key restores the same key.
  auto restored = Ed25519Signer::FromPrivateKey((*signer)->private_key());
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ((*restored)->public_key(), (*signer)->public_key());
  EXPECT_EQ(KeyId((*signer)->public_key()).size(), 16u);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
