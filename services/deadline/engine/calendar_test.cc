#include "services/deadline/engine/calendar.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "services/deadline/engine/dates.h"
#include "services/deadline/engine/test_rules.h"

namespace clinic::deadline {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// "2024-01-01 New Year's Day" for each holiday of `id` in `year`.
std::vector<std::string> Listed(absl::string_view id, int year) {
  const HolidayCalendar* cal = ShippedRules()->FindCalendar(id);
  EXPECT_NE(cal, nullptr) << id;
  if (cal == nullptr) return {};
  absl::StatusOr<std::vector<Holiday>> hs = cal->HolidaysIn(year);
  EXPECT_TRUE(hs.ok()) << hs.status();
  std::vector<std::string> out;
  for (const Holiday& h : *hs) out.push_back(IsoDay(h.date) + " " + h.name);
  return out;
}

// ---------------------------------------------------------------------------
// Holiday lists 2024-2027 for every shipped calendar, written out by hand from
// the rules in DOMAIN.md s.3 and a printed calendar (Easter: 31 Mar 2024,
// 20 Apr 2025, 5 Apr 2026, 28 Mar 2027). Weekend dates: 26 Dec 2026 is a
// Saturday; 25 and 26 Dec 2027 are Saturday and Sunday; none of 1 Jan, 24 Jun,
// 1 Jul, 30 Sep, 11 Nov falls on a weekend in these years.
// ---------------------------------------------------------------------------

// Interpretation Act s.35: no Boxing Day; Christmas 2027 on a Saturday gives no
// extra day (s.35(2) only moves a Sunday).
const std::vector<std::vector<std::string>> kFederal = {
    {"2024-01-01 New Year's Day", "2024-03-29 Good Friday",
     "2024-04-01 Easter Monday", "2024-05-20 Victoria Day",
     "2024-07-01 Canada Day", "2024-09-02 Labour Day",
     "2024-09-30 National Day for Truth and Reconciliation",
     "2024-10-14 Thanksgiving Day", "2024-11-11 Remembrance Day",
     "2024-12-25 Christmas Day"},
    {"2025-01-01 New Year's Day", "2025-04-18 Good Friday",
     "2025-04-21 Easter Monday", "2025-05-19 Victoria Day",
     "2025-07-01 Canada Day", "2025-09-01 Labour Day",
     "2025-09-30 National Day for Truth and Reconciliation",
     "2025-10-13 Thanksgiving Day", "2025-11-11 Remembrance Day",
     "2025-12-25 Christmas Day"},
    {"2026-01-01 New Year's Day", "2026-04-03 Good Friday",
     "2026-04-06 Easter Monday", "2026-05-18 Victoria Day",
     "2026-07-01 Canada Day", "2026-09-07 Labour Day",
     "2026-09-30 National Day for Truth and Reconciliation",
     "2026-10-12 Thanksgiving Day", "2026-11-11 Remembrance Day",
     "2026-12-25 Christmas Day"},
    {"2027-01-01 New Year's Day", "2027-03-26 Good Friday",
     "2027-03-29 Easter Monday", "2027-05-24 Victoria Day",
     "2027-07-01 Canada Day", "2027-09-06 Labour Day",
     "2027-09-30 National Day for Truth and Reconciliation",
     "2027-10-11 Thanksgiving Day", "2027-11-11 Remembrance Day",
     "2027-12-25 Christmas Day"},
};

// Federal public service: IA days plus Boxing Day; weekend days moved to the
// next free weekday (2026: Boxing Day Sat -> Mon 28; 2027: Christmas Sat ->
// Mon 27, Boxing Day Sun -> Tue 28).
const std::vector<std::vector<std::string>> kPublicService = {
    {"2024-01-01 New Year's Day", "2024-03-29 Good Friday",
     "2024-04-01 Easter Monday", "2024-05-20 Victoria Day",
     "2024-07-01 Canada Day", "2024-09-02 Labour Day",
     "2024-09-30 National Day for Truth and Reconciliation",
     "2024-10-14 Thanksgiving Day", "2024-11-11 Remembrance Day",
     "2024-12-25 Christmas Day", "2024-12-26 Boxing Day"},
    {"2025-01-01 New Year's Day", "2025-04-18 Good Friday",
     "2025-04-21 Easter Monday", "2025-05-19 Victoria Day",
     "2025-07-01 Canada Day", "2025-09-01 Labour Day",
     "2025-09-30 National Day for Truth and Reconciliation",
     "2025-10-13 Thanksgiving Day", "2025-11-11 Remembrance Day",
     "2025-12-25 Christmas Day", "2025-12-26 Boxing Day"},
    {"2026-01-01 New Year's Day", "2026-04-03 Good Friday",
     "2026-04-06 Easter Monday", "2026-05-18 Victoria Day",
     "2026-07-01 Canada Day", "2026-09-07 Labour Day",
     "2026-09-30 National Day for Truth and Reconciliation",
     "2026-10-12 Thanksgiving Day", "2026-11-11 Remembrance Day",
     "2026-12-25 Christmas Day", "2026-12-26 Boxing Day",
     "2026-12-28 Boxing Day (observed)"},
    {"2027-01-01 New Year's Day", "2027-03-26 Good Friday",
     "2027-03-29 Easter Monday", "2027-05-24 Victoria Day",
     "2027-07-01 Canada Day", "2027-09-06 Labour Day",
     "2027-09-30 National Day for Truth and Reconciliation",
     "2027-10-11 Thanksgiving Day", "2027-11-11 Remembrance Day",
     "2027-12-25 Christmas Day", "2027-12-26 Boxing Day",
     "2027-12-27 Christmas Day (observed)", "2027-12-28 Boxing Day (observed)"},
};

// kPublicService[year] with `extra` inserted in date order.
std::vector<std::string> PublicServicePlus(int year, std::string extra) {
  std::vector<std::string> out = kPublicService[year - 2024];
  out.push_back(std::move(extra));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ShippedCalendarsTest, InterpretationAct2024To2027) {
  for (int y = 2024; y <= 2027; ++y) {
    EXPECT_THAT(Listed("CA-IA", y), ElementsAreArray(kFederal[y - 2024])) << y;
  }
}

TEST(ShippedCalendarsTest, FederalCourtListsTheInterpretationActDays) {
  for (int y = 2024; y <= 2027; ++y) {
    EXPECT_THAT(Listed("CA-FC", y), ElementsAreArray(kFederal[y - 2024])) << y;
  }
}

TEST(ShippedCalendarsTest, PublicService2024To2027) {
  for (int y = 2024; y <= 2027; ++y) {
    EXPECT_THAT(Listed("CA-PS", y), ElementsAreArray(kPublicService[y - 2024]))
        << y;
  }
}

TEST(ShippedCalendarsTest, IrbEastern2024To2027) {
  const char* const kFete[] = {
      "2024-06-24 Fête nationale du Québec (office closure)",
      "2025-06-24 Fête nationale du Québec (office closure)",
      "2026-06-24 Fête nationale du Québec (office closure)",
      "2027-06-24 Fête nationale du Québec (office closure)"};
  for (int y = 2024; y <= 2027; ++y) {
    EXPECT_THAT(Listed("IRB-EASTERN", y),
                ElementsAreArray(PublicServicePlus(y, kFete[y - 2024])))
        << y;
  }
}

TEST(ShippedCalendarsTest, IrbCentral2024To2027) {
  const char* const kCivic[] = {"2024-08-05 Civic Holiday (office closure)",
                                "2025-08-04 Civic Holiday (office closure)",
                                "2026-08-03 Civic Holiday (office closure)",
                                "2027-08-02 Civic Holiday (office closure)"};
  for (int y = 2024; y <= 2027; ++y) {
    EXPECT_THAT(Listed("IRB-CENTRAL", y),
                ElementsAreArray(PublicServicePlus(y, kCivic[y - 2024])))
        << y;
  }
}

TEST(ShippedCalendarsTest, IrbWestern2024To2027) {
  const char* const kBcDay[] = {
      "2024-08-05 British Columbia Day (office closure)",
      "2025-08-04 British Columbia Day (office closure)",
      "2026-08-03 British Columbia Day (office closure)",
      "2027-08-02 British Columbia Day (office closure)"};
  for (int y = 2024; y <= 2027; ++y) {
    EXPECT_THAT(Listed("IRB-WESTERN", y),
                ElementsAreArray(PublicServicePlus(y, kBcDay[y - 2024])))
        << y;
  }
}

TEST(ShippedCalendarsTest, Quebec2024To2027) {
  EXPECT_THAT(
      Listed("QC", 2024),
      ElementsAre("2024-01-01 Jour de l'An", "2024-03-29 Vendredi saint",
                  "2024-04-01 Lundi de Pâques",
                  "2024-05-20 Journée nationale des patriotes",
                  "2024-06-24 Fête nationale du Québec",
                  "2024-07-01 Fête du Canada", "2024-09-02 Fête du Travail",
                  "2024-10-14 Action de grâce", "2024-12-25 Noël"));
  EXPECT_THAT(
      Listed("QC", 2025),
      ElementsAre("2025-01-01 Jour de l'An", "2025-04-18 Vendredi saint",
                  "2025-04-21 Lundi de Pâques",
                  "2025-05-19 Journée nationale des patriotes",
                  "2025-06-24 Fête nationale du Québec",
                  "2025-07-01 Fête du Canada", "2025-09-01 Fête du Travail",
                  "2025-10-13 Action de grâce", "2025-12-25 Noël"));
  EXPECT_THAT(
      Listed("QC", 2026),
      ElementsAre("2026-01-01 Jour de l'An", "2026-04-03 Vendredi saint",
                  "2026-04-06 Lundi de Pâques",
                  "2026-05-18 Journée nationale des patriotes",
                  "2026-06-24 Fête nationale du Québec",
                  "2026-07-01 Fête du Canada", "2026-09-07 Fête du Travail",
                  "2026-10-12 Action de grâce", "2026-12-25 Noël"));
  EXPECT_THAT(
      Listed("QC", 2027),
      ElementsAre("2027-01-01 Jour de l'An", "2027-03-26 Vendredi saint",
                  "2027-03-29 Lundi de Pâques",
                  "2027-05-24 Journée nationale des patriotes",
                  "2027-06-24 Fête nationale du Québec",
                  "2027-07-01 Fête du Canada", "2027-09-06 Fête du Travail",
                  "2027-10-11 Action de grâce", "2027-12-25 Noël"));
}

// Legislation Act s.88: Christmas 2027 on a Saturday makes Monday 27 a holiday
// too; Boxing Day on a weekend (2026, 2027) moves nothing.
TEST(ShippedCalendarsTest, Ontario2024To2027) {
  EXPECT_THAT(
      Listed("ON", 2024),
      ElementsAre("2024-01-01 New Year's Day", "2024-02-19 Family Day",
                  "2024-03-29 Good Friday", "2024-04-01 Easter Monday",
                  "2024-05-20 Victoria Day", "2024-07-01 Canada Day",
                  "2024-09-02 Labour Day", "2024-10-14 Thanksgiving Day",
                  "2024-11-11 Remembrance Day", "2024-12-25 Christmas Day",
                  "2024-12-26 Boxing Day"));
  EXPECT_THAT(
      Listed("ON", 2025),
      ElementsAre("2025-01-01 New Year's Day", "2025-02-17 Family Day",
                  "2025-04-18 Good Friday", "2025-04-21 Easter Monday",
                  "2025-05-19 Victoria Day", "2025-07-01 Canada Day",
                  "2025-09-01 Labour Day", "2025-10-13 Thanksgiving Day",
                  "2025-11-11 Remembrance Day", "2025-12-25 Christmas Day",
                  "2025-12-26 Boxing Day"));
  EXPECT_THAT(
      Listed("ON", 2026),
      ElementsAre("2026-01-01 New Year's Day", "2026-02-16 Family Day",
                  "2026-04-03 Good Friday", "2026-04-06 Easter Monday",
                  "2026-05-18 Victoria Day", "2026-07-01 Canada Day",
                  "2026-09-07 Labour Day", "2026-10-12 Thanksgiving Day",
                  "2026-11-11 Remembrance Day", "2026-12-25 Christmas Day",
                  "2026-12-26 Boxing Day"));
  EXPECT_THAT(
      Listed("ON", 2027),
      ElementsAre("2027-01-01 New Year's Day", "2027-02-15 Family Day",
                  "2027-03-26 Good Friday", "2027-03-29 Easter Monday",
                  "2027-05-24 Victoria Day", "2027-07-01 Canada Day",
                  "2027-09-06 Labour Day", "2027-10-11 Thanksgiving Day",
                  "2027-11-11 Remembrance Day", "2027-12-25 Christmas Day",
                  "2027-12-26 Boxing Day",
                  "2027-12-27 Christmas Day (observed)"));
}

// No Easter Monday, no Boxing Day; BC Day; NDTR (from 2023).
TEST(ShippedCalendarsTest, BritishColumbia2024To2027) {
  EXPECT_THAT(
      Listed("BC", 2024),
      ElementsAre("2024-01-01 New Year's Day", "2024-02-19 Family Day",
                  "2024-03-29 Good Friday", "2024-05-20 Victoria Day",
                  "2024-07-01 Canada Day", "2024-08-05 British Columbia Day",
                  "2024-09-02 Labour Day",
                  "2024-09-30 National Day for Truth and Reconciliation",
                  "2024-10-14 Thanksgiving Day", "2024-11-11 Remembrance Day",
                  "2024-12-25 Christmas Day"));
  EXPECT_THAT(
      Listed("BC", 2025),
      ElementsAre("2025-01-01 New Year's Day", "2025-02-17 Family Day",
                  "2025-04-18 Good Friday", "2025-05-19 Victoria Day",
                  "2025-07-01 Canada Day", "2025-08-04 British Columbia Day",
                  "2025-09-01 Labour Day",
                  "2025-09-30 National Day for Truth and Reconciliation",
                  "2025-10-13 Thanksgiving Day", "2025-11-11 Remembrance Day",
                  "2025-12-25 Christmas Day"));
  EXPECT_THAT(
      Listed("BC", 2026),
      ElementsAre("2026-01-01 New Year's Day", "2026-02-16 Family Day",
                  "2026-04-03 Good Friday", "2026-05-18 Victoria Day",
                  "2026-07-01 Canada Day", "2026-08-03 British Columbia Day",
                  "2026-09-07 Labour Day",
                  "2026-09-30 National Day for Truth and Reconciliation",
                  "2026-10-12 Thanksgiving Day", "2026-11-11 Remembrance Day",
                  "2026-12-25 Christmas Day"));
  EXPECT_THAT(
      Listed("BC", 2027),
      ElementsAre("2027-01-01 New Year's Day", "2027-02-15 Family Day",
                  "2027-03-26 Good Friday", "2027-05-24 Victoria Day",
                  "2027-07-01 Canada Day", "2027-08-02 British Columbia Day",
                  "2027-09-06 Labour Day",
                  "2027-09-30 National Day for Truth and Reconciliation",
                  "2027-10-11 Thanksgiving Day", "2027-11-11 Remembrance Day",
                  "2027-12-25 Christmas Day"));
}

TEST(ShippedCalendarsTest, NonCountingWeekdays) {
  const auto weekdays = [](absl::string_view id) {
    return ShippedRules()->FindCalendar(id)->non_counting_weekdays();
  };
  EXPECT_THAT(weekdays("CA-IA"), ElementsAre(v1::WEEKDAY_SUNDAY));
  EXPECT_THAT(weekdays("QC"), ElementsAre(v1::WEEKDAY_SUNDAY));
  EXPECT_THAT(weekdays("ON"), ElementsAre(v1::WEEKDAY_SUNDAY));
  EXPECT_THAT(weekdays("BC"), ElementsAre(v1::WEEKDAY_SUNDAY));
  for (const char* id :
       {"CA-FC", "CA-PS", "IRB-EASTERN", "IRB-CENTRAL", "IRB-WESTERN"}) {
    EXPECT_THAT(weekdays(id),
                ElementsAre(v1::WEEKDAY_SATURDAY, v1::WEEKDAY_SUNDAY))
        << id;
  }
}

// ---------------------------------------------------------------------------
// Effective years and weekend shifts beyond 2024-2027.
// ---------------------------------------------------------------------------

TEST(ShippedCalendarsTest, TruthAndReconciliationFederalFrom2021BcFrom2023) {
  const RuleSet& rules = *ShippedRules();
  const HolidayCalendar& ia = *rules.FindCalendar("CA-IA");
  const HolidayCalendar& bc = *rules.FindCalendar("BC");
  EXPECT_FALSE(ia.IsNonCounting(D(2020, 9, 30)));  // a Wednesday
  EXPECT_TRUE(ia.IsNonCounting(D(2021, 9, 30)));   // a Thursday
  EXPECT_FALSE(bc.IsNonCounting(D(2021, 9, 30)));
  EXPECT_FALSE(bc.IsNonCounting(D(2022, 9, 30)));  // a Friday
  EXPECT_EQ(bc.NonCountingReason(D(2024, 9, 30)),
            "National Day for Truth and Reconciliation (BC)");
}

TEST(ShippedCalendarsTest, BritishColumbiaFamilyDayMoved) {
  const HolidayCalendar& bc = *ShippedRules()->FindCalendar("BC");
  EXPECT_FALSE(bc.IsNonCounting(D(2012, 2, 13)));  // before 2013: none
  EXPECT_TRUE(bc.IsNonCounting(D(2013, 2, 11)));   // 2nd Monday
  EXPECT_TRUE(bc.IsNonCounting(D(2018, 2, 12)));   // 2nd Monday
  EXPECT_FALSE(bc.IsNonCounting(D(2018, 2, 19)));
  EXPECT_FALSE(bc.IsNonCounting(D(2019, 2, 11)));
  EXPECT_TRUE(bc.IsNonCounting(D(2019, 2, 18)));  // 3rd Monday
}

// IA s.35(2): New Year's Day, Canada Day, Christmas on a Sunday: the next day
// is a holiday too.
TEST(ShippedCalendarsTest, InterpretationActSundayRule) {
  const HolidayCalendar& ia = *ShippedRules()->FindCalendar("CA-IA");
  EXPECT_EQ(ia.NonCountingReason(D(2018, 7, 2)),
            "Canada Day (observed) (CA-IA)");
  EXPECT_EQ(ia.NonCountingReason(D(2022, 12, 26)),
            "Christmas Day (observed) (CA-IA)");
  EXPECT_EQ(ia.NonCountingReason(D(2023, 1, 2)),
            "New Year's Day (observed) (CA-IA)");
  // Christmas 2021 fell on a Saturday: no extra day, and no Boxing Day.
  EXPECT_FALSE(ia.IsNonCounting(D(2021, 12, 27)));
  EXPECT_FALSE(ia.IsNonCounting(D(2024, 12, 26)));
}

TEST(ShippedCalendarsTest, OntarioChristmasOnSundayGivesTuesday) {
  const HolidayCalendar& on = *ShippedRules()->FindCalendar("ON");
  // 2022: Sun 25, Mon 26 Boxing Day, Tue 27 for Christmas.
  EXPECT_EQ(on.NonCountingReason(D(2022, 12, 27)),
            "Christmas Day (observed) (ON)");
  // 2021: Sat 25 -> Mon 27; Boxing Day on Sunday 26 moves nothing.
  EXPECT_TRUE(on.IsNonCounting(D(2021, 12, 27)));
  EXPECT_FALSE(on.IsNonCounting(D(2021, 12, 28)));
  // 2017: New Year's Day on a Sunday -> Monday 2 January.
  EXPECT_TRUE(on.IsNonCounting(D(2017, 1, 2)));
}

TEST(ShippedCalendarsTest, PublicServiceChristmasOnSunday) {
  const HolidayCalendar& ps = *ShippedRules()->FindCalendar("CA-PS");
  // 2022: Boxing Day holds Monday 26, so Christmas moves to Tuesday 27.
  EXPECT_EQ(ps.NonCountingReason(D(2022, 12, 26)), "Boxing Day (CA-PS)");
  EXPECT_EQ(ps.NonCountingReason(D(2022, 12, 27)),
            "Christmas Day (observed) (CA-PS)");
  EXPECT_FALSE(ps.IsNonCounting(D(2022, 12, 28)));
  // 2023: Canada Day on a Saturday -> Monday 3 July.
  EXPECT_EQ(ps.NonCountingReason(D(2023, 7, 3)),
            "Canada Day (observed) (CA-PS)");
}

TEST(ShippedCalendarsTest, Reasons) {
  const RuleSet& rules = *ShippedRules();
  const HolidayCalendar& fc = *rules.FindCalendar("CA-FC");
  const HolidayCalendar& ia = *rules.FindCalendar("CA-IA");
  EXPECT_EQ(fc.NonCountingReason(D(2026, 4, 3)), "Good Friday (CA-IA)");
  EXPECT_EQ(fc.NonCountingReason(D(2026, 4, 4)), "Saturday");
  EXPECT_EQ(ia.NonCountingReason(D(2026, 4, 4)), "");
  EXPECT_EQ(ia.NonCountingReason(D(2026, 4, 5)), "Sunday");
  // 1 July 2023 was a Saturday: both reasons in the Federal Court.
  EXPECT_EQ(fc.NonCountingReason(D(2023, 7, 1)),
            "Saturday; Canada Day (CA-IA)");
  EXPECT_EQ(ia.NonCountingReason(D(2023, 7, 1)), "Canada Day (CA-IA)");
}

TEST(ShippedCalendarsTest, UncertainClosuresAreFlagged) {
  const HolidayCalendar& east = *ShippedRules()->FindCalendar("IRB-EASTERN");
  EXPECT_TRUE(east.IsUncertainOnly(D(2026, 6, 24)));
  EXPECT_EQ(east.NonCountingReason(D(2026, 6, 24)),
            "Fête nationale du Québec (office closure) (IRB-EASTERN, "
            "uncertain)");
  EXPECT_FALSE(east.IsUncertainOnly(D(2026, 7, 1)));   // certain
  EXPECT_FALSE(east.IsUncertainOnly(D(2026, 6, 27)));  // a Saturday
  const std::vector<Holiday> hs = *east.HolidaysIn(2026);
  for (const Holiday& h : hs) {
    EXPECT_EQ(h.uncertain, h.date == D(2026, 6, 24)) << IsoDay(h.date);
    EXPECT_FALSE(h.citation.empty()) << h.name;
  }
}

TEST(ShippedCalendarsTest, EveryYearOfTheRangeAndNoMore) {
  for (const HolidayCalendar* cal : ShippedRules()->calendars()) {
    for (int y = kFirstYear; y <= kLastYear; ++y) {
      absl::StatusOr<std::vector<Holiday>> hs = cal->HolidaysIn(y);
      ASSERT_TRUE(hs.ok()) << cal->id() << " " << y;
      EXPECT_GE(hs->size(), 1u) << cal->id() << " " << y;
    }
    EXPECT_EQ(cal->HolidaysIn(kFirstYear - 1).status().code(),
              absl::StatusCode::kOutOfRange);
    EXPECT_EQ(cal->HolidaysIn(kLastYear + 1).status().code(),
              absl::StatusCode::kOutOfRange);
  }
}

// ---------------------------------------------------------------------------
// Rule kinds on calendars defined here.
// ---------------------------------------------------------------------------

std::unique_ptr<const HolidayCalendar> BuildFrom(
    const std::string& text,
    std::vector<const HolidayCalendar*> includes = {}) {
  v1::Calendar def;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &def));
  for (const v1::HolidayRule& h : def.holidays()) {
    EXPECT_THAT(CheckHolidayRule(h), IsEmpty()) << h.name();
  }
  return HolidayCalendar::Build(def, std::move(includes));
}

