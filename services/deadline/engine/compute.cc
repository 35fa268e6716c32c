#include "services/deadline/engine/compute.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "services/common/validation.h"
#include "services/deadline/engine/dates.h"

namespace clinic::deadline {
namespace {

// Working days are listed one by one in the explanation up to this many.
constexpr int kListCountedDaysUpTo = 10;

std::string Plural(int n, absl::string_view unit) {
  return absl::StrCat(n, " ", unit, n == 1 ? "" : "s");
}

void Skip(v1::Explanation* e, const HolidayCalendar& calendar,
          absl::CivilDay day) {
  if (e == nullptr) return;
  v1::SkippedDay* s = e->add_skipped();
  *s->mutable_date() = ToDate(day);
  s->set_reason(calendar.NonCountingReason(day));
  s->set_uncertain(calendar.IsUncertainOnly(day));
}

void Step(v1::Explanation* e, std::string text) {
  if (e != nullptr) e->add_steps(std::move(text));
}

std::string KindWord(v1::DeadlineKind kind) {
  switch (kind) {
    case v1::DEADLINE_KIND_EARLIEST:
      return "earliest date";
    case v1::DEADLINE_KIND_INFORMATIONAL:
      return "date (for information)";
    default:
      return "due";
  }
}

}  // namespace

absl::StatusOr<absl::CivilDay> CountFrom(const v1::DeadlineRule& rule,
                                         absl::CivilDay trigger,
                                         const HolidayCalendar& calendar,
                                         v1::Explanation* e) {
  CLINIC_RETURN_IF_ERROR(CheckInRange(trigger, "the trigger date"));
  const int n = rule.offset().value();
  const bool before = rule.direction() == v1::DIRECTION_BEFORE;
  const bool clear = rule.counting() == v1::COUNTING_CLEAR_DAYS;
  const int sign = before ? -1 : 1;
  const char* const way = before ? "before" : "after";

  if (e != nullptr) {
    const v1::Calendar& def = calendar.definition();
    Step(e, absl::StrCat("calendar ", def.id(), ": ", def.description(), " (",
                         def.citation(), ")"));
    if (rule.offset().unit() == v1::OFFSET_UNIT_MONTHS) {
      Step(e, absl::StrCat("start ", FormatDay(trigger),
                           "; counted in calendar months (IA s.28)"));
    } else if (clear) {
      Step(e, absl::StrCat("start ", FormatDay(trigger),
                           "; clear days: neither the start day nor the end "
                           "day is counted (IA s.27(1))"));
    } else {
      Step(e, absl::StrCat("start ", FormatDay(trigger),
                           "; the start day is not counted, the last day is "
                           "(IA s.27)"));
    }
  }

  absl::CivilDay d = trigger;
  switch (rule.offset().unit()) {
    case v1::OFFSET_UNIT_MONTHS: {
      const MonthsLater m = AddMonths(trigger, sign * n);
      d = m.day;
      CLINIC_RETURN_IF_ERROR(CheckInRange(d, "the date counted"));
      Step(e, absl::StrCat(
                  IsoDay(trigger), before ? " - " : " + ", Plural(n, "month"),
                  " = ", FormatDay(d),
                  m.clamped ? absl::StrCat(" (IA s.28: the month has no day ",
                                           trigger.day(), ", so its last day)")
                            : ""));
      break;
    }
    case v1::OFFSET_UNIT_WORKING_DAYS: {
      // Clear days: one more counting day, so that n lie strictly between.
      const int target = n + (clear ? 1 : 0);
      std::vector<std::string> counted;
      int skipped = 0;
      for (int count = 0; count < target;) {
        d += sign;
        CLINIC_RETURN_IF_ERROR(CheckInRange(d, "the date counted"));
        if (calendar.IsNonCounting(d)) {
          Skip(e, calendar, d);
          ++skipped;
        } else {
          ++count;
          if (e != nullptr && target <= kListCountedDaysUpTo) {
            counted.push_back(absl::StrCat(FormatDay(d), " is ", count));
          }
        }
      }
      if (e != nullptr) {
        std::string text = absl::StrCat(
            "count ", Plural(target, "working day"), " ", way, " ",
            IsoDay(trigger), " in ", calendar.id(),
            clear ? absl::StrCat(" (", n, " clear, then the day itself)") : "",
            ", passing over ", Plural(skipped, "non-working day"));
        if (!counted.empty()) {
          absl::StrAppend(&text, ": ", absl::StrJoin(counted, ", "));
        }
        absl::StrAppend(&text, " = ", FormatDay(d));
        Step(e, std::move(text));
      }
      break;
    }
    case v1::OFFSET_UNIT_CALENDAR_DAYS:
    default: {
      const int days = n + (clear ? 1 : 0);
      d = trigger + sign * days;
      CLINIC_RETURN_IF_ERROR(CheckInRange(d, "the date counted"));
      Step(e,
           absl::StrCat(IsoDay(trigger), before ? " - " : " + ",
                        Plural(days, "calendar day"),
                        clear ? absl::StrCat(" (", n, " clear days + 1)") : "",
                        " = ", FormatDay(d)));
      break;
    }
  }

  if (!calendar.IsNonCounting(d)) {
    Step(e, absl::StrCat(FormatDay(d), " counts in ", calendar.id()));
  } else {
    const absl::CivilDay reached = d;
    const std::string why = e != nullptr ? calendar.NonCountingReason(d) : "";
    switch (rule.roll()) {
      case v1::ROLL_FORWARD:
      case v1::ROLL_BACKWARD: {
        const bool forward = rule.roll() == v1::ROLL_FORWARD;
        while (calendar.IsNonCounting(d)) {
          Skip(e, calendar, d);
          d += forward ? 1 : -1;
          CLINIC_RETURN_IF_ERROR(CheckInRange(d, "the date counted"));
        }
        Step(e, absl::StrCat(
                    FormatDay(reached), " does not count in ", calendar.id(),
                    " (", why, "): ",
                    forward ? "the limit runs to the next day that counts, "
                            : "to be safe, the last day before it that "
                              "counts, ",
                    FormatDay(d), forward ? " (IA s.26)" : " (roll backward)"));
        break;
      }
      default:
        Step(e, absl::StrCat(FormatDay(reached), " does not count in ",
                             calendar.id(), " (", why,
                             "), but this rule's date does not move"));
        break;
    }
  }

  if (e != nullptr) {
    std::string last = absl::StrCat(KindWord(rule.kind()), ": ", FormatDay(d));
    if (rule.has_due_time()) {
      absl::StrAppend(&last,
                      absl::StrFormat(" at %02d:%02d", rule.due_time().hours(),
                                      rule.due_time().minutes()));
    }
    Step(e, std::move(last));
  }
  return d;
}

}  // namespace clinic::deadline
