// Civil-date helpers for the deadline engine: the supported range of years
// (1990..2100), clinic.v1.Weekday conversions, Western Easter, calendar-month
// arithmetic (Interpretation Act s.28) and the "2026-03-02 (Monday)" form used
// in explanations.
//
// Thread-safe (pure functions).
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_DATES_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_DATES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/deadline_rules.pb.h"

namespace clinic::deadline {

// Holidays are computed, and dates counted, only within these years: a count
// that would leave them fails with OUT_OF_RANGE rather than guess.
inline constexpr int kFirstYear = 1990;
inline constexpr int kLastYear = 2100;

bool InSupportedRange(absl::CivilDay day);

// OUT_OF_RANGE naming `what` when `day` is outside kFirstYear..kLastYear.
absl::Status CheckInRange(absl::CivilDay day, absl::string_view what);

v1::Weekday WeekdayOf(absl::CivilDay day);

// "Monday", ..., "" for WEEKDAY_UNSPECIFIED.
std::string WeekdayName(v1::Weekday weekday);

// "2026-03-02".
std::string IsoDay(absl::CivilDay day);

// "2026-03-02 (Monday)".
std::string FormatDay(absl::CivilDay day);

// Western (Gregorian) Easter Sunday of `year` (anonymous Gregorian algorithm;
// valid for every Gregorian year).
absl::CivilDay EasterSunday(int year);

struct MonthsLater {
  absl::CivilDay day;
  // The start day does not exist in the end month, so its last day was used.
  bool clamped = false;
};

// `from` moved by `months` calendar months (negative: back). Interpretation
// Act s.28: when the end month lacks the start day, its last day is used (one
// month after 31 March is 30 April).
MonthsLater AddMonths(absl::CivilDay from, int months);

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_DATES_H_