TEST(HolidayCalendarTest, LastAndFifthWeekday) {
  auto cal = BuildFrom(R"pb(
    id: "T"
    holidays {
      name: "Last Monday of May"
      nth_weekday { month: 5 weekday: WEEKDAY_MONDAY n: -1 }
    }
    holidays {
      name: "Fifth Monday of March"
      nth_weekday { month: 3 weekday: WEEKDAY_MONDAY n: 5 }
    }
  )pb");
  std::vector<std::string> got;
  const std::vector<Holiday> y2026 = *cal->HolidaysIn(2026);
  for (const Holiday& h : y2026) got.push_back(IsoDay(h.date) + " " + h.name);
  // March 2026 has five Mondays (2, 9, 16, 23, 30); May's last is the 25th.
  EXPECT_THAT(got, ElementsAre("2026-03-30 Fifth Monday of March",
                               "2026-05-25 Last Monday of May"));
  // March 2024 has four Mondays (4, 11, 18, 25): no fifth.
  got.clear();
  const std::vector<Holiday> y2024 = *cal->HolidaysIn(2024);
  for (const Holiday& h : y2024) got.push_back(IsoDay(h.date));
  EXPECT_THAT(got, ElementsAre("2024-05-27"));
}

// "Monday before 25 May" is strictly before: in 2026, 25 May is a Monday and
// Victoria Day is the 18th.
TEST(HolidayCalendarTest, WeekdayStrictlyBefore) {
  auto cal = BuildFrom(R"pb(
    id: "T"
    holidays {
      name: "Victoria Day"
      weekday_before { month: 5 day: 25 weekday: WEEKDAY_MONDAY }
    }
  )pb");
  EXPECT_EQ(cal->HolidaysIn(2026)->at(0).date, D(2026, 5, 18));
  EXPECT_EQ(cal->HolidaysIn(2027)->at(0).date, D(2027, 5, 24));
  EXPECT_EQ(cal->HolidaysIn(2025)->at(0).date, D(2025, 5, 19));
}

