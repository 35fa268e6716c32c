#include "services/common/config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

TEST(ConfigTest, ParsesTextFormatAndAppliesDefaults) {
  auto config = ParseConfig(
      "data_dir: \"/srv/clinic\"\n"
      "listen_address: \"127.0.0.1:9000\"\n"
      "services: \"intake\"\n"
      "document { max_document_bytes: 1048576 }\n",
      "test.textproto");
  ASSERT_TRUE(config.ok()) << config.status();
  ApplyConfigDefaults(&*config);
  EXPECT_EQ(config->data_dir(), "/srv/clinic");
  EXPECT_EQ(config->document().max_document_bytes(), 1048576);
  EXPECT_EQ(config->document().segment_bytes(), 64 << 10);
  EXPECT_EQ(config->auth().access_token_ttl().seconds(), 15 * 60);
  EXPECT_EQ(config->retention().classes_size(), 2);
  EXPECT_TRUE(ValidateConfig(*config).ok());
}

TEST(ConfigTest, ErrorsNameTheLineAndColumn) {
  auto config = ParseConfig(
      "data_dir: \"/x\"\nlisten_adress: \"127.0.0.1:1\"\n", "c.txt");
  ASSERT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(config.status().message()),
              HasSubstr("c.txt: line 2 column"));
  EXPECT_THAT(std::string(config.status().message()),
              HasSubstr("listen_adress"));
}

TEST(ConfigTest, ValidationNamesTheField) {
  struct Case {
    const char* text;
    const char* field;
  } cases[] = {
      {"services: \"billing\"", "services"},
      {"listen_address: \"nonsense\"", "listen address"},
      {"listen_address: \"0.0.0.0:7443\" tls { dev_plaintext: true }",
       "dev_plaintext"},
      {"peers { service: \"intake\" address: \"nohost\" }", "peers.address"},
      {"peers { service: \"payroll\" address: \"h:1\" }", "peers.service"},
      {"auth { scrypt_log2_n: 40 }", "auth.scrypt_log2_n"},
      {"document { segment_bytes: 10 }", "document.segment_bytes"},
      {"limits { max_receive_message_bytes: 1000 }",
       "limits.max_receive_message_bytes"},
  };
  for (const Case& c : cases) {
    auto config = ParseConfig(c.text, "t");
    ASSERT_TRUE(config.ok()) << c.text;
    ApplyConfigDefaults(&*config);
    absl::Status status = ValidateConfig(*config);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field)) << c.text;
  }
}

TEST(ConfigTest, PlaintextOnLoopbackIsAllowed) {
  auto config = ParseConfig(
      "listen_address: \"127.0.0.1:0\" tls { dev_plaintext: true }", "t");
  ASSERT_TRUE(config.ok());
  ApplyConfigDefaults(&*config);
  EXPECT_TRUE(ValidateConfig(*config).ok());
}

}  // namespace
}  // namespace clinic
