#include "storage/crypto/key_wrap.h"

#include <string>

#include "gtest/gtest.h"
#include "storage/keyring.h"

namespace clinic {
namespace storage {
namespace {

std::unique_ptr<Keyring> TestKeyring(char fill = 'm') {
  return *Keyring::FromMasterKey(SecretBytes(std::string(32, fill)));
}

TEST(KeyWrapTest, WrapsAndUnwraps) {
  auto keyring = TestKeyring();
  KeyWrapper wrapper(*keyring);
  SecretBytes dek = *KeyWrapper::NewDataKey();
  auto wrapped = wrapper.Wrap(1, dek, "doc1/1");
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->size(), KeyWrapper::kWrappedBytes);
  EXPECT_EQ(wrapped->find(std::string(dek.view())), std::string::npos);
  auto unwrapped = wrapper.Unwrap(1, *wrapped, "doc1/1");
  ASSERT_TRUE(unwrapped.ok());
  EXPECT_EQ(unwrapped->view(), dek.view());
}

TEST(KeyWrapTest, KekVersionsAreIndependent) {
  auto keyring = TestKeyring();
  KeyWrapper wrapper(*keyring);
  SecretBytes dek = *KeyWrapper::NewDataKey();
  std::string wrapped = *wrapper.Wrap(1, dek, "doc1/1");
  EXPECT_EQ(wrapper.Unwrap(2, wrapped, "doc1/1").status().code(),
            absl::StatusCode::kDataLoss);
  // Re-wrapping under version 2 works without touching the data key.
  SecretBytes again = *wrapper.Unwrap(1, wrapped, "doc1/1");
  std::string rewrapped = *wrapper.Wrap(2, again, "doc1/1");
  EXPECT_EQ(wrapper.Unwrap(2, rewrapped, "doc1/1")->view(), dek.view());
}

TEST(KeyWrapTest, ContextBindsTheKeyToItsRow) {
  auto keyring = TestKeyring();
  KeyWrapper wrapper(*keyring);
  std::string wrapped = *wrapper.Wrap(1, *KeyWrapper::NewDataKey(), "doc1/1");
  EXPECT_EQ(wrapper.Unwrap(1, wrapped, "doc1/2").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(KeyWrapTest, AlteredOrForeignWrappingIsDataLoss) {
  auto keyring = TestKeyring();
  KeyWrapper wrapper(*keyring);
  std::string wrapped = *wrapper.Wrap(1, *KeyWrapper::NewDataKey(), "d/1");
  for (size_t i = 0; i < wrapped.size(); ++i) {
    std::string bad = wrapped;
    bad[i] ^= 0x80;
    EXPECT_EQ(wrapper.Unwrap(1, bad, "d/1").status().code(),
              absl::StatusCode::kDataLoss)
        << i;
  }
  EXPECT_EQ(wrapper.Unwrap(1, wrapped.substr(1), "d/1").status().code(),
            absl::StatusCode::kDataLoss);
  auto other = TestKeyring('o');
  KeyWrapper other_wrapper(*other);
  EXPECT_EQ(other_wrapper.Unwrap(1, wrapped, "d/1").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(KeyWrapTest, RejectsBadInput) {
  auto keyring = TestKeyring();
  KeyWrapper wrapper(*keyring);
  EXPECT_EQ(wrapper.Wrap(0, *KeyWrapper::NewDataKey(), "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      wrapper.Wrap(1, SecretBytes(std::string(16, 'k')), "x").status().code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
