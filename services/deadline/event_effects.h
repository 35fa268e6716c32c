// What recording an event does to a case's open deadlines: which are created,
// which move, which are withdrawn. Pure planning over the engine; the service
// applies the plan in one transaction.
//
//  - Withdrawn: open deadlines of the rules the event withdraws (a cancelled
//    hearing withdraws that hearing's disclosure deadlines).
//  - Moved: open deadlines of the rules the event moves, computed again from
//    the event's date, and those running from them from their new dates (a
//    rescheduled hearing moves its "10 days before" deadlines).
//  - Created: every deadline the event gives (DeadlinesForEvent); where the
//    same rule already has an open deadline for the same subject (an event
//    recorded again with a corrected date), that deadline moves instead of a
//    second one appearing.
//
// Hearing events (scheduled, rescheduled, cancelled, held) concern one
// hearing: only deadlines of that hearing are moved or withdrawn. Completed,
// waived and withdrawn deadlines are never passed in, so never move.
//
// Thread-safe (pure function).
#ifndef CLINIC_SERVICES_DEADLINE_EVENT_EFFECTS_H_
#define CLINIC_SERVICES_DEADLINE_EVENT_EFFECTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/deadline.pb.h"
#include "services/deadline/engine/engine.h"

namespace clinic::deadline {

// An open deadline of the case, as the planner needs it.
struct OpenDeadline {
  std::string id;
  std::string rule_id;
  // The hearing for hearing-relative deadlines, else "".
  std::string subject;
  // The deadline it runs from, or "".
  std::string parent_id;
  // The date the rules gave it (not an override).
  absl::CivilDay computed_due_date;
};

struct EventEffects {
  struct Created {
    ComputedDeadline computed;
    // The deadline it runs from: an index into `created`, or an existing
    // deadline's id; neither for a deadline running from the event.
    int parent_index = -1;
    std::string parent_id;
  };
  struct Moved {
    std::string id;
    ComputedDeadline computed;
  };
  std::vector<Created> created;
  std::vector<Moved> moved;
  std::vector<std::string> withdrawn;
};

// True for events about one hearing; these need CaseEvent.hearing.
bool IsHearingEvent(v1::EventType type);

// The effects of `event` (type, date, receipt, hearing) on a case with `facts`
// whose open deadlines are `open`. Errors as DeadlineEngine::ComputeDate and
// DeadlinesForEvent; nothing is planned on error.
absl::StatusOr<EventEffects> PlanEvent(const DeadlineEngine& engine,
                                       const CaseFacts& facts,
                                       const v1::CaseEvent& event,
                                       const std::vector<OpenDeadline>& open);

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_EVENT_EFFECTS_H_
