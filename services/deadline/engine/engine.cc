#include "services/deadline/engine/engine.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "services/common/validation.h"
#include "services/deadline/engine/compute.h"
#include "services/deadline/engine/dates.h"
#include "services/deadline/engine/receipt.h"

namespace clinic::deadline {
namespace {

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

bool NamesInWithdrawnBy(const v1::DeadlineRule& rule, v1::EventType event) {
  return std::find(rule.withdrawn_by().begin(), rule.withdrawn_by().end(),
                   event) != rule.withdrawn_by().end();
}

bool NamesInMovedBy(const v1::DeadlineRule& rule, v1::EventType event) {
  return std::find(rule.moved_by().begin(), rule.moved_by().end(), event) !=
         rule.moved_by().end();
}

bool HasReceipt(const v1::Receipt* receipt) {
  return receipt != nullptr &&
         (receipt->manner() != v1::RECEIPT_MANNER_UNSPECIFIED ||
          receipt->has_sent_date() || receipt->has_received_date());
}

}  // namespace

DeadlineEngine::DeadlineEngine(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)) {}

absl::StatusOr<const v1::DeadlineRule*> DeadlineEngine::InForceRule(
    absl::string_view rule_id, absl::CivilDay trigger_date) const {
  const v1::DeadlineRule* rule = rules_->FindRule(rule_id);
  if (rule == nullptr) {
    return absl::NotFoundError(absl::StrCat("rule ", Quote(rule_id),
                                            " is not in the rule file (",
                                            rules_->version(), ")"));
  }
  std::string why = WhyNotInForce(*rule, trigger_date);
  if (why.empty()) return rule;
  if (!rule->supersedes_group().empty()) {
    for (const v1::DeadlineRule& other : rules_->proto().rules()) {
      if (&other != rule &&
          other.supersedes_group() == rule->supersedes_group() &&
          WhyNotInForce(other, trigger_date).empty()) {
        absl::StrAppend(&why, "; rule ", Quote(other.id()), " applies then");
      }
    }
  }
  return absl::FailedPreconditionError(why);
}

absl::StatusOr<ComputedDeadline> DeadlineEngine::ComputeDate(
    absl::string_view rule_id, absl::CivilDay trigger_date,
    const CaseFacts& facts, const v1::Receipt* receipt) const {
  const v1::DeadlineRule* rule = rules_->FindRule(rule_id);
  if (rule == nullptr) return InForceRule(rule_id, trigger_date).status();
  Origin origin;
  if (rule->trigger_case() == v1::DeadlineRule::kRelativeToRule) {
    if (HasReceipt(receipt)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "receipt: rule ", Quote(rule->id()), " runs from the date of rule ",
          Quote(rule->relative_to_rule()), ", not from a receipt"));
    }
    origin.parent = rules_->FindRule(rule->relative_to_rule());
    origin.date = trigger_date;
    origin.derivation =
        absl::StrCat("the date of rule ", Quote(origin.parent->id()), " (",
                     origin.parent->title(), "), ", FormatDay(trigger_date));
    origin.label = absl::StrCat("rule ", origin.parent->id());
  } else {
    CLINIC_ASSIGN_OR_RETURN(
        ReceiptDates dates,
        ReadReceipt(*rules_, rule->event(), trigger_date, receipt));
    Trigger t = ChooseTrigger(dates, rule->kind());
    origin.date = t.date;
    origin.derivation = std::move(t.derivation);
    origin.warning = std::move(t.warning);
    origin.event = rule->event();
    origin.label = v1::EventType_Name(rule->event());
  }
  CLINIC_RETURN_IF_ERROR(InForceRule(rule_id, origin.date).status());
  return Compute(*rule, origin, facts);
}

absl::StatusOr<absl::CivilDay> DeadlineEngine::DueDate(
    absl::string_view rule_id, absl::CivilDay trigger_date,
    const CaseFacts& facts) const {
  CLINIC_ASSIGN_OR_RETURN(const v1::DeadlineRule* rule,
                          InForceRule(rule_id, trigger_date));
  CLINIC_ASSIGN_OR_RETURN(
      const HolidayCalendar* calendar,
      rules_->CalendarFor(*rule, facts.province, facts.irb_region));
  return CountFrom(*rule, trigger_date, *calendar, nullptr);
}

