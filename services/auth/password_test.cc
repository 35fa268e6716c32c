#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/password_hasher.h"
#include "services/auth/password_policy.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

const ScryptParams kFast{10, 8, 1};

TEST(PasswordHasherTest, VerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("a long and quiet river at dawn", kFast);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(absl::StartsWith(*hash, "scrypt$10$8$1$"));
  EXPECT_TRUE(VerifyPassword("a long and quiet river at dawn", *hash));
  EXPECT_FALSE(VerifyPassword("a long and quiet river at dusk", *hash));
  EXPECT_FALSE(VerifyPassword("", *hash));
  // Same password, fresh salt: a different hash.
  EXPECT_NE(*HashPassword("a long and quiet river at dawn", kFast), *hash);
}

TEST(PasswordHasherTest, MalformedHashesNeverVerify) {
  for (const char* bad :
       {"", "scrypt$", "scrypt$10$8$1$salt", "bcrypt$10$8$1$a$b",
        "scrypt$99$8$1$AAAA$AAAA", "scrypt$10$8$1$!!$!!"}) {
    EXPECT_FALSE(VerifyPassword("anything", bad)) << bad;
  }
}

TEST(PasswordHasherTest, ParametersTravelWithTheHash) {
  auto old_hash = HashPassword("correct saddle lantern moss", kFast);
  ASSERT_TRUE(old_hash.ok());
  ScryptParams stronger{12, 8, 1};
  EXPECT_TRUE(NeedsRehash(*old_hash, stronger));
  EXPECT_FALSE(NeedsRehash(*old_hash, kFast));
  // Still verifies after the defaults were raised.
  EXPECT_TRUE(VerifyPassword("correct saddle lantern moss", *old_hash));
}

class PasswordPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto policy = PasswordPolicy::Create();
    ASSERT_TRUE(policy.ok());
    policy_ = *std::move(policy);
  }
  absl::Status Check(const std::string& password) {
    return policy_->Check("new_password", password, "amina", "Amina Tesfay");
  }
  std::unique_ptr<PasswordPolicy> policy_;
};

TEST_F(PasswordPolicyTest, AcceptsLongUncommonPasswords) {
  for (const char* ok : {"lantern orchard basalt tide",
                         "Kettle-Umbrella-Rivet-88", "ናይ ሓርነት መገዲ ነዊሕ እዩ",
                         "quiet fjords hum at noon", "839201 447281 993"}) {
    EXPECT_TRUE(Check(ok).ok()) << ok << ": " << Check(ok);
  }
  // Long passphrases are fine.
  EXPECT_TRUE(
      Check("tidal lantern " + std::string(50, 'q') + " orchard basalt").ok());
}

TEST_F(PasswordPolicyTest, LengthIsCountedInCharactersAfterNormalisation) {
  EXPECT_THAT(std::string(Check("lantern orchar").message()),
              HasSubstr("at least 15 characters long (it has 14)"));
  // 15 Ge'ez characters are 45 bytes but 15 characters.
  EXPECT_TRUE(Check("ሀለሐመሠረሰሸቀበተቸኀነኘ").ok());
  EXPECT_THAT(std::string(Check(std::string(129, 'k') + "x").message()),
              HasSubstr("at most 128"));
  // "e" + combining acute (2 code points) normalises to one "é".
  std::string decomposed;
  for (int i = 0; i < 14; ++i) decomposed += "e\xCC\x81";
  EXPECT_THAT(std::string(Check(decomposed).message()), HasSubstr("it has 14"));
}

TEST_F(PasswordPolicyTest, RefusesCommonAndPredictablePasswords) {
  for (const char* weak :
       {"passwordpassword", "P@ssw0rd12345678", "iloveyouiloveyou",
        "qwertyuiopasdfgh", "Welcome2024!!!!!", "letmein letmein!",
        "123456789012345", "aaaaaaaaaaaaaaaa", "abababababababab",
        "abcdefghijklmnop", "correcthorsebatterystaple", "Refugee-Clinic-2026",
        "monkey dragon 1234"}) {
    absl::Status status = Check(weak);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << "accepted: " << weak;
    EXPECT_THAT(std::string(status.message()), HasSubstr("new_password"))
        << weak;
    EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr(weak)));
  }
}

TEST_F(PasswordPolicyTest, RefusesTheUsernameAndName) {
  EXPECT_THAT(std::string(Check("my name is amina and i like tea").message()),
              HasSubstr("username"));
  EXPECT_THAT(std::string(Check("tesfay of the northern hills").message()),
              HasSubstr("your name"));
}

}  // namespace
}  // namespace clinic
