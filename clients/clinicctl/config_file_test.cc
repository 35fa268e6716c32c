#include "clients/clinicctl/config_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace cli {
namespace {

using ::testing::HasSubstr;

TEST(ConfigFileTest, ReadsSettingsCommentsAndServices) {
  auto config = ParseClientConfig(
      "# clinic\n"
      "server = clinic.example.org:7443\n"
      "  ca=/etc/clinic/ca.crt   # the clinic's CA\n"
      "\n"
      "service.intake = 10.0.0.5:7443\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "clinic.example.org:7443");
  EXPECT_EQ(config->ca, "/etc/clinic/ca.crt");
  EXPECT_EQ(config->services.at("intake"), "10.0.0.5:7443");
}

TEST(ConfigFileTest, BadLinesAreNamedByNumber) {
  auto missing = ParseClientConfig("server = a:1\njust words\n");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("config line 2"));
  auto unknown = ParseClientConfig("colour = blue\n");
  EXPECT_THAT(unknown.status().message(), HasSubstr("\"colour\""));
  EXPECT_FALSE(ParseClientConfig("service. = x:1\n").ok());
  EXPECT_FALSE(ParseClientConfig("service.In-take = x:1\n").ok());
}

TEST(ConfigFileTest, RenderedFileReadsBackTheSame) {
  ClientConfig config;
  ASSERT_TRUE(SetConfigValue(config, "server", "s:7443").ok());
  ASSERT_TRUE(SetConfigValue(config, "service.deadline", "d:7444").ok());
  ASSERT_TRUE(SetConfigValue(config, "service.hearing", "h:7445").ok());
  ASSERT_TRUE(SetConfigValue(config, "service.hearing", "").ok());
  auto again = ParseClientConfig(RenderClientConfig(config));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->server, "s:7443");
  EXPECT_EQ(again->services.size(), 1u);
  EXPECT_EQ(again->services.at("deadline"), "d:7444");
}

}  // namespace
}  // namespace cli
}  // namespace clinic
