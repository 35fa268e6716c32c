// A set of non-counting days built from a clinic.v1.Calendar: weekdays that
// never count plus holidays computed from rules (fixed date, nth weekday,
// weekday before a date, Easter-relative) with weekend shifts, years in force
// and the holidays of included calendars. Every holiday of 1990..2100 is
// computed once, when the calendar is built; lookups are array reads.
//
// Thread-safe: immutable after Build.
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_CALENDAR_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_CALENDAR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/deadline_rules.pb.h"

namespace clinic::deadline {

// One non-counting day of a calendar.
struct Holiday {
  absl::CivilDay date;
  // "Canada Day"; an observed day is "Canada Day (observed)".
  std::string name;
  // An additional day given because the holiday fell on a weekend.
  bool observed = false;
  // The holiday's own citation, else its calendar's.
  std::string citation;
  // The calendar that defines it (an included calendar's id for its days).
  std::string calendar_id;
  // From a HolidayRule marked uncertain.
  bool uncertain = false;
};

// A problem with one field of a message, found before any position is known:
// `field` is a path relative to the message ("fixed.day").
struct FieldProblem {
  std::string field;
  std::string reason;
};

// Every problem with `rule` (name, date kind, month/day/n ranges, weekdays,
// years). Empty when the rule can be built.
std::vector<FieldProblem> CheckHolidayRule(const v1::HolidayRule& rule);

class HolidayCalendar {
 public:
  // Builds `def`, whose holiday rules passed CheckHolidayRule. `includes` are
  // the calendars named by def.includes(), already built; they must outlive
  // the result.
  static std::unique_ptr<const HolidayCalendar> Build(
      const v1::Calendar& def, std::vector<const HolidayCalendar*> includes);

  const std::string& id() const { return def_.id(); }
  const v1::Calendar& definition() const { return def_; }

  // Holidays dated in `year`, including those of included calendars, by date
  // (then name). OUT_OF_RANGE outside 1990..2100.
  absl::StatusOr<std::vector<Holiday>> HolidaysIn(int year) const;

  // Weekdays that never count here, including those of included calendars,
  // Monday first.
  const std::vector<v1::Weekday>& non_counting_weekdays() const {
    return weekdays_;
  }

  // Whether `day` does not count. Precondition: InSupportedRange(day) (false
  // outside it).
  bool IsNonCounting(absl::CivilDay day) const;

  // Why `day` does not count: "Sunday", "Good Friday (CA-IA)",
  // "Saturday; Canada Day (CA-IA)"; empty when it counts.
  std::string NonCountingReason(absl::CivilDay day) const;

  // `day` does not count only because of holidays marked uncertain.
  bool IsUncertainOnly(absl::CivilDay day) const;

 private:
  enum Flag : uint8_t {
    kWeekday = 1,
    kHoliday = 2,
    kUncertainHoliday = 4,
  };

  HolidayCalendar() = default;
  uint8_t FlagsOf(absl::CivilDay day) const;

  v1::Calendar def_;
  std::vector<v1::Weekday> weekdays_;
  // Every holiday dated within 1990..2100, sorted by date then name.
  std::vector<Holiday> holidays_;
  // One entry per day from 1990-01-01.
  std::vector<uint8_t> flags_;
};

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_CALENDAR_H_
