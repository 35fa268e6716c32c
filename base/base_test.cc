#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "base/random.h"
#include "base/secret.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace {

TEST(SecretBytesTest, MoveLeavesSourceEmpty) {
  SecretBytes a("key material");
  SecretBytes b = std::move(a);
  EXPECT_EQ(b.view(), "key material");
  EXPECT_TRUE(
      a.empty());  // NOLINT(bugprone-use-after-move): documented behaviour
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

bool IsUrlSafeId(const std::string& id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

TEST(RandomIdTest, IsUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = RandomId();
    ASSERT_TRUE(IsUrlSafeId(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// 2026-12-07T00:00:00Z.
const absl::Time kSomeSecond = absl::FromUnixSeconds(1796601600);

TEST(TimeOrderedIdTest, IsUrlSafe) {
  EXPECT_TRUE(IsUrlSafeId(TimeOrderedId())) << TimeOrderedId();
  EXPECT_TRUE(IsUrlSafeId(TimeOrderedId(kSomeSecond)));
}

TEST(TimeOrderedIdTest, LaterSecondsSortLater) {
  for (absl::Duration later :
       {absl::Seconds(1), absl::Seconds(31), absl::Seconds(32),
        absl::Hours(24 * 365), absl::Hours(24 * 365 * 900)}) {
    for (int i = 0; i < 50; ++i) {
      EXPECT_LT(TimeOrderedId(kSomeSecond), TimeOrderedId(kSomeSecond + later))
          << later;
    }
  }
}

TEST(TimeOrderedIdTest, SameSecondSharesPrefixButNotId) {
  const std::string prefix = TimeOrderedId(kSomeSecond).substr(0, 7);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = TimeOrderedId(kSomeSecond + absl::Milliseconds(i));
    EXPECT_TRUE(absl::StartsWith(id, prefix)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  // Even the last character varies: the rest is random, not a counter.
  std::set<char> last;
  for (const std::string& id : seen) last.insert(id.back());
  EXPECT_GT(last.size(), 8u);
}

TEST(RandomSecretTest, ReturnsRequestedLength) {
  auto s = RandomSecret(32);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 32u);
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("x must be even");
  return x / 2;
}

absl::Status Quarter(int x, int* out) {
  CLINIC_ASSIGN_OR_RETURN(int half, Half(x));
  CLINIC_ASSIGN_OR_RETURN(*out, Half(half));
  CLINIC_RETURN_IF_ERROR(absl::OkStatus());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, PropagateErrorsAndValues) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(Quarter(6, &out).code(), absl::StatusCode::kInvalidArgument);
}

TEST(LogTest, WritesOneEscapedJsonLinePerCall) {
  std::vector<std::string> lines;
  log::SetSinkForTesting([&](absl::string_view l) { lines.emplace_back(l); });
  log::Info("listening",
            {{"addr", "127.0.0.1:1"}, {"note", "a \"quoted\"\nline"}});
  log::Debug("dropped below the minimum level");
  log::SetSinkForTesting(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(absl::EndsWith(lines[0], "}\n"));
  EXPECT_EQ(lines[0].find('\n'), lines[0].size() - 1);
  EXPECT_THAT(lines[0], testing::HasSubstr("\"msg\":\"listening\""));
  EXPECT_THAT(lines[0],
              testing::HasSubstr("\"note\":\"a \\\"quoted\\\"\\nline\""));
}

}  // namespace
}  // namespace clinic
