#include "services/deadline/engine/dates.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace clinic::deadline {

bool InSupportedRange(absl::CivilDay day) {
  return day.year() >= kFirstYear && day.year() <= kLastYear;
}

absl::Status CheckInRange(absl::CivilDay day, absl::string_view what) {
  if (InSupportedRange(day)) return absl::OkStatus();
  return absl::OutOfRangeError(absl::StrCat(
      what, " ", IsoDay(day), " is outside the years the calendars cover (",
      kFirstYear, "-", kLastYear, ")"));
}

v1::Weekday WeekdayOf(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return v1::WEEKDAY_MONDAY;
    case absl::Weekday::tuesday:
      return v1::WEEKDAY_TUESDAY;
    case absl::Weekday::wednesday:
      return v1::WEEKDAY_WEDNESDAY;
    case absl::Weekday::thursday:
      return v1::WEEKDAY_THURSDAY;
    case absl::Weekday::friday:
      return v1::WEEKDAY_FRIDAY;
    case absl::Weekday::saturday:
      return v1::WEEKDAY_SATURDAY;
    case absl::Weekday::sunday:
      return v1::WEEKDAY_SUNDAY;
  }
  return v1::WEEKDAY_UNSPECIFIED;
}

std::string WeekdayName(v1::Weekday weekday) {
  static constexpr const char* kNames[] = {"",          "Monday",   "Tuesday",
                                           "Wednesday", "Thursday", "Friday",
                                           "Saturday",  "Sunday"};
  const int i = static_cast<int>(weekday);
  return i >= 1 && i <= 7 ? kNames[i] : "";
}

std::string IsoDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrCat(IsoDay(day), " (", WeekdayName(WeekdayOf(day)), ")");
}

absl::CivilDay EasterSunday(int year) {
  // Meeus/Jones/Butcher. Integer divisions are deliberate.
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return absl::CivilDay(year, month, day);
}

MonthsLater AddMonths(absl::CivilDay from, int months) {
  const absl::CivilMonth month = absl::CivilMonth(from) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  MonthsLater out;
  out.clamped = from.day() > last.day();
  out.day = absl::CivilDay(month.year(), month.month(),
                           std::min<int>(from.day(), last.day()));
  return out;
}

}  // namespace clinic::deadline