// A Saturday holiday observed on the Friday before, across the year end:
// 1 January 2022 was a Saturday.
TEST(HolidayCalendarTest, PreviousFridayAcrossYearEnd) {
  auto cal = BuildFrom(R"pb(
    id: "T"
    non_counting_weekdays: WEEKDAY_SATURDAY
    non_counting_weekdays: WEEKDAY_SUNDAY
    holidays {
      name: "New Year's Day"
      fixed { month: 1 day: 1 }
      on_saturday: WEEKEND_SHIFT_PREVIOUS_FRIDAY
      on_sunday: WEEKEND_SHIFT_NEXT_MONDAY
    }
  )pb");
  std::vector<Holiday> y2021 = *cal->HolidaysIn(2021);
  ASSERT_EQ(y2021.size(), 2u);
  EXPECT_EQ(y2021[0].date, D(2021, 1, 1));
  EXPECT_EQ(y2021[1].date, D(2021, 12, 31));
  EXPECT_EQ(y2021[1].name, "New Year's Day (observed)");
  EXPECT_TRUE(y2021[1].observed);
  // 2023: Sunday -> Monday 2 January.
  EXPECT_TRUE(cal->IsNonCounting(D(2023, 1, 2)));
}

// An included calendar's days are "taken" for the next-free-weekday shift.
TEST(HolidayCalendarTest, NextFreeWeekdaySkipsIncludedHolidays) {
  auto base = BuildFrom(R"pb(
    id: "BASE"
    holidays {
      name: "Monday Holiday"
      fixed { month: 6 day: 26 }
    }
  )pb");
  auto cal = BuildFrom(R"pb(
                         id: "T"
                         includes: "BASE"
                         holidays {
                           name: "Weekend Holiday"
                           fixed { month: 6 day: 24 }
                           on_saturday: WEEKEND_SHIFT_NEXT_FREE_WEEKDAY
                         }
                       )pb",
                       {base.get()});
  // 24 June 2023 was a Saturday; Monday 26 is BASE's; so Tuesday 27.
  EXPECT_EQ(cal->NonCountingReason(D(2023, 6, 26)), "Monday Holiday (BASE)");
  EXPECT_EQ(cal->NonCountingReason(D(2023, 6, 27)),
            "Weekend Holiday (observed) (T)");
}

