// Conflicts of people's time between hearings: the lawyer (counsel of record),
// the interpreter and each client who must attend may not be in two hearings at
// once, and need a gap between hearings (a minimum gap always, a longer travel
// buffer between in-person hearings at different places).
//
// Pure domain logic on instants (absl::Time): time zones and DST do not enter
// here, because every hearing's start is an instant and its end is start plus
// duration. Thread-safe (no shared state); ScheduleIndex is not synchronized
// (callers that share one must lock).
#ifndef CLINIC_SERVICES_HEARING_CONFLICTS_H_
#define CLINIC_SERVICES_HEARING_CONFLICTS_H_

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace clinic {
namespace hearing {

// One hearing as the time of people it occupies.
struct Booking {
  // "cases/{case}/hearings/{hearing}".
  std::string name;
  absl::Time start;
  absl::Time end;
  // In person or hybrid: people travel to `place`.
  bool in_person = false;
  // PlaceKey() of the location (empty when not in person).
  std::string place;
};

struct BufferPolicy {
  // Between any two hearings of one person.
  absl::Duration minimum_gap = absl::Minutes(15);
  // Between in-person hearings at different places.
  absl::Duration travel_buffer = absl::Minutes(90);
  absl::Duration Largest() const {
    return std::max(minimum_gap, travel_buffer);
  }
};

// Normal form of a location for comparing places: lower case, runs of
// whitespace and punctuation as one space, trimmed.
std::string PlaceKey(absl::string_view location);

// The gap one person needs between `a` and `b`.
absl::Duration RequiredGap(const Booking& a, const Booking& b,
                           const BufferPolicy& policy);

enum class Clash {
  kNone,
  // The hearings overlap in time.
  kOverlap,
  // They do not overlap, but the gap between them is shorter than required.
  kBufferOnly,
};
Clash Compare(const Booking& a, const Booking& b, const BufferPolicy& policy);

enum class PartyKind { kLawyer, kInterpreter, kClient };

// The people a hearing needs.
struct Parties {
  // "users/{username}".
  std::string lawyer;
  // InterpreterKey() of the interpreter booked; empty when none.
  std::string interpreter;
  // "clients/{client}".
  std::vector<std::string> clients;
};

// Normal form of an interpreter's name or agency reference (case and spacing
// insensitive).
std::string InterpreterKey(absl::string_view interpreter);

struct Scheduled {
  Booking booking;
  Parties parties;
};

struct Conflict {
  PartyKind who;
  std::string party;
  Booking other;
  bool buffer_only = false;
};

// Conflicts of `candidate` for one person with their `others` (any order).
// Bookings named like the candidate are skipped (a hearing never conflicts with
// itself, e.g. when it is being rescheduled).
void CheckParty(PartyKind who, const std::string& party,
                const Booking& candidate, absl::Span<const Booking> others,
                const BufferPolicy& policy, std::vector<Conflict>* out);

// Baseline: every conflict of `candidate` by scanning every scheduled hearing.
std::vector<Conflict> FindConflictsByScan(const Scheduled& candidate,
                                          absl::Span<const Scheduled> all,
                                          const BufferPolicy& policy);

// Hearings indexed by person and start time: finding the conflicts of a
// candidate costs O(log n + k) per person instead of a scan of every hearing.
class ScheduleIndex {
 public:
  void Add(const Scheduled& s);
  // Removes the hearing `name` from every person's list (no-op if absent).
  void Remove(const Scheduled& s);

  std::vector<Conflict> FindConflicts(const Scheduled& candidate,
                                      const BufferPolicy& policy) const;

  // Bookings of one person starting in [from, to), by start.
  std::vector<Booking> BookingsOf(PartyKind who, const std::string& party,
                                  absl::Time from, absl::Time to) const;

  // The longest booking ever added (bounds the backward search).
  absl::Duration longest() const { return longest_; }

 private:
  using Key = std::pair<int, std::string>;
  void Check(PartyKind who, const std::string& party, const Booking& candidate,
             const BufferPolicy& policy, std::vector<Conflict>* out) const;

  // Sorted by (start, name).
  absl::flat_hash_map<Key, std::vector<Booking>> by_party_;
  absl::Duration longest_ = absl::ZeroDuration();
};

}  // namespace hearing
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_CONFLICTS_H_
