// The arithmetic of one deadline rule: count calendar days, working days or
// calendar months after or before a trigger date (Interpretation Act ss.27-28:
// the trigger day excluded, or "clear days" with both ends excluded; months
// ending on the last day of a shorter month), then, if the date reached is a
// non-counting day of the rule's calendar, roll forward to the next counting
// day (IA s.26), back to the previous one (the safe side of "no later than N
// days before"), or not at all. Each step is written out for people.
//
// Thread-safe (pure functions).
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_COMPUTE_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_COMPUTE_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/deadline.pb.h"
#include "clinic/v1/deadline_rules.pb.h"
#include "services/deadline/engine/calendar.h"

namespace clinic::deadline {

// The date `rule` (a validated rule) gives for `trigger`, counting with
// `calendar`. When `explanation` is not null, appends to its `steps` the
// arithmetic in order and to its `skipped` every non-counting day passed over
// or rolled over, with the reason. OUT_OF_RANGE when the count reaches a date
// outside 1990..2100.
absl::StatusOr<absl::CivilDay> CountFrom(const v1::DeadlineRule& rule,
                                         absl::CivilDay trigger,
                                         const HolidayCalendar& calendar,
                                         v1::Explanation* explanation);

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_COMPUTE_H_
