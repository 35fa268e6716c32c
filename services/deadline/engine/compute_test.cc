// The arithmetic, with the shipped calendars and rules written here. Every
// expected date is worked by hand in the comment above it (Easter 2026: Good
// Friday 3 April, Easter Monday 6 April).
#include "services/deadline/engine/compute.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "services/deadline/engine/test_rules.h"

namespace clinic::deadline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::DeadlineRule Rule(int n, v1::OffsetUnit unit, v1::Direction direction,
                      v1::Counting counting, v1::Roll roll) {
  v1::DeadlineRule r;
  r.set_id("test");
  r.mutable_offset()->set_value(n);
  r.mutable_offset()->set_unit(unit);
  r.set_direction(direction);
  r.set_counting(counting);
  r.set_roll(roll);
  r.set_kind(v1::DEADLINE_KIND_DEADLINE);
  return r;
}

v1::DeadlineRule DaysAfter(int n, v1::Roll roll = v1::ROLL_FORWARD) {
  return Rule(n, v1::OFFSET_UNIT_CALENDAR_DAYS, v1::DIRECTION_AFTER,
              v1::COUNTING_EXCLUDE_FIRST, roll);
}

v1::DeadlineRule DaysBefore(int n) {
  return Rule(n, v1::OFFSET_UNIT_CALENDAR_DAYS, v1::DIRECTION_BEFORE,
              v1::COUNTING_EXCLUDE_FIRST, v1::ROLL_BACKWARD);
}

const HolidayCalendar& Cal(absl::string_view id) {
  return *ShippedRules()->FindCalendar(id);
}

absl::CivilDay Count(const v1::DeadlineRule& rule, absl::CivilDay trigger,
                     absl::string_view calendar, v1::Explanation* e = nullptr) {
  absl::StatusOr<absl::CivilDay> d = CountFrom(rule, trigger, Cal(calendar), e);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.value_or(absl::CivilDay());
}

std::vector<std::string> Skipped(const v1::Explanation& e) {
  std::vector<std::string> out;
  for (const v1::SkippedDay& s : e.skipped()) {
    out.push_back(absl::StrCat(FormatDate(s.date()), " ", s.reason()));
  }
  return out;
}

// 19 Mar + 15 = 3 Apr 2026, Good Friday. IA s.26: the next day that is not a
// holiday is Saturday 4 April (Saturday is not an IA holiday).
TEST(CountFromTest, GoodFridayUnderInterpretationActRollsToSaturday) {
  v1::Explanation e;
  EXPECT_EQ(Count(DaysAfter(15), D(2026, 3, 19), "CA-IA", &e), D(2026, 4, 4));
  EXPECT_THAT(Skipped(e), ElementsAre("2026-04-03 Good Friday (CA-IA)"));
}

// Same count in the Federal Court: Good Friday, Saturday, Sunday and Easter
// Monday do not count, so Tuesday 7 April. The explanation, in full.
TEST(CountFromTest, GoodFridayInFederalCourtRollsToTuesday) {
  v1::Explanation e;
  EXPECT_EQ(Count(DaysAfter(15), D(2026, 3, 19), "CA-FC", &e), D(2026, 4, 7));
  EXPECT_THAT(
      Skipped(e),
      ElementsAre("2026-04-03 Good Friday (CA-IA)", "2026-04-04 Saturday",
                  "2026-04-05 Sunday", "2026-04-06 Easter Monday (CA-IA)"));
  EXPECT_THAT(
      e.steps(),
      ElementsAre(
          "calendar CA-FC: Federal Courts Rules holidays: Saturday, Sunday and "
          "every Interpretation Act holiday (Federal Courts Rules, SOR/98-106, "
          "r.2 \"holiday\"; Interpretation Act s.35(1))",
          "start 2026-03-19 (Thursday); the start day is not counted, the "
          "last day is (IA s.27)",
          "2026-03-19 + 15 calendar days = 2026-04-03 (Friday)",
          "2026-04-03 (Friday) does not count in CA-FC (Good Friday (CA-IA)): "
          "the limit runs to the next day that counts, 2026-04-07 (Tuesday) "
          "(IA s.26)",
          "due: 2026-04-07 (Tuesday)"));
}

