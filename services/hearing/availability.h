// Free time of a lawyer: the windows within working hours, on working days,
// outside holidays and outside existing hearings (with the gaps those hearings
// require), long enough for a hearing of a given duration.
//
// Working hours are civil times in the requested zone, so a window is always
// "09:00 to 17:00 local", including on the days clocks change. Thread-safe (no
// state).
#ifndef CLINIC_SERVICES_HEARING_AVAILABILITY_H_
#define CLINIC_SERVICES_HEARING_AVAILABILITY_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/hearing/conflicts.h"

namespace clinic {
namespace hearing {

// Minutes after local midnight.
struct WorkingHours {
  int start_minutes = 9 * 60;
  int end_minutes = 17 * 60;
};

// Parses "HH:MM" (00:00..23:59); INVALID_ARGUMENT naming `field`.
absl::StatusOr<int> ParseClockTime(absl::string_view field,
                                   absl::string_view text);

// INVALID_ARGUMENT unless start < end.
absl::StatusOr<WorkingHours> ParseWorkingHours(absl::string_view start,
                                               absl::string_view end);

struct AvailabilityQuery {
  // Inclusive range of local days.
  absl::CivilDay from;
  absl::CivilDay to;
  absl::TimeZone zone;
  absl::Duration duration;
  WorkingHours hours;
  // Days with no hearings (besides non-working weekdays).
  absl::flat_hash_set<absl::CivilDay> holidays;
  // Weekdays with no hearings; default Saturday and Sunday.
  std::vector<absl::Weekday> non_working_weekdays = {absl::Weekday::saturday,
                                                     absl::Weekday::sunday};
  // No window starts before this instant (now).
  absl::Time not_before = absl::InfinitePast();
  // At most this many windows.
  int max_slots = 20;
  // The hearing to place: in person at `place` (PlaceKey) or not; decides the
  // gap needed around existing hearings.
  bool in_person = false;
  std::string place;
};

struct Slot {
  absl::Time start;
  absl::Time end;
};

// Maximal free windows of at least `query.duration`, in time order. `busy` are
// the lawyer's hearings in any order.
std::vector<Slot> FreeSlots(const AvailabilityQuery& query,
                            absl::Span<const Booking> busy,
                            const BufferPolicy& policy);

// Baseline for the benchmark: tries every 15-minute start in working hours and
// scans every hearing for a clash. Returns the free starts' slots merged into
// windows the same way (so both can be compared).
std::vector<Slot> FreeSlotsByScan(const AvailabilityQuery& query,
                                  absl::Span<const Booking> busy,
                                  const BufferPolicy& policy);

}  // namespace hearing
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_AVAILABILITY_H_
