#include "clients/clinicctl/call.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace cli {
namespace {

using ::testing::HasSubstr;

TEST(CallTest, UnimplementedSaysTheServerDoesNotOfferTheFeatureYet) {
  absl::Status status = CallStatus(
      grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""), "deadlines");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(status.message(),
              HasSubstr("this server does not offer deadlines yet"));
}

TEST(CallTest, OtherCodesKeepCodeAndMessage) {
  absl::Status status =
      CallStatus(grpc::Status(grpc::StatusCode::ABORTED, "cases/x was changed"),
                 "deadlines");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(status.message(), "cases/x was changed");
  EXPECT_TRUE(CallStatus(grpc::Status::OK, "deadlines").ok());
}

struct Page {
  std::vector<int> items;
  std::string token;
  const std::string& next_page_token() const { return token; }
};
struct Request {
  std::string page_token;
  void set_page_token(const std::string& t) { page_token = t; }
};

TEST(CallTest, FetchAllPagesFollowsTokensToTheEnd) {
  std::vector<std::string> asked;
  std::vector<int> got;
  absl::Status status = FetchAllPages<Request, Page>(
      Request(),
      [&](const Request& r, Page* out) {
        asked.push_back(r.page_token);
        if (r.page_token.empty()) *out = Page{{1, 2}, "p2"};
        if (r.page_token == "p2") *out = Page{{3}, ""};
        return absl::OkStatus();
      },
      [&](const Page& p) {
        got.insert(got.end(), p.items.begin(), p.items.end());
      },
      [](const Page& p) { return static_cast<int>(p.items.size()); });
  ASSERT_TRUE(status.ok());
  EXPECT_THAT(asked, ::testing::ElementsAre("", "p2"));
  EXPECT_THAT(got, ::testing::ElementsAre(1, 2, 3));
}

TEST(CallTest, FetchAllPagesStopsAtTheLimitAndOnARepeatedToken) {
  int calls = 0;
  absl::Status limited = FetchAllPages<Request, Page>(
      Request(),
      [&](const Request&, Page* out) {
        ++calls;
        *out = Page{{1, 2}, absl::StrCat("p", calls)};
        return absl::OkStatus();
      },
      [](const Page&) {},
      [](const Page& p) { return static_cast<int>(p.items.size()); }, 3);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(calls, 2);

  calls = 0;
  absl::Status looping = FetchAllPages<Request, Page>(
      Request(),
      [&](const Request&, Page* out) {
        ++calls;
        *out = Page{{1}, "same"};
        return absl::OkStatus();
      },
      [](const Page&) {},
      [](const Page& p) { return static_cast<int>(p.items.size()); });
  ASSERT_TRUE(looping.ok());
  EXPECT_EQ(calls, 2);
}

TEST(CallTest, FetchAllPagesReturnsTheFirstError) {
  absl::Status status = FetchAllPages<Request, Page>(
      Request(),
      [](const Request&, Page*) { return absl::NotFoundError("cases/x"); },
      [](const Page&) { ADD_FAILURE() << "no page to take"; },
      [](const Page& p) { return static_cast<int>(p.items.size()); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cli
}  // namespace clinic
