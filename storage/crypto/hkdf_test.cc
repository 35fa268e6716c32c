#include "storage/crypto/hkdf.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace clinic {
namespace storage {
namespace {

std::string Range(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::string Hex(const SecretBytes& b) {
  return absl::BytesToHexString(b.view());
}

// RFC 5869, Appendix A.1: basic test case with SHA-256.
TEST(HkdfSha256Test, Rfc5869Case1) {
  auto okm = HkdfSha256(std::string(22, '\x0b'), Range(0x00, 0x0d),
                        Range(0xf0, 0xfa), 42);
  ASSERT_TRUE(okm.ok()) << okm.status();
  EXPECT_EQ(Hex(*okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
            "34007208d5b887185865");
}

// RFC 5869, Appendix A.2: longer inputs and outputs.
TEST(HkdfSha256Test, Rfc5869Case2) {
  auto okm =
      HkdfSha256(Range(0x00, 0x50), Range(0x60, 0xb0), Range(0xb0, 0x100), 82);
  ASSERT_TRUE(okm.ok()) << okm.status();
  EXPECT_EQ(Hex(*okm),
            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

// RFC 5869, Appendix A.3: zero-length salt and info.
TEST(HkdfSha256Test, Rfc5869Case3) {
  auto okm = HkdfSha256(std::string(22, '\x0b'), "", "", 42);
  ASSERT_TRUE(okm.ok()) << okm.status();
  EXPECT_EQ(Hex(*okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
            "9d201395faa4b61a96c8");
}

TEST(HkdfSha256Test, RejectsImpossibleLengths) {
  EXPECT_EQ(HkdfSha256("k", "", "", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HkdfSha256("k", "", "", 255 * 32 + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