absl::StatusOr<ComputedDeadline> DeadlineEngine::Compute(
    const v1::DeadlineRule& rule, const Origin& origin,
    const CaseFacts& facts) const {
  CLINIC_ASSIGN_OR_RETURN(
      const HolidayCalendar* calendar,
      rules_->CalendarFor(rule, facts.province, facts.irb_region));
  ComputedDeadline out;
  out.rule_id = rule.id();
  out.title = rule.title();
  out.kind = rule.kind();
  if (rule.has_due_time()) out.due_time = rule.due_time();
  out.trigger_date = origin.date;
  if (origin.parent != nullptr) out.parent_rule_id = origin.parent->id();

  v1::Explanation& e = out.explanation;
  e.set_rule_id(rule.id());
  e.set_rule_title(rule.title());
  e.set_citation(rule.citation());
  e.set_trigger_event(origin.event);
  e.set_trigger(origin.label);
  *e.mutable_trigger_date() = ToDate(origin.date);
  e.set_trigger_derivation(origin.derivation);
  e.set_calendar(calendar->id());
  e.set_note(rule.note());
  CLINIC_ASSIGN_OR_RETURN(out.due_date,
                          CountFrom(rule, origin.date, *calendar, &e));

  std::vector<std::string> warnings;
  if (rule.uncertain()) {
    warnings.push_back(
        "This rule's source is not confirmed from a primary text; check it "
        "before relying on the date.");
  }
  if (origin.parent != nullptr && origin.parent->uncertain()) {
    warnings.push_back(absl::StrCat("It runs from rule ",
                                    Quote(origin.parent->id()),
                                    ", whose source is not confirmed."));
  }
  if (!origin.warning.empty()) warnings.push_back(origin.warning);
  std::vector<std::string> uncertain_days;
  for (const v1::SkippedDay& s : e.skipped()) {
    if (s.uncertain()) {
      uncertain_days.push_back(
          absl::StrCat(FormatDate(s.date()), " (", s.reason(), ")"));
    }
  }
  if (!uncertain_days.empty()) {
    warnings.push_back(absl::StrCat(
        "The date depends on days treated as non-counting on an unconfirmed "
        "source: ",
        absl::StrJoin(uncertain_days, ", "), "; confirm with the registry."));
  }
  e.set_warning(absl::StrJoin(warnings, " "));
  return out;
}

absl::Status DeadlineEngine::AddWithChildren(
    const v1::DeadlineRule& rule, const Origin& origin, const CaseFacts& facts,
    std::vector<ComputedDeadline>& out) const {
  if (!WhyNotApplicable(rule, facts, origin.date).empty()) {
    return absl::OkStatus();
  }
  CLINIC_ASSIGN_OR_RETURN(ComputedDeadline computed,
                          Compute(rule, origin, facts));
  Origin child;
  child.date = computed.due_date;
  child.derivation =
      absl::StrCat("the date of rule ", Quote(rule.id()), " (", rule.title(),
                   "), ", FormatDay(computed.due_date));
  child.event = origin.event;
  child.label = absl::StrCat("rule ", rule.id());
  child.parent = &rule;
  if (!computed.explanation.warning().empty()) {
    child.warning = absl::StrCat(
        "It runs from the date of rule ", Quote(rule.id()),
        ", which carries a warning: ", computed.explanation.warning());
  }
  out.push_back(std::move(computed));
  for (const v1::DeadlineRule* next : rules_->RulesRelativeTo(rule.id())) {
    CLINIC_RETURN_IF_ERROR(AddWithChildren(*next, child, facts, out));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ComputedDeadline>> DeadlineEngine::DeadlinesForEvent(
    const CaseFacts& facts, v1::EventType event, absl::CivilDay event_date,
    const v1::Receipt* receipt) const {
  CLINIC_RETURN_IF_ERROR(ValidateEnum(
      "event.type", event, [](int v) { return v1::EventType_IsValid(v); },
      /*required=*/true));
  CLINIC_RETURN_IF_ERROR(CheckInRange(event_date, "the event date"));
  CLINIC_ASSIGN_OR_RETURN(ReceiptDates dates,
                          ReadReceipt(*rules_, event, event_date, receipt));
  std::vector<ComputedDeadline> out;
  for (const v1::DeadlineRule* rule : rules_->RulesTriggeredBy(event)) {
    Trigger t = ChooseTrigger(dates, rule->kind());
    Origin origin;
    origin.date = t.date;
    origin.derivation = std::move(t.derivation);
    origin.warning = std::move(t.warning);
    origin.event = event;
    origin.label = v1::EventType_Name(event);
    CLINIC_RETURN_IF_ERROR(AddWithChildren(*rule, origin, facts, out));
  }
  return out;
}

std::vector<std::string> DeadlineEngine::WithDescendants(
    bool (*names)(const v1::DeadlineRule&, v1::EventType),
    v1::EventType event) const {
  std::set<std::string> chosen;
  for (const v1::DeadlineRule& r : rules_->proto().rules()) {
    if (names(r, event)) chosen.insert(r.id());
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (const v1::DeadlineRule& r : rules_->proto().rules()) {
      if (r.trigger_case() == v1::DeadlineRule::kRelativeToRule &&
          chosen.count(r.relative_to_rule()) && chosen.insert(r.id()).second) {
        grew = true;
      }
    }
  }
  std::vector<std::string> out;
  for (const v1::DeadlineRule& r : rules_->proto().rules()) {
    if (chosen.count(r.id())) out.push_back(r.id());
  }
  return out;
}

std::vector<std::string> DeadlineEngine::RulesWithdrawnBy(
    v1::EventType event) const {
  return WithDescendants(&NamesInWithdrawnBy, event);
}

std::vector<std::string> DeadlineEngine::RulesMovedBy(
    v1::EventType event) const {
  return WithDescendants(&NamesInMovedBy, event);
}

absl::StatusOr<std::vector<Holiday>> DeadlineEngine::ListHolidays(
    absl::string_view calendar_id, int year) const {
  const HolidayCalendar* calendar = rules_->FindCalendar(calendar_id);
  if (calendar == nullptr) {
    return absl::NotFoundError(absl::StrCat("calendar ", Quote(calendar_id),
                                            " is not in the rule file (",
                                            rules_->version(), ")"));
  }
  return calendar->HolidaysIn(year);
}

}  // namespace clinic::deadline