// 27 Mar + 10 = Monday 6 April 2026, Easter Monday: a holiday under the IA,
// in Ontario (Legislation Act), Quebec and the IRB offices; not in BC.
TEST(CountFromTest, EasterMondayIsAHolidayInSomeCalendarsOnly) {
  const v1::DeadlineRule rule = DaysAfter(10);
  EXPECT_EQ(Count(rule, D(2026, 3, 27), "CA-IA"), D(2026, 4, 7));
  EXPECT_EQ(Count(rule, D(2026, 3, 27), "ON"), D(2026, 4, 7));
  EXPECT_EQ(Count(rule, D(2026, 3, 27), "QC"), D(2026, 4, 7));
  EXPECT_EQ(Count(rule, D(2026, 3, 27), "IRB-WESTERN"), D(2026, 4, 7));
  EXPECT_EQ(Count(rule, D(2026, 3, 27), "BC"), D(2026, 4, 6));
}

// 5 Jun + 15 = Saturday 20 June 2026. IA s.26 alone: Saturday is not a
// holiday, the date stands. Federal Court: Saturday and Sunday roll to
// Monday 22 June.
TEST(CountFromTest, SaturdayRollsInFederalCourtOnly) {
  const v1::DeadlineRule rule = DaysAfter(15);
  v1::Explanation ia, fc;
  EXPECT_EQ(Count(rule, D(2026, 6, 5), "CA-IA", &ia), D(2026, 6, 20));
  EXPECT_THAT(ia.skipped(), IsEmpty());
  EXPECT_THAT(ia.steps(),
              testing::Contains("2026-06-20 (Saturday) counts in CA-IA"));
  EXPECT_EQ(Count(rule, D(2026, 6, 5), "CA-FC", &fc), D(2026, 6, 22));
  EXPECT_THAT(Skipped(fc),
              ElementsAre("2026-06-20 Saturday", "2026-06-21 Sunday"));
}

// 14 Jun + 10 = Wednesday 24 June 2026: Fête nationale in Quebec (so Thursday
// 25 June), an ordinary day in Ontario.
TEST(CountFromTest, TwentyFourthOfJuneQuebecVersusOntario) {
  const v1::DeadlineRule rule = DaysAfter(10);
  EXPECT_EQ(Count(rule, D(2026, 6, 14), "QC"), D(2026, 6, 25));
  EXPECT_EQ(Count(rule, D(2026, 6, 14), "ON"), D(2026, 6, 24));
  // The federal IA calendar does not add provincial days (safe side).
  EXPECT_EQ(Count(rule, D(2026, 6, 14), "CA-IA"), D(2026, 6, 24));
}

// National Day for Truth and Reconciliation: federal from 2021, BC from 2023.
TEST(CountFromTest, ThirtiethOfSeptemberBeforeAndAfter) {
  const v1::DeadlineRule fifteen = DaysAfter(15);
  const v1::DeadlineRule ten = DaysAfter(10);
  // 15 Sep 2020 + 15 = Wed 30 Sep 2020: not yet a holiday.
  EXPECT_EQ(Count(fifteen, D(2020, 9, 15), "CA-IA"), D(2020, 9, 30));
  // 15 Sep 2021 + 15 = Thu 30 Sep 2021: a holiday; Friday 1 October.
  EXPECT_EQ(Count(fifteen, D(2021, 9, 15), "CA-IA"), D(2021, 10, 1));
  // 20 Sep 2022 + 10 = Fri 30 Sep 2022: not a BC holiday before 2023...
  EXPECT_EQ(Count(ten, D(2022, 9, 20), "BC"), D(2022, 9, 30));
  // ...but a federal one: Saturday 1 October 2022 (Saturday counts).
  EXPECT_EQ(Count(ten, D(2022, 9, 20), "CA-IA"), D(2022, 10, 1));
  // 20 Sep 2023 + 10 = Sat 30 Sep 2023, a BC holiday; Sunday 1 October does
  // not count either: Monday 2 October.
  v1::Explanation e;
  EXPECT_EQ(Count(ten, D(2023, 9, 20), "BC", &e), D(2023, 10, 2));
  EXPECT_THAT(Skipped(e), ElementsAre("2023-09-30 National Day for Truth and "
                                      "Reconciliation (BC)",
                                      "2023-10-01 Sunday"));
}

