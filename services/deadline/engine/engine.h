// The deadline engine: what the rule file says about a case. Given case facts
// and an event (or a rule and a trigger date), it returns each applicable
// deadline with its date and its Explanation (rule, citation, trigger and how
// it was derived, the arithmetic step by step, the days skipped and why, and a
// warning where a source is uncertain). It stores nothing.
//
// The service keeps a std::shared_ptr<const DeadlineEngine> and replaces it
// only when a new rule file loads (RuleSet::Load succeeded); computations in
// flight keep the engine they started with.
//
// How the service uses it:
//  - RecordEvent: DeadlinesForEvent for the new deadlines (a rule running from
//    another rule's date is listed after it, with parent_rule_id set);
//    RulesWithdrawnBy for the open deadlines to withdraw; RulesMovedBy for the
//    open deadlines to compute again from the event's date (ComputeDate with
//    the new date; rules relative to a moved one from its new date).
//  - ComputeDate RPC: ComputeDate.
//  - ReplaceRules: for each open deadline, DueDate with its stored trigger
//    (parents before the rules relative to them); ComputeDate (with the
//    explanation) only for those that moved. NOT_FOUND or FAILED_PRECONDITION
//    there means the deadline no longer follows from the rules.
//
// Thread-safe: immutable.
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_ENGINE_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_ENGINE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/common.pb.h"
#include "clinic/v1/deadline.pb.h"
#include "clinic/v1/deadline_rules.pb.h"
#include "services/deadline/engine/calendar.h"
#include "services/deadline/engine/case_facts.h"
#include "services/deadline/engine/rule_set.h"

namespace clinic::deadline {

struct ComputedDeadline {
  std::string rule_id;
  // The obligation (the rule's title).
  std::string title;
  v1::DeadlineKind kind = v1::DEADLINE_KIND_UNSPECIFIED;
  absl::CivilDay due_date;
  // The time of day the rule implies, if it does.
  std::optional<v1::TimeOfDay> due_time;
  // The date the rule counted from (after receipt rules, or the parent's
  // date).
  absl::CivilDay trigger_date;
  // Set for a rule relative to another: that rule's id.
  std::string parent_rule_id;
  v1::Explanation explanation;
};

class DeadlineEngine {
 public:
  // `rules` must not be null.
  explicit DeadlineEngine(std::shared_ptr<const RuleSet> rules);

  const RuleSet& rules() const { return *rules_; }
  const std::shared_ptr<const RuleSet>& shared_rules() const { return rules_; }

  // The date rule `rule_id` gives for `trigger_date` (for a rule relative to
  // another, that rule's date; for a "before" rule, the hearing date), counted
  // with the calendar for `facts`' province or region. With `receipt`, the
  // trigger is derived from it (see receipt.h). Only the in-force range is
  // checked, not the case type or conditions: the caller named the rule.
  // NOT_FOUND: no such rule. FAILED_PRECONDITION: the rule is not in force for
  // the trigger date (the message names the edition that is), or its calendar
  // needs a province/region the facts lack. INVALID_ARGUMENT: a bad receipt,
  // or a receipt for a rule relative to another. OUT_OF_RANGE: outside
  // 1990..2100.
  absl::StatusOr<ComputedDeadline> ComputeDate(
      absl::string_view rule_id, absl::CivilDay trigger_date,
      const CaseFacts& facts, const v1::Receipt* receipt = nullptr) const;

  // ComputeDate without the explanation, for recomputing many deadlines.
  absl::StatusOr<absl::CivilDay> DueDate(absl::string_view rule_id,
                                         absl::CivilDay trigger_date,
                                         const CaseFacts& facts) const;

  // Every deadline an event of type `event` on `event_date` (with `receipt`,
  // if any) gives a case with `facts`: each applicable rule it triggers, each
  // followed by the applicable rules running from its date, recursively; in
  // rule-file order. Errors as ComputeDate; INVALID_ARGUMENT for an
  // unspecified event type.
  absl::StatusOr<std::vector<ComputedDeadline>> DeadlinesForEvent(
      const CaseFacts& facts, v1::EventType event, absl::CivilDay event_date,
      const v1::Receipt* receipt = nullptr) const;

  // Ids of the rules whose open deadlines an event of type `event` withdraws
  // (the rules naming it in withdrawn_by, and every rule running from one of
  // them), in rule-file order.
  std::vector<std::string> RulesWithdrawnBy(v1::EventType event) const;

  // Ids of the rules whose open deadlines an event of type `event` moves (the
  // rules naming it in moved_by, and every rule running from one of them), in
  // rule-file order.
  std::vector<std::string> RulesMovedBy(v1::EventType event) const;

  // Holidays of calendar `calendar_id` in `year`. NOT_FOUND: no such calendar;
  // OUT_OF_RANGE: outside 1990..2100.
  absl::StatusOr<std::vector<Holiday>> ListHolidays(
      absl::string_view calendar_id, int year) const;

 private:
  struct Origin {
    absl::CivilDay date;
    std::string derivation;
    std::string warning;
    v1::EventType event = v1::EVENT_TYPE_UNSPECIFIED;
    std::string label;
    const v1::DeadlineRule* parent = nullptr;
  };

  absl::StatusOr<ComputedDeadline> Compute(const v1::DeadlineRule& rule,
                                           const Origin& origin,
                                           const CaseFacts& facts) const;
  absl::Status AddWithChildren(const v1::DeadlineRule& rule,
                               const Origin& origin, const CaseFacts& facts,
                               std::vector<ComputedDeadline>& out) const;
  absl::StatusOr<const v1::DeadlineRule*> InForceRule(
      absl::string_view rule_id, absl::CivilDay trigger_date) const;
  std::vector<std::string> WithDescendants(
      bool (*names)(const v1::DeadlineRule&, v1::EventType),
      v1::EventType event) const;

  std::shared_ptr<const RuleSet> rules_;
};

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_ENGINE_H_
