#include "services/deadline/event_effects.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "services/deadline/engine/test_rules.h"

namespace clinic::deadline {
namespace {

constexpr char kCase[] = "cases/c1";
constexpr char kHearingA[] = "cases/c1/hearings/a";
constexpr char kHearingB[] = "cases/c1/hearings/b";

CaseFacts TorontoClaim() {
  return CaseFacts::ForCase(v1::CASE_TYPE_RPD_CLAIM, v1::PROVINCE_ON,
                            v1::IRB_REGION_CENTRAL, v1::ClaimConditions());
}

v1::CaseEvent Event(v1::EventType type, absl::CivilDay date,
                    const std::string& hearing = "") {
  v1::CaseEvent e;
  e.set_case_(kCase);
  e.set_type(type);
  *e.mutable_date() = ToDate(date);
  e.set_hearing(hearing);
  return e;
}

// The open deadlines a plan's creations would leave, with ids
// "<subject>:<rule>".
std::vector<OpenDeadline> Opened(const EventEffects& fx,
                                 const std::string& subject) {
  std::vector<OpenDeadline> open;
  for (const auto& c : fx.created) {
    open.push_back({subject + ":" + c.computed.rule_id, c.computed.rule_id,
                    subject, "", c.computed.due_date});
  }
  return open;
}

const ComputedDeadline* Created(const EventEffects& fx,
                                const std::string& rule) {
  for (const auto& c : fx.created) {
    if (c.computed.rule_id == rule) return &c.computed;
  }
  return nullptr;
}

TEST(EventEffectsTest, ScheduledHearingCreatesDisclosureBeforeIt) {
  // Hearing Tuesday 2026-10-20 in Toronto: 10 days before is Saturday
  // 2026-10-10, which does not count at the IRB; the limit rolls back to
  // Friday 2026-10-09.
  auto fx = PlanEvent(
      ShippedEngine(), TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 10, 20), kHearingA), {});
  ASSERT_TRUE(fx.ok()) << fx.status();
  const ComputedDeadline* disclosure = Created(*fx, "rpd.hearing.disclosure");
  ASSERT_NE(disclosure, nullptr);
  EXPECT_EQ(disclosure->due_date, D(2026, 10, 9));
  EXPECT_TRUE(fx->moved.empty());
  EXPECT_TRUE(fx->withdrawn.empty());
}

TEST(EventEffectsTest, RescheduleMovesOnlyThatHearingsDeadlines) {
  const DeadlineEngine& engine = ShippedEngine();
  auto a = PlanEvent(
      engine, TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 10, 20), kHearingA), {});
  auto b = PlanEvent(
      engine, TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 11, 17), kHearingB), {});
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<OpenDeadline> open = Opened(*a, kHearingA);
  for (const OpenDeadline& d : Opened(*b, kHearingB)) open.push_back(d);

  auto fx = PlanEvent(
      engine, TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_RESCHEDULED, D(2026, 12, 8), kHearingA),
      open);
  ASSERT_TRUE(fx.ok()) << fx.status();
  ASSERT_FALSE(fx->moved.empty());
  for (const auto& m : fx->moved) {
    EXPECT_EQ(m.id.rfind(std::string(kHearingA) + ":", 0), 0u) << m.id;
    auto expected =
        engine.ComputeDate(m.computed.rule_id, D(2026, 12, 8), TorontoClaim());
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(m.computed.due_date, expected->due_date) << m.id;
  }
  EXPECT_EQ(fx->moved.size(), a->created.size());
  EXPECT_TRUE(fx->created.empty());
  EXPECT_TRUE(fx->withdrawn.empty());
}

TEST(EventEffectsTest, CancelWithdrawsThatHearingsDeadlines) {
  const DeadlineEngine& engine = ShippedEngine();
  auto a = PlanEvent(
      engine, TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 10, 20), kHearingA), {});
  auto b = PlanEvent(
      engine, TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 11, 17), kHearingB), {});
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<OpenDeadline> open = Opened(*a, kHearingA);
  for (const OpenDeadline& d : Opened(*b, kHearingB)) open.push_back(d);

  auto fx = PlanEvent(
      engine, TorontoClaim(),
      Event(v1::EVENT_TYPE_HEARING_CANCELLED, D(2026, 10, 20), kHearingB),
      open);
  ASSERT_TRUE(fx.ok()) << fx.status();
  EXPECT_EQ(fx->withdrawn.size(), b->created.size());
  for (const std::string& id : fx->withdrawn) {
    EXPECT_EQ(id.rfind(std::string(kHearingB) + ":", 0), 0u) << id;
  }
  EXPECT_TRUE(fx->moved.empty());
}

TEST(EventEffectsTest, EventRecordedAgainMovesInsteadOfDuplicating) {
  const DeadlineEngine& engine = ShippedEngine();
  auto first =
      PlanEvent(engine, TorontoClaim(),
                Event(v1::EVENT_TYPE_CLAIM_REFERRED, D(2026, 3, 2)), {});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->created.empty());
  auto again = PlanEvent(engine, TorontoClaim(),
                         Event(v1::EVENT_TYPE_CLAIM_REFERRED, D(2026, 3, 9)),
                         Opened(*first, ""));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->created.empty());
  EXPECT_FALSE(again->moved.empty());
  // Recording the same date once more changes nothing.
  auto same = PlanEvent(engine, TorontoClaim(),
                        Event(v1::EVENT_TYPE_CLAIM_REFERRED, D(2026, 3, 2)),
                        Opened(*first, ""));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->created.empty());
  EXPECT_TRUE(same->moved.empty());
}

TEST(EventEffectsTest, HearingEventNeedsNoOtherHearingsDeadlines) {
  EXPECT_TRUE(IsHearingEvent(v1::EVENT_TYPE_HEARING_RESCHEDULED));
  EXPECT_FALSE(IsHearingEvent(v1::EVENT_TYPE_CLAIM_REFERRED));
}

}  // namespace
}  // namespace clinic::deadline
