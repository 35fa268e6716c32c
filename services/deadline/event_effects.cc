#include "services/deadline/event_effects.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/status_macros.h"
#include "services/common/validation.h"

namespace clinic::deadline {
namespace {

std::set<std::string> AsSet(std::vector<std::string> ids) {
  return std::set<std::string>(ids.begin(), ids.end());
}

}  // namespace

bool IsHearingEvent(v1::EventType type) {
  switch (type) {
    case v1::EVENT_TYPE_HEARING_SCHEDULED:
    case v1::EVENT_TYPE_HEARING_RESCHEDULED:
    case v1::EVENT_TYPE_HEARING_CANCELLED:
    case v1::EVENT_TYPE_HEARING_HELD:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<EventEffects> PlanEvent(const DeadlineEngine& engine,
                                       const CaseFacts& facts,
                                       const v1::CaseEvent& event,
                                       const std::vector<OpenDeadline>& open) {
  const bool hearing_event = IsHearingEvent(event.type());
  const std::string subject = hearing_event ? event.hearing() : "";
  const absl::CivilDay event_date = ToCivilDay(event.date());
  auto concerns = [&](const OpenDeadline& d) {
    return !hearing_event || d.subject == subject;
  };

  EventEffects effects;
  std::set<std::string> handled;

  const std::set<std::string> withdrawn_rules =
      AsSet(engine.RulesWithdrawnBy(event.type()));
  for (const OpenDeadline& d : open) {
    if (concerns(d) && withdrawn_rules.count(d.rule_id)) {
      effects.withdrawn.push_back(d.id);
      handled.insert(d.id);
    }
  }

  // Moves: a deadline running from another moves once its parent has its new
  // date, so go round until nothing is left that can move.
  const std::set<std::string> moved_rules =
      AsSet(engine.RulesMovedBy(event.type()));
  std::vector<const OpenDeadline*> pending;
  std::set<std::string> pending_ids;
  for (const OpenDeadline& d : open) {
    if (concerns(d) && moved_rules.count(d.rule_id) && !handled.count(d.id)) {
      pending.push_back(&d);
      pending_ids.insert(d.id);
    }
  }
  std::map<std::string, absl::CivilDay> new_dates;
  bool progress = true;
  while (!pending.empty() && progress) {
    progress = false;
    std::vector<const OpenDeadline*> waiting;
    for (const OpenDeadline* d : pending) {
      absl::CivilDay from = event_date;
      if (!d->parent_id.empty()) {
        auto parent = new_dates.find(d->parent_id);
        if (parent == new_dates.end()) {
          // The parent stays where it is: so does this deadline.
          if (!pending_ids.count(d->parent_id)) continue;
          waiting.push_back(d);
          continue;
        }
        from = parent->second;
      }
      CLINIC_ASSIGN_OR_RETURN(ComputedDeadline computed,
                              engine.ComputeDate(d->rule_id, from, facts));
      new_dates[d->id] = computed.due_date;
      handled.insert(d->id);
      effects.moved.push_back({d->id, std::move(computed)});
      progress = true;
    }
    pending = std::move(waiting);
  }

  // Creations, or moves of the same rule's open deadline for this subject.
  CLINIC_ASSIGN_OR_RETURN(
      std::vector<ComputedDeadline> computed,
      engine.DeadlinesForEvent(
          facts, event.type(), event_date,
          event.has_receipt() ? &event.receipt() : nullptr));
  // The deadline standing for each rule of this event: created or existing.
  std::map<std::string, int> created_by_rule;
  std::map<std::string, std::string> existing_by_rule;
  for (ComputedDeadline& c : computed) {
    const OpenDeadline* existing = nullptr;
    for (const OpenDeadline& d : open) {
      if (d.rule_id == c.rule_id && d.subject == subject &&
          std::find(effects.withdrawn.begin(), effects.withdrawn.end(), d.id) ==
              effects.withdrawn.end()) {
        existing = &d;
        break;
      }
    }
    if (existing != nullptr) {
      existing_by_rule[c.rule_id] = existing->id;
      if (!handled.count(existing->id) &&
          existing->computed_due_date != c.due_date) {
        handled.insert(existing->id);
        effects.moved.push_back({existing->id, std::move(c)});
      }
      continue;
    }
    EventEffects::Created created;
    if (!c.parent_rule_id.empty()) {
      auto index = created_by_rule.find(c.parent_rule_id);
      if (index != created_by_rule.end()) {
        created.parent_index = index->second;
      } else {
        auto id = existing_by_rule.find(c.parent_rule_id);
        if (id != existing_by_rule.end()) created.parent_id = id->second;
      }
    }
    created_by_rule[c.rule_id] = static_cast<int>(effects.created.size());
    created.computed = std::move(c);
    effects.created.push_back(std::move(created));
  }
  return effects;
}

}  // namespace clinic::deadline