// 17 Dec 2026 + 15 = Fri 1 Jan 2027 (New Year's Day); Sat 2, Sun 3 do not
// count in the Federal Court: Monday 4 January 2027.
TEST(CountFromTest, AcrossYearEnd) {
  EXPECT_EQ(Count(DaysAfter(15), D(2026, 12, 17), "CA-FC"), D(2027, 1, 4));
  // 5 working days after Tue 22 Dec 2026 in Toronto: Wed 23 (1), Thu 24 (2),
  // Fri 25 Christmas, Sat 26, Sun 27, Mon 28 (Boxing Day, moved from the
  // Saturday), Tue 29 (3), Wed 30 (4), Thu 31 (5).
  v1::Explanation e;
  const v1::DeadlineRule working =
      Rule(5, v1::OFFSET_UNIT_WORKING_DAYS, v1::DIRECTION_AFTER,
           v1::COUNTING_EXCLUDE_FIRST, v1::ROLL_FORWARD);
  EXPECT_EQ(Count(working, D(2026, 12, 22), "IRB-CENTRAL", &e),
            D(2026, 12, 31));
  EXPECT_THAT(Skipped(e),
              ElementsAre("2026-12-25 Christmas Day (CA-PS)",
                          "2026-12-26 Saturday; Boxing Day (CA-PS)",
                          "2026-12-27 Sunday",
                          "2026-12-28 Boxing Day (observed) (CA-PS)"));
}

// "No later than 10 days before" a hearing on Tuesday 8 September 2026, the
// day after Labour Day: 8 Sep - 10 = Saturday 29 August, not a working day:
// back to Friday 28 August. (Rolling forward would leave only 9 days.)
TEST(CountFromTest, TenDaysBeforeHearingAfterLongWeekend) {
  v1::Explanation e;
  EXPECT_EQ(Count(DaysBefore(10), D(2026, 9, 8), "IRB-CENTRAL", &e),
            D(2026, 8, 28));
  EXPECT_THAT(Skipped(e), ElementsAre("2026-08-29 Saturday"));
  EXPECT_THAT(
      e.steps(),
      testing::Contains("2026-08-29 (Saturday) does not count in IRB-CENTRAL "
                        "(Saturday): to be safe, the last day before it that "
                        "counts, 2026-08-28 (Friday) (roll backward)"));
  // 5 days before: Thursday 3 September, a working day.
  EXPECT_EQ(Count(DaysBefore(5), D(2026, 9, 8), "IRB-CENTRAL"), D(2026, 9, 3));
}

// Working days back from a hearing on Tuesday 19 May 2026 (Victoria Day on
// Monday 18): Mon 18, Sun 17, Sat 16 do not count; Fri 15 (1), Thu 14 (2),
// Wed 13 (3). "At least 3 working days" (clear) needs one more: Tue 12.
TEST(CountFromTest, WorkingDaysBeforeAcrossLongWeekend) {
  const v1::DeadlineRule plain =
      Rule(3, v1::OFFSET_UNIT_WORKING_DAYS, v1::DIRECTION_BEFORE,
           v1::COUNTING_EXCLUDE_FIRST, v1::ROLL_BACKWARD);
  const v1::DeadlineRule clear =
      Rule(3, v1::OFFSET_UNIT_WORKING_DAYS, v1::DIRECTION_BEFORE,
           v1::COUNTING_CLEAR_DAYS, v1::ROLL_BACKWARD);
  v1::Explanation e;
  EXPECT_EQ(Count(plain, D(2026, 5, 19), "IRB-CENTRAL", &e), D(2026, 5, 13));
  EXPECT_THAT(Skipped(e),
              ElementsAre("2026-05-18 Victoria Day (CA-PS)",
                          "2026-05-17 Sunday", "2026-05-16 Saturday"));
  EXPECT_THAT(e.steps(),
              testing::Contains(
                  "count 3 working days before 2026-05-19 in IRB-CENTRAL, "
                  "passing over 3 non-working days: 2026-05-15 (Friday) is 1, "
                  "2026-05-14 (Thursday) is 2, 2026-05-13 (Wednesday) is 3 = "
                  "2026-05-13 (Wednesday)"));
  EXPECT_EQ(Count(clear, D(2026, 5, 19), "IRB-CENTRAL"), D(2026, 5, 12));
}

// Clear calendar days (IA s.27(1)): at least 10 clear days after Mon 2 March
// means 3..12 March lie between, so Friday 13 March; before Fri 20 March,
// 10..19 March lie between, so Monday 9 March.
TEST(CountFromTest, ClearCalendarDays) {
  EXPECT_EQ(Count(Rule(10, v1::OFFSET_UNIT_CALENDAR_DAYS, v1::DIRECTION_AFTER,
                       v1::COUNTING_CLEAR_DAYS, v1::ROLL_FORWARD),
                  D(2026, 3, 2), "CA-IA"),
            D(2026, 3, 13));
  EXPECT_EQ(Count(Rule(10, v1::OFFSET_UNIT_CALENDAR_DAYS, v1::DIRECTION_BEFORE,
                       v1::COUNTING_CLEAR_DAYS, v1::ROLL_BACKWARD),
                  D(2026, 3, 20), "IRB-CENTRAL"),
            D(2026, 3, 9));
}

