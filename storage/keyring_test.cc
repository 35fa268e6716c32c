#include "storage/keyring.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = JoinPath(dir ? dir : "/tmp", name);
  ::unlink(path.c_str());
  return path;
}

TEST(KeyringTest, CreatedKeyFileIsPrivateAndLoads) {
  std::string path = TempPath("master.key");
  ASSERT_TRUE(Keyring::CreateMasterKeyFile(path).ok());
  auto mode = FileMode(path);
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, 0600);
  auto keyring = Keyring::Load(path);
  ASSERT_TRUE(keyring.ok()) << keyring.status();
  EXPECT_EQ((*keyring)->DatabaseKey("intake").size(), 32u);
}

TEST(KeyringTest, NeverOverwritesAnExistingKey) {
  std::string path = TempPath("master-existing.key");
  ASSERT_TRUE(Keyring::CreateMasterKeyFile(path).ok());
  auto before = ReadFile(path);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(Keyring::CreateMasterKeyFile(path).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(path), *before);
}

TEST(KeyringTest, RefusesKeyReadableByOthers) {
  std::string path = TempPath("master-open.key");
  ASSERT_TRUE(Keyring::CreateMasterKeyFile(path).ok());
  for (mode_t mode : {0644, 0640, 0604, 0660, 0602}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto keyring = Keyring::Load(path);
    EXPECT_EQ(keyring.status().code(), absl::StatusCode::kPermissionDenied)
        << mode;
    EXPECT_THAT(std::string(keyring.status().message()),
                HasSubstr("chmod 600"));
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(Keyring::Load(path).ok());
}

TEST(KeyringTest, RejectsFilesThatAreNotKeys) {
  std::string path = TempPath("not-a-key");
  ASSERT_TRUE(
      WriteFileAtomically(path, "clinic-master-key v1\nnothex\n", 0600).ok());
  EXPECT_EQ(Keyring::Load(path).status().code(), absl::StatusCode::kDataLoss);
  ASSERT_TRUE(WriteFileAtomically(path, std::string(32, 'k'), 0600).ok());
  EXPECT_EQ(Keyring::Load(path).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Keyring::Load(TempPath("missing.key")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(KeyringTest, DerivedKeysAreDeterministicAndIndependent) {
  auto a = Keyring::FromMasterKey(SecretBytes(std::string(32, '\x01')));
  auto b = Keyring::FromMasterKey(SecretBytes(std::string(32, '\x02')));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->DatabaseKey("intake").view(),
            (*a)->DatabaseKey("intake").view());
  EXPECT_NE((*a)->DatabaseKey("intake").view(),
            (*a)->DatabaseKey("audit").view());
  EXPECT_NE((*a)->DatabaseKey("intake").view(),
            (*b)->DatabaseKey("intake").view());
  EXPECT_EQ((*a)->DeriveKey("documents/kek/1", 64).size(), 64u);
}

TEST(KeyringTest, RejectsWrongSizedMasterKey) {
  EXPECT_EQ(
      Keyring::FromMasterKey(SecretBytes(std::string(31, 'k'))).status().code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
