#include "services/hearing/availability.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace clinic {
namespace hearing {
namespace {

struct Interval {
  absl::Time start;
  absl::Time end;
};

bool IsWorkingDay(const AvailabilityQuery& q, absl::CivilDay day) {
  absl::Weekday wd = absl::GetWeekday(day);
  for (absl::Weekday off : q.non_working_weekdays) {
    if (off == wd) return false;
  }
  return !q.holidays.contains(day);
}

// The day's working window as instants; each end is a civil time in the zone.
Interval WorkingWindow(const AvailabilityQuery& q, absl::CivilDay day) {
  absl::CivilMinute midnight(day);
  return {absl::FromCivil(midnight + q.hours.start_minutes, q.zone),
          absl::FromCivil(midnight + q.hours.end_minutes, q.zone)};
}

Booking Template(const AvailabilityQuery& q) {
  Booking b;
  b.in_person = q.in_person;
  b.place = q.place;
  return b;
}

}  // namespace

absl::StatusOr<int> ParseClockTime(absl::string_view field,
                                   absl::string_view text) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text[0])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text[1])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text[3])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(text[4])) ||
      !absl::SimpleAtoi(text.substr(0, 2), &h) ||
      !absl::SimpleAtoi(text.substr(3, 2), &m) || h > 23 || m > 59) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a local time \"HH:MM\" (00:00..23:59)"));
  }
  return h * 60 + m;
}

absl::StatusOr<WorkingHours> ParseWorkingHours(absl::string_view start,
                                               absl::string_view end) {
  WorkingHours hours;
  auto s = ParseClockTime("hearing.working_day_start", start);
  if (!s.ok()) return s.status();
  auto e = ParseClockTime("hearing.working_day_end", end);
  if (!e.ok()) return e.status();
  if (*s >= *e) {
    return absl::InvalidArgumentError(
        "hearing.working_day_end must be after hearing.working_day_start");
  }
  hours.start_minutes = *s;
  hours.end_minutes = *e;
  return hours;
}

std::vector<Slot> FreeSlots(const AvailabilityQuery& q,
                            absl::Span<const Booking> busy,
                            const BufferPolicy& policy) {
  std::vector<Slot> out;
  if (q.max_slots <= 0 || q.duration <= absl::ZeroDuration()) return out;
  const Booking self = Template(q);

  // Each hearing blocks its time widened by the gap it needs from this one;
  // sorted and merged, the blocked time is a sorted list of disjoint runs.
  std::vector<Interval> blocked;
  blocked.reserve(busy.size());
  for (const Booking& b : busy) {
    absl::Duration gap = RequiredGap(self, b, policy);
    blocked.push_back({b.start - gap, b.end + gap});
  }
  std::sort(
      blocked.begin(), blocked.end(),
      [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> merged;
  for (const Interval& i : blocked) {
    if (!merged.empty() && i.start <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, i.end);
    } else {
      merged.push_back(i);
    }
  }

  size_t next = 0;
  auto emit = [&](absl::Time s, absl::Time e) {
    if (e - s >= q.duration) out.push_back({s, e});
    return static_cast<int>(out.size()) >= q.max_slots;
  };
  for (absl::CivilDay day = q.from; day <= q.to; ++day) {
    if (!IsWorkingDay(q, day)) continue;
    Interval window = WorkingWindow(q, day);
    absl::Time cursor = std::max(window.start, q.not_before);
    if (cursor >= window.end) continue;
    while (next < merged.size() && merged[next].end <= cursor) ++next;
    for (size_t j = next; j < merged.size() && merged[j].start < window.end;
         ++j) {
      if (merged[j].start > cursor && emit(cursor, merged[j].start)) {
        return out;
      }
      cursor = std::max(cursor, merged[j].end);
      if (cursor >= window.end) break;
    }
    if (cursor < window.end && emit(cursor, window.end)) return out;
  }
  return out;
}

std::vector<Slot> FreeSlotsByScan(const AvailabilityQuery& q,
                                  absl::Span<const Booking> busy,
                                  const BufferPolicy& policy) {
  std::vector<Slot> out;
  if (q.max_slots <= 0 || q.duration <= absl::ZeroDuration()) return out;
  const absl::Duration step = absl::Minutes(15);
  Booking candidate = Template(q);
  for (absl::CivilDay day = q.from; day <= q.to; ++day) {
    if (!IsWorkingDay(q, day)) continue;
    Interval window = WorkingWindow(q, day);
    bool open = false;
    Slot current;
    for (absl::Time x = window.start; x + q.duration <= window.end; x += step) {
      bool free = x >= q.not_before;
      candidate.start = x;
      candidate.end = x + q.duration;
      for (size_t i = 0; free && i < busy.size(); ++i) {
        free = Compare(candidate, busy[i], policy) == Clash::kNone;
      }
      if (free && open && x == current.end - q.duration + step) {
        current.end = x + q.duration;
      } else if (free) {
        if (open) out.push_back(current);
        if (static_cast<int>(out.size()) >= q.max_slots) return out;
        current = {x, x + q.duration};
        open = true;
      }
    }
    if (open) out.push_back(current);
    if (static_cast<int>(out.size()) >= q.max_slots) {
      out.resize(q.max_slots);
      return out;
    }
  }
  return out;
}

}  // namespace hearing
}  // namespace clinic
