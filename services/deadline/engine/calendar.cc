#include "services/deadline/engine/calendar.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/deadline/engine/dates.h"

namespace clinic::deadline {
namespace {

const absl::CivilDay kFirstDay(kFirstYear, 1, 1);
const absl::CivilDay kEndDay(kLastYear + 1, 1, 1);  // exclusive

// Days of each month in a common year: a holiday must exist every year, so
// 29 February is refused.
constexpr int kDaysInMonth[] = {0,  31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};

bool ValidMonth(int month) { return month >= 1 && month <= 12; }

bool ValidWeekday(v1::Weekday weekday) {
  return weekday != v1::WEEKDAY_UNSPECIFIED && v1::Weekday_IsValid(weekday);
}

void CheckMonthDay(int month, int day, const std::string& prefix,
                   std::vector<FieldProblem>& out) {
  if (!ValidMonth(month)) {
    out.push_back({prefix + ".month", "month must be 1-12"});
    return;
  }
  if (day < 1 || day > kDaysInMonth[month]) {
    out.push_back({prefix + ".day",
                   absl::StrCat("day must be 1-", kDaysInMonth[month],
                                " for month ", month,
                                month == 2 ? " (a holiday must exist every "
                                             "year, so not 29 February)"
                                           : "")});
  }
}

// The date `rule` gives in `year` before any weekend shift, if it has one
// (a fifth Monday does not exist in every month).
std::optional<absl::CivilDay> BaseDate(const v1::HolidayRule& rule, int year) {
  switch (rule.date_case()) {
    case v1::HolidayRule::kFixed: {
      const absl::CivilDay d(year, rule.fixed().month(), rule.fixed().day());
      if (d.month() != rule.fixed().month()) return std::nullopt;
      return d;
    }
    case v1::HolidayRule::kNthWeekday: {
      const v1::NthWeekday& nth = rule.nth_weekday();
      if (nth.n() > 0) {
        const absl::CivilDay first(year, nth.month(), 1);
        const int ahead = (static_cast<int>(nth.weekday()) -
                           static_cast<int>(WeekdayOf(first)) + 7) %
                          7;
        const absl::CivilDay d = first + ahead + 7 * (nth.n() - 1);
        if (d.month() != nth.month()) return std::nullopt;
        return d;
      }
      const absl::CivilDay last =
          absl::CivilDay(absl::CivilMonth(year, nth.month()) + 1) - 1;
      const int back = (static_cast<int>(WeekdayOf(last)) -
                        static_cast<int>(nth.weekday()) + 7) %
                       7;
      return last - back;
    }
    case v1::HolidayRule::kWeekdayBefore: {
      const v1::WeekdayBefore& wb = rule.weekday_before();
      absl::CivilDay d = absl::CivilDay(year, wb.month(), wb.day()) - 1;
      while (WeekdayOf(d) != wb.weekday()) d -= 1;
      return d;
    }
    case v1::HolidayRule::kEasterOffsetDays:
      return EasterSunday(year) + rule.easter_offset_days();
    case v1::HolidayRule::DATE_NOT_SET:
      break;
  }
  return std::nullopt;
}

bool IsWeekend(absl::CivilDay day) {
  const v1::Weekday w = WeekdayOf(day);
  return w == v1::WEEKDAY_SATURDAY || w == v1::WEEKDAY_SUNDAY;
}

// The additional day `shift` gives for a holiday on weekend day `base`.
std::optional<absl::CivilDay> Observed(
    absl::CivilDay base, v1::WeekendShift shift,
    const absl::flat_hash_set<absl::CivilDay>& taken) {
  switch (shift) {
    case v1::WEEKEND_SHIFT_NEXT_MONDAY: {
      absl::CivilDay d = base + 1;
      while (WeekdayOf(d) != v1::WEEKDAY_MONDAY) d += 1;
      return d;
    }
    case v1::WEEKEND_SHIFT_NEXT_FREE_WEEKDAY: {
      absl::CivilDay d = base + 1;
      while (IsWeekend(d) || taken.contains(d)) d += 1;
      return d;
    }
    case v1::WEEKEND_SHIFT_PREVIOUS_FRIDAY: {
      absl::CivilDay d = base - 1;
      while (WeekdayOf(d) != v1::WEEKDAY_FRIDAY) d -= 1;
      return d;
    }
    default:
      return std::nullopt;
  }
}

bool HolidayLess(const Holiday& a, const Holiday& b) {
  return std::tie(a.date, a.name, a.calendar_id) <
         std::tie(b.date, b.name, b.calendar_id);
}

}  // namespace

std::vector<FieldProblem> CheckHolidayRule(const v1::HolidayRule& rule) {
  std::vector<FieldProblem> out;
  if (rule.name().empty()) out.push_back({"name", "name is required"});
  switch (rule.date_case()) {
    case v1::HolidayRule::kFixed:
      CheckMonthDay(rule.fixed().month(), rule.fixed().day(), "fixed", out);
      break;
    case v1::HolidayRule::kNthWeekday: {
      const v1::NthWeekday& nth = rule.nth_weekday();
      if (!ValidMonth(nth.month())) {
        out.push_back({"nth_weekday.month", "month must be 1-12"});
      }
      if (!ValidWeekday(nth.weekday())) {
        out.push_back({"nth_weekday.weekday", "weekday is required"});
      }
      if (!(nth.n() == -1 || (nth.n() >= 1 && nth.n() <= 5))) {
        out.push_back({"nth_weekday.n", "n must be 1-5, or -1 for the last"});
      }
      break;
    }
    case v1::HolidayRule::kWeekdayBefore:
      CheckMonthDay(rule.weekday_before().month(), rule.weekday_before().day(),
                    "weekday_before", out);
      if (!ValidWeekday(rule.weekday_before().weekday())) {
        out.push_back({"weekday_before.weekday", "weekday is required"});
      }
      break;
    case v1::HolidayRule::kEasterOffsetDays:
      if (rule.easter_offset_days() < -90 || rule.easter_offset_days() > 90) {
        out.push_back({"easter_offset_days",
                       "easter_offset_days must be within 90 days of Easter"});
      }
      break;
    case v1::HolidayRule::DATE_NOT_SET:
      out.push_back({"",
                     "holiday needs a date: fixed, nth_weekday, "
                     "weekday_before or easter_offset_days"});
      break;
  }
  if (!v1::WeekendShift_IsValid(rule.on_saturday())) {
    out.push_back({"on_saturday", "unknown weekend shift"});
  }
  if (!v1::WeekendShift_IsValid(rule.on_sunday())) {
    out.push_back({"on_sunday", "unknown weekend shift"});
  }
  const auto bad_year = [](int y) { return y != 0 && (y < 1900 || y > 2200); };
  if (bad_year(rule.from_year())) {
    out.push_back({"from_year", "from_year must be 0 or 1900-2200"});
  }
  if (bad_year(rule.until_year())) {
    out.push_back({"until_year", "until_year must be 0 or 1900-2200"});
  }
  if (rule.from_year() != 0 && rule.until_year() != 0 &&
      rule.from_year() > rule.until_year()) {
    out.push_back({"until_year", "until_year is before from_year"});
  }
  return out;
}

std::unique_ptr<const HolidayCalendar> HolidayCalendar::Build(
    const v1::Calendar& def, std::vector<const HolidayCalendar*> includes) {
  std::unique_ptr<HolidayCalendar> cal(new HolidayCalendar());
  cal->def_ = def;

  for (int w : def.non_counting_weekdays()) {
    cal->weekdays_.push_back(static_cast<v1::Weekday>(w));
  }
  absl::flat_hash_set<absl::CivilDay> taken;
  for (const HolidayCalendar* inc : includes) {
    for (v1::Weekday w : inc->weekdays_) cal->weekdays_.push_back(w);
    for (const Holiday& h : inc->holidays_) {
      cal->holidays_.push_back(h);
      taken.insert(h.date);
    }
  }
  std::sort(cal->weekdays_.begin(), cal->weekdays_.end());
  cal->weekdays_.erase(
      std::unique(cal->weekdays_.begin(), cal->weekdays_.end()),
      cal->weekdays_.end());

  // Every base date first, so that "next free weekday" sees them all; the
  // year before and after the range are included because an observed day
  // can cross the year end.
  struct Base {
    absl::CivilDay date;
    int rule;
  };
  std::vector<Base> bases;
  for (int year = kFirstYear - 1; year <= kLastYear + 1; ++year) {
    for (int i = 0; i < def.holidays_size(); ++i) {
      const v1::HolidayRule& rule = def.holidays(i);
      if (rule.from_year() != 0 && year < rule.from_year()) continue;
      if (rule.until_year() != 0 && year > rule.until_year()) continue;
      if (std::optional<absl::CivilDay> d = BaseDate(rule, year)) {
        bases.push_back({*d, i});
        taken.insert(*d);
      }
    }
  }
  std::sort(bases.begin(), bases.end(), [](const Base& a, const Base& b) {
    return std::tie(a.date, a.rule) < std::tie(b.date, b.rule);
  });
  for (const Base& base : bases) {
    const v1::HolidayRule& rule = def.holidays(base.rule);
    Holiday h;
    h.date = base.date;
    h.name = rule.name();
    h.citation = rule.citation().empty() ? def.citation() : rule.citation();
    h.calendar_id = def.id();
    h.uncertain = rule.uncertain();
    const v1::Weekday w = WeekdayOf(base.date);
    const v1::WeekendShift shift =
        w == v1::WEEKDAY_SATURDAY ? rule.on_saturday()
        : w == v1::WEEKDAY_SUNDAY ? rule.on_sunday()
                                  : v1::WEEKEND_SHIFT_NONE;
    std::optional<absl::CivilDay> observed = Observed(base.date, shift, taken);
    cal->holidays_.push_back(h);
    if (observed) {
      taken.insert(*observed);
      h.date = *observed;
      h.name = absl::StrCat(rule.name(), " (observed)");
      h.observed = true;
      cal->holidays_.push_back(std::move(h));
    }
  }

  auto& hs = cal->holidays_;
  hs.erase(std::remove_if(
               hs.begin(), hs.end(),
               [](const Holiday& h) { return !InSupportedRange(h.date); }),
           hs.end());
  std::sort(hs.begin(), hs.end(), HolidayLess);
  hs.erase(std::unique(hs.begin(), hs.end(),
                       [](const Holiday& a, const Holiday& b) {
                         return a.date == b.date && a.name == b.name &&
                                a.calendar_id == b.calendar_id;
                       }),
           hs.end());

  cal->flags_.assign(static_cast<size_t>(kEndDay - kFirstDay), 0);
  for (absl::CivilDay d = kFirstDay; d < kEndDay; ++d) {
    if (std::binary_search(cal->weekdays_.begin(), cal->weekdays_.end(),
                           WeekdayOf(d))) {
      cal->flags_[d - kFirstDay] |= kWeekday;
    }
  }
  for (const Holiday& h : hs) {
    cal->flags_[h.date - kFirstDay] |=
        h.uncertain ? kUncertainHoliday : kHoliday;
  }
  return cal;
}

uint8_t HolidayCalendar::FlagsOf(absl::CivilDay day) const {
  if (!InSupportedRange(day)) return 0;
  return flags_[day - kFirstDay];
}

bool HolidayCalendar::IsNonCounting(absl::CivilDay day) const {
  return FlagsOf(day) != 0;
}

bool HolidayCalendar::IsUncertainOnly(absl::CivilDay day) const {
  return FlagsOf(day) == kUncertainHoliday;
}

std::string HolidayCalendar::NonCountingReason(absl::CivilDay day) const {
  const uint8_t flags = FlagsOf(day);
  if (flags == 0) return "";
  std::vector<std::string> parts;
  if (flags & kWeekday) parts.push_back(WeekdayName(WeekdayOf(day)));
  for (auto it = std::lower_bound(
           holidays_.begin(), holidays_.end(), day,
           [](const Holiday&h, absl::CivilDay d) { return h.date < d; });
       it != holidays_.end() && it->date == day; ++it) {
    parts.push_back(absl::StrCat(it->name, " (", it->calendar_id,
                                 it->uncertain ? ", uncertain" : "", ")"));
  }
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<std::vector<Holiday>> HolidayCalendar::HolidaysIn(
    int year) const {
  if (year < kFirstYear || year > kLastYear) {
    return absl::OutOfRangeError(absl::StrCat("year ", year,
                                              " is outside the years the "
                                              "calendars cover (",
                                              kFirstYear, "-", kLastYear, ")"));
  }
  const absl::CivilDay first(year, 1, 1);
  const absl::CivilDay end(year + 1, 1, 1);
  const auto by_date = [](const Holiday& h, absl::CivilDay d) {
    return h.date < d;
  };
  auto begin =
      std::lower_bound(holidays_.begin(), holidays_.end(), first, by_date);
  auto stop = std::lower_bound(begin, holidays_.end(), end, by_date);
  return std::vector<Holiday>(begin, stop);
}

}  // namespace clinic::deadline
