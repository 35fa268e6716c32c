#include "services/deadline/engine/receipt.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "services/deadline/engine/test_rules.h"

namespace clinic::deadline {
namespace {

using ::testing::HasSubstr;

v1::Receipt Mail(absl::CivilDay sent) {
  v1::Receipt r;
  r.set_manner(v1::RECEIPT_MANNER_MAIL);
  *r.mutable_sent_date() = ToDate(sent);
  return r;
}

absl::StatusOr<ReceiptDates> Read(v1::EventType event, absl::CivilDay date,
                                  const v1::Receipt* receipt) {
  return ReadReceipt(*ShippedRules(), event, date, receipt);
}

TEST(ReceiptTest, NoReceiptUsesTheEventDate) {
  absl::StatusOr<ReceiptDates> r =
      Read(v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2), nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->event_date_only);
  const Trigger t = ChooseTrigger(*r, v1::DEADLINE_KIND_DEADLINE);
  EXPECT_EQ(t.date, D(2026, 3, 2));
  EXPECT_EQ(t.derivation, "event date 2026-03-02 (Monday)");
  EXPECT_EQ(t.warning, "");
}

TEST(ReceiptTest, ActualReceiptWithoutDeemingRule) {
  v1::Receipt hand;
  hand.set_manner(v1::RECEIPT_MANNER_PORTAL);
  *hand.mutable_received_date() = ToDate(D(2026, 3, 4));
  const Trigger t = ChooseTrigger(
      *Read(v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2), &hand),
      v1::DEADLINE_KIND_DEADLINE);
  EXPECT_EQ(t.date, D(2026, 3, 4));
  EXPECT_EQ(t.derivation,
            "received 2026-03-04 (Wednesday) by the IRB My Case portal");
  // Mail with no deemed-receipt rule for the event: the actual date.
  v1::Receipt mail = Mail(D(2026, 2, 20));
  EXPECT_EQ(ChooseTrigger(
                *Read(v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2), &mail),
                v1::DEADLINE_KIND_DEADLINE)
                .date,
            D(2026, 3, 2));
}

// PRRA notification mailed Mon 2 March 2026: deemed given 7 days later, Mon
// 9 March (IRPR 160(4)); it actually arrived Thu 5 March. Deadlines run from
// the earlier (5th), earliest dates from the later (9th).
TEST(ReceiptTest, EarlierForDeadlinesLaterForEarliestDates) {
  v1::Receipt mail = Mail(D(2026, 3, 2));
  *mail.mutable_received_date() = ToDate(D(2026, 3, 5));
  absl::StatusOr<ReceiptDates> r =
      Read(v1::EVENT_TYPE_PRRA_NOTIFICATION, D(2026, 3, 5), &mail);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r->deemed, D(2026, 3, 9));
  const Trigger deadline = ChooseTrigger(*r, v1::DEADLINE_KIND_DEADLINE);
  EXPECT_EQ(deadline.date, D(2026, 3, 5));
  EXPECT_EQ(deadline.derivation,
            "received 2026-03-05 (Thursday) by mail; sent 2026-03-02 (Monday), "
            "deemed received 7 days later, 2026-03-09 (Monday) (IRPR 160(4): "
            "notification by mail is given seven days after it was sent); the "
            "earlier date, 2026-03-05 (Thursday), is used so that the limit is "
            "never later than the law's");
  const Trigger earliest = ChooseTrigger(*r, v1::DEADLINE_KIND_EARLIEST);
  EXPECT_EQ(earliest.date, D(2026, 3, 9));
  EXPECT_THAT(earliest.derivation, HasSubstr("the later date, 2026-03-09"));
}

// Arrived late (Tue 10 March, the event's date): the deemed 9 March governs
// deadlines.
TEST(ReceiptTest, LateMailUsesDeemedDateForDeadlines) {
  v1::Receipt mail = Mail(D(2026, 3, 2));
  absl::StatusOr<ReceiptDates> r =
      Read(v1::EVENT_TYPE_PRRA_NOTIFICATION, D(2026, 3, 10), &mail);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ChooseTrigger(*r, v1::DEADLINE_KIND_DEADLINE).date, D(2026, 3, 9));
  EXPECT_EQ(ChooseTrigger(*r, v1::DEADLINE_KIND_EARLIEST).date, D(2026, 3, 10));
}

// Federal Court reasons by mail: deemed on the 10th day (uncertain rule).
TEST(ReceiptTest, UncertainDeemingRuleWarnsWhenItDecides) {
  v1::Receipt mail = Mail(D(2026, 3, 2));
  *mail.mutable_received_date() = ToDate(D(2026, 3, 16));
  Trigger t = ChooseTrigger(
      *Read(v1::EVENT_TYPE_TRIBUNAL_REASONS_RECEIVED, D(2026, 3, 16), &mail),
      v1::DEADLINE_KIND_DEADLINE);
  EXPECT_EQ(t.date, D(2026, 3, 12));
  EXPECT_THAT(t.warning, HasSubstr("r.9(4)"));
  *mail.mutable_received_date() = ToDate(D(2026, 3, 10));
  t = ChooseTrigger(
      *Read(v1::EVENT_TYPE_TRIBUNAL_REASONS_RECEIVED, D(2026, 3, 10), &mail),
      v1::DEADLINE_KIND_DEADLINE);
  EXPECT_EQ(t.date, D(2026, 3, 10));
  EXPECT_EQ(t.warning, "");
}

TEST(ReceiptTest, BadReceiptsNameTheField) {
  v1::Receipt no_sent;
  no_sent.set_manner(v1::RECEIPT_MANNER_MAIL);
  absl::Status s =
      Read(v1::EVENT_TYPE_PRRA_NOTIFICATION, D(2026, 3, 5), &no_sent).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("receipt.sent_date is required"));
  EXPECT_THAT(s.message(), HasSubstr("IRPR 160(4)"));

  v1::Receipt backwards = Mail(D(2026, 3, 5));
  *backwards.mutable_received_date() = ToDate(D(2026, 3, 2));
  s = Read(v1::EVENT_TYPE_PRRA_NOTIFICATION, D(2026, 3, 5), &backwards)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("receipt.received_date is before receipt.sent_date"));

  v1::Receipt unreal = Mail(D(2026, 3, 5));
  unreal.mutable_sent_date()->set_month(2);
  unreal.mutable_sent_date()->set_day(30);
  s = Read(v1::EVENT_TYPE_PRRA_NOTIFICATION, D(2026, 3, 5), &unreal).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("receipt.sent_date"));

  v1::Receipt no_manner;
  *no_manner.mutable_received_date() = ToDate(D(2026, 3, 5));
  s = Read(v1::EVENT_TYPE_PRRA_NOTIFICATION, D(2026, 3, 5), &no_manner)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("receipt.manner"));
}

}  // namespace
}  // namespace clinic::deadline
