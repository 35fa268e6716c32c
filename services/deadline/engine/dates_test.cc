#include "services/deadline/engine/dates.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic::deadline {
namespace {

using ::testing::HasSubstr;

absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// Western Easter Sundays from published tables (not computed here).
TEST(EasterSundayTest, MatchesPublishedDates) {
  EXPECT_EQ(EasterSunday(1990), D(1990, 4, 15));
  EXPECT_EQ(EasterSunday(1991), D(1991, 3, 31));
  EXPECT_EQ(EasterSunday(2000), D(2000, 4, 23));
  EXPECT_EQ(EasterSunday(2008), D(2008, 3, 23));  // earliest in the range
  EXPECT_EQ(EasterSunday(2011), D(2011, 4, 24));
  EXPECT_EQ(EasterSunday(2019), D(2019, 4, 21));
  EXPECT_EQ(EasterSunday(2024), D(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), D(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), D(2026, 4, 5));
  EXPECT_EQ(EasterSunday(2027), D(2027, 3, 28));
  EXPECT_EQ(EasterSunday(2038), D(2038, 4, 25));  // latest in the range
  EXPECT_EQ(EasterSunday(2095), D(2095, 4, 24));
  EXPECT_EQ(EasterSunday(2100), D(2100, 3, 28));
}

TEST(AddMonthsTest, SameDayOfMonth) {
  MonthsLater m = AddMonths(D(2026, 3, 2), 1);
  EXPECT_EQ(m.day, D(2026, 4, 2));
  EXPECT_FALSE(m.clamped);
}

// IA s.28: one month after 31 March is 30 April.
TEST(AddMonthsTest, ShorterMonthUsesItsLastDay) {
  MonthsLater m = AddMonths(D(2026, 3, 31), 1);
  EXPECT_EQ(m.day, D(2026, 4, 30));
  EXPECT_TRUE(m.clamped);
  EXPECT_EQ(AddMonths(D(2026, 1, 31), 1).day, D(2026, 2, 28));
  EXPECT_EQ(AddMonths(D(2028, 1, 31), 1).day, D(2028, 2, 29));  // leap year
  EXPECT_EQ(AddMonths(D(2024, 2, 29), 12).day, D(2025, 2, 28));
}

TEST(AddMonthsTest, AcrossYearEndAndBackwards) {
  EXPECT_EQ(AddMonths(D(2026, 11, 30), 3).day, D(2027, 2, 28));
  EXPECT_EQ(AddMonths(D(2026, 3, 31), -1).day, D(2026, 2, 28));
  EXPECT_EQ(AddMonths(D(2026, 12, 15), 12).day, D(2027, 12, 15));
}

TEST(WeekdayTest, NamesAndKinds) {
  EXPECT_EQ(WeekdayOf(D(2026, 3, 2)), v1::WEEKDAY_MONDAY);
  EXPECT_EQ(WeekdayOf(D(2026, 3, 8)), v1::WEEKDAY_SUNDAY);
  EXPECT_EQ(WeekdayName(v1::WEEKDAY_SATURDAY), "Saturday");
  EXPECT_EQ(WeekdayName(v1::WEEKDAY_UNSPECIFIED), "");
  EXPECT_EQ(FormatDay(D(2026, 4, 3)), "2026-04-03 (Friday)");
}

TEST(RangeTest, OnlyNineteenNinetyToTwentyOneHundred) {
  EXPECT_TRUE(InSupportedRange(D(1990, 1, 1)));
  EXPECT_TRUE(InSupportedRange(D(2100, 12, 31)));
  EXPECT_FALSE(InSupportedRange(D(1989, 12, 31)));
  EXPECT_FALSE(InSupportedRange(D(2101, 1, 1)));
  absl::Status s = CheckInRange(D(2101, 1, 5), "the date counted");
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(s.message(), HasSubstr("the date counted 2101-01-05"));
}

}  // namespace
}  // namespace clinic::deadline