TEST(CheckHolidayRuleTest, NamesEachBadField) {
  const auto problems = [](const std::string& text) {
    v1::HolidayRule rule;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rule));
    std::vector<std::string> out;
    for (const FieldProblem& p : CheckHolidayRule(rule)) {
      out.push_back(p.field + ": " + p.reason);
    }
    return out;
  };
  EXPECT_THAT(problems(R"pb(name: "x"
                            fixed { month: 13 day: 1 })pb"),
              ElementsAre("fixed.month: month must be 1-12"));
  EXPECT_THAT(problems(R"pb(name: "x"
                            fixed { month: 4 day: 31 })pb"),
              ElementsAre("fixed.day: day must be 1-30 for month 4"));
  EXPECT_THAT(problems(R"pb(name: "x"
                            fixed { month: 2 day: 29 })pb"),
              ElementsAre(HasSubstr("fixed.day: day must be 1-28")));
  EXPECT_THAT(
      problems(R"pb(name: "x"
                    nth_weekday { month: 2 weekday: WEEKDAY_MONDAY n: 0 })pb"),
      ElementsAre("nth_weekday.n: n must be 1-5, or -1 for the last"));
  EXPECT_THAT(
      problems(R"pb(name: "x"
                    nth_weekday { month: 2 weekday: WEEKDAY_MONDAY n: 6 })pb"),
      ElementsAre("nth_weekday.n: n must be 1-5, or -1 for the last"));
  EXPECT_THAT(problems(R"pb(name: "x"
                            nth_weekday { month: 2 n: 1 })pb"),
              ElementsAre("nth_weekday.weekday: weekday is required"));
  EXPECT_THAT(problems(R"pb(name: "x"
                            weekday_before { month: 5 day: 25 })pb"),
              ElementsAre("weekday_before.weekday: weekday is required"));
  EXPECT_THAT(problems(R"pb(name: "x" easter_offset_days: 120)pb"),
              ElementsAre(HasSubstr("easter_offset_days: ")));
  EXPECT_THAT(problems(R"pb(name: "x"
                            easter_offset_days: 1
                            from_year: 2020
                            until_year: 2019)pb"),
              ElementsAre("until_year: until_year is before from_year"));
  EXPECT_THAT(problems(R"pb(fixed { month: 1 day: 1 })pb"),
              ElementsAre("name: name is required"));
  EXPECT_THAT(problems(R"pb(name: "x")pb"),
              ElementsAre(HasSubstr(": holiday needs a date")));
}

}  // namespace
}  // namespace clinic::deadline
