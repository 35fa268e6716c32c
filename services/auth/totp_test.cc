#include "services/auth/totp.h"

#include "gtest/gtest.h"

namespace clinic {
namespace {

// RFC 6238 Appendix B, SHA-1 rows (8 digits; our 6-digit codes are their last
// 6).
TEST(TotpTest, Rfc6238Vectors) {
  const std::string secret = "12345678901234567890";
  struct Row {
    int64_t unix_time;
    const char* code;
  } rows[] = {{59, "94287082"},         {1111111109, "07081804"},
              {1111111111, "14050471"}, {1234567890, "89005924"},
              {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const Row& row : rows) {
    int64_t step = TotpStep(absl::FromUnixSeconds(row.unix_time));
    EXPECT_EQ(TotpCode(secret, step, 8), row.code) << row.unix_time;
    EXPECT_EQ(TotpCode(secret, step, 6), std::string(row.code).substr(2))
        << row.unix_time;
  }
}

TEST(TotpTest, MatchesWithinTheWindowOnly) {
  const std::string secret = "abcdefghijabcdefghij";
  absl::Time now = absl::FromUnixSeconds(1700000000);
  int64_t step = TotpStep(now);
  EXPECT_EQ(MatchTotp(secret, TotpCode(secret, step), now, 1), step);
  EXPECT_EQ(MatchTotp(secret, TotpCode(secret, step - 1), now, 1), step - 1);
  EXPECT_EQ(MatchTotp(secret, TotpCode(secret, step + 1), now, 1), step + 1);
  EXPECT_FALSE(
      MatchTotp(secret, TotpCode(secret, step - 2), now, 1).has_value());
  EXPECT_FALSE(MatchTotp(secret, "12345", now, 1).has_value());
  EXPECT_FALSE(MatchTotp("another secret value", TotpCode(secret, step), now, 1)
                   .has_value());
}

TEST(TotpTest, Base32AndUri) {
  // RFC 4648 section 10 (padding removed).
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(OtpauthUri("alice", "foobar"),
            "otpauth://totp/"
            "Clinic:alice?secret=MZXW6YTBOI&issuer=Clinic&algorithm=SHA1&"
            "digits=6&period=30");
}

}  // namespace
}  // namespace clinic
