#include "services/document/content_sniffer.h"

#include <string>

#include "gtest/gtest.h"

namespace clinic {
namespace {

TEST(ContentSnifferTest, DetectsCommonTypes) {
  auto sniffer = ContentSniffer::Create();
  ASSERT_TRUE(sniffer.ok()) << sniffer.status();
  EXPECT_EQ(*(*sniffer)->Detect(
                "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
            "application/pdf");
  EXPECT_EQ(
      *(*sniffer)->Detect(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)),
      "image/png");
  EXPECT_EQ(*(*sniffer)->Detect("Basis of Claim narrative, plain words.\n"),
            "text/plain");
  EXPECT_EQ(*(*sniffer)->Detect("A"), "text/plain");
  // French text whose head is cut inside a multi-byte character.
  std::string french;
  while (french.size() < ContentSniffer::kSniffBytes + 10) {
    french +=
        "D\xc3\xa9"
        "claration du traducteur. ";
  }
  std::string head = french.substr(0, ContentSniffer::kSniffBytes);
  if ((static_cast<unsigned char>(head.back()) & 0xc0) != 0xc0) {
    head.back() = '\xc3';
  }
  EXPECT_EQ(*(*sniffer)->Detect(head), "text/plain");
  EXPECT_NE(*(*sniffer)->Detect(std::string("\x01\x02", 2)), "text/plain");
}

TEST(ContentSnifferTest, ProseWithACommaOnEveryLineIsStillPlainText) {
  auto sniffer = ContentSniffer::Create();
  ASSERT_TRUE(sniffer.ok()) << sniffer.status();
  std::string letter;
  for (int i = 0; i < 40; ++i) {
    letter += "I left in March, with my two children.\n";
  }
  // libmagic's guess; what matters is that a clinic worker's text file
  // declared as text/plain is accepted.
  const std::string detected = *(*sniffer)->Detect(letter);
  EXPECT_EQ(detected, "text/csv");
  EXPECT_TRUE(ContentSniffer::Agrees("text/plain", detected));
  EXPECT_TRUE(ContentSniffer::Agrees("text/csv", "text/plain"));
}

TEST(ContentSnifferTest, AgreementAllowsKnownAliasesOnly) {
  EXPECT_TRUE(ContentSniffer::Agrees("application/pdf", "application/pdf"));
  EXPECT_TRUE(ContentSniffer::Agrees("application/vnd.oasis.opendocument.text",
                                     "application/zip"));
  EXPECT_FALSE(ContentSniffer::Agrees("application/pdf", "text/plain"));
  EXPECT_FALSE(
      ContentSniffer::Agrees("image/jpeg", "application/x-executable"));
}

}  // namespace
}  // namespace clinic
