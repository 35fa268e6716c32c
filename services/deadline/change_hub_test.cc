#include "services/deadline/change_hub.h"

#include "gtest/gtest.h"

namespace clinic::deadline {
namespace {

v1::DeadlineChange Change(const std::string& case_name, const std::string& id) {
  v1::DeadlineChange change;
  change.set_kind(v1::DeadlineChange::KIND_CREATED);
  change.mutable_deadline()->set_case_(case_name);
  change.mutable_deadline()->set_name(case_name + "/deadlines/" + id);
  return change;
}

TEST(ChangeHubTest, DeliversOnlyWatchedCasesInOrder) {
  ChangeHub hub;
  auto sub = hub.Subscribe({"cases/a"});
  hub.Publish(Change("cases/b", "x"));
  hub.Publish(Change("cases/a", "1"));
  hub.Publish(Change("cases/a", "2"));
  auto first = sub->Next(absl::ZeroDuration());
  auto second = sub->Next(absl::ZeroDuration());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->deadline().name(), "cases/a/deadlines/1");
  EXPECT_EQ(second->deadline().name(), "cases/a/deadlines/2");
  EXPECT_FALSE(sub->Next(absl::ZeroDuration()));
}

TEST(ChangeHubTest, UnsubscribedWatcherReceivesNothing) {
  ChangeHub hub;
  auto sub = hub.Subscribe({"cases/a"});
  hub.Unsubscribe(sub);
  hub.Publish(Change("cases/a", "1"));
  EXPECT_FALSE(sub->Next(absl::ZeroDuration()));
}

TEST(ChangeHubTest, CloseAllEndsWatchesAndLaterOnes) {
  ChangeHub hub;
  auto sub = hub.Subscribe({"cases/a"});
  hub.CloseAll();
  EXPECT_TRUE(sub->closed());
  EXPECT_TRUE(hub.Subscribe({"cases/a"})->closed());
}

TEST(ChangeHubTest, SlowWatcherIsToldItFellBehind) {
  ChangeHub hub;
  auto sub = hub.Subscribe({"cases/a"});
  for (size_t i = 0; i <= ChangeHub::kMaxQueued; ++i) {
    hub.Publish(Change("cases/a", std::to_string(i)));
  }
  EXPECT_TRUE(sub->overflowed());
}

}  // namespace
}  // namespace clinic::deadline