// IA s.28: one month after 31 January 2026 is 28 February (a Saturday: it
// counts under the IA, rolls to Monday 2 March in the Federal Court).
TEST(CountFromTest, MonthsUseTheLastDayOfAShorterMonth) {
  const v1::DeadlineRule month =
      Rule(1, v1::OFFSET_UNIT_MONTHS, v1::DIRECTION_AFTER,
           v1::COUNTING_EXCLUDE_FIRST, v1::ROLL_FORWARD);
  v1::Explanation e;
  EXPECT_EQ(Count(month, D(2026, 1, 31), "CA-IA", &e), D(2026, 2, 28));
  EXPECT_THAT(e.steps(),
              testing::Contains("2026-01-31 + 1 month = 2026-02-28 (Saturday) "
                                "(IA s.28: the month has no day 31, so its "
                                "last day)"));
  EXPECT_EQ(Count(month, D(2026, 1, 31), "CA-FC"), D(2026, 3, 2));
}

// 7 Aug + 30 = Sunday 6 September 2026; an earliest date does not move.
TEST(CountFromTest, RollNoneKeepsTheDate) {
  v1::DeadlineRule rule = DaysAfter(30, v1::ROLL_NONE);
  rule.set_kind(v1::DEADLINE_KIND_EARLIEST);
  v1::Explanation e;
  EXPECT_EQ(Count(rule, D(2026, 8, 7), "CA-FC", &e), D(2026, 9, 6));
  EXPECT_THAT(e.skipped(), IsEmpty());
  EXPECT_THAT(e.steps(),
              ElementsAre(testing::_, testing::_,
                          "2026-08-07 + 30 calendar days = 2026-09-06 (Sunday)",
                          "2026-09-06 (Sunday) does not count in CA-FC "
                          "(Sunday), but this rule's date does not move",
                          "earliest date: 2026-09-06 (Sunday)"));
}

TEST(CountFromTest, DueTimeIsShown) {
  v1::DeadlineRule rule = DaysAfter(15);
  rule.mutable_due_time()->set_hours(23);
  rule.mutable_due_time()->set_minutes(59);
  v1::Explanation e;
  Count(rule, D(2026, 3, 2), "CA-IA", &e);
  EXPECT_EQ(e.steps(e.steps_size() - 1), "due: 2026-03-17 (Tuesday) at 23:59");
}

TEST(CountFromTest, OutsideTheCalendarYearsIsOutOfRange) {
  absl::StatusOr<absl::CivilDay> late =
      CountFrom(DaysAfter(45), D(2100, 12, 20), Cal("CA-IA"), nullptr);
  EXPECT_EQ(late.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(late.status().message(), HasSubstr("2101-02-03"));
  absl::StatusOr<absl::CivilDay> early =
      CountFrom(DaysAfter(45), D(1989, 12, 20), Cal("CA-IA"), nullptr);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(early.status().message(), HasSubstr("trigger date 1989-12-20"));
}

// The date-only path (used to recompute many deadlines) agrees with the
// explained one over a whole year of triggers and every calendar.
TEST(CountFromTest, WithAndWithoutExplanationAgree) {
  const std::vector<v1::DeadlineRule> rules = {
      DaysAfter(15), DaysBefore(10),
      Rule(3, v1::OFFSET_UNIT_WORKING_DAYS, v1::DIRECTION_BEFORE,
           v1::COUNTING_CLEAR_DAYS, v1::ROLL_BACKWARD),
      Rule(2, v1::OFFSET_UNIT_MONTHS, v1::DIRECTION_AFTER,
           v1::COUNTING_EXCLUDE_FIRST, v1::ROLL_FORWARD)};
  for (const HolidayCalendar* cal : ShippedRules()->calendars()) {
    for (const v1::DeadlineRule& rule : rules) {
      for (absl::CivilDay d = D(2026, 1, 1); d < D(2027, 1, 1); ++d) {
        v1::Explanation e;
        ASSERT_EQ(*CountFrom(rule, d, *cal, nullptr),
                  *CountFrom(rule, d, *cal, &e))
            << cal->id() << " " << d;
      }
    }
  }
}

}  // namespace
}  // namespace clinic::deadline
