#include "services/deadline/engine/rule_set.h"

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/deadline/engine/rule_file.h"

namespace clinic::deadline {
namespace {

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

absl::StatusOr<std::shared_ptr<const RuleSet>> RuleSet::Load(
    absl::string_view text) {
  if (text.size() > kMaxTextBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("rule file rejected: it is ", text.size(),
                     " bytes; at most ", kMaxTextBytes, " are accepted"));
  }
  ParsedRuleFile parsed = ParseRuleFile(text);
  if (!parsed.errors.empty()) {
    return absl::InvalidArgumentError(RenderErrors(std::move(parsed.errors)));
  }
  std::shared_ptr<RuleSet> out(new RuleSet());
  out->proto_ = std::move(parsed.proto);
  const v1::RuleSet& set = out->proto_;

  // Valid: build calendars, included ones first (there are no cycles).
  std::map<std::string, const v1::Calendar*> defs;
  for (const v1::Calendar& c : set.calendars()) defs[c.id()] = &c;
  std::function<const HolidayCalendar*(const std::string&)> build =
      [&](const std::string& id) -> const HolidayCalendar* {
    auto it = out->calendars_.find(id);
    if (it != out->calendars_.end()) return it->second.get();
    const v1::Calendar& def = *defs.at(id);
    std::vector<const HolidayCalendar*> includes;
    for (const std::string& inc : def.includes())
      includes.push_back(build(inc));
    auto built = HolidayCalendar::Build(def, std::move(includes));
    const HolidayCalendar* raw = built.get();
    out->calendars_.emplace(id, std::move(built));
    return raw;
  };
  for (const v1::Calendar& c : set.calendars()) build(c.id());
  out->Index();
  return std::shared_ptr<const RuleSet>(std::move(out));
}

void RuleSet::Index() {
  for (const v1::DeadlineRule& r : proto_.rules()) {
    rules_[r.id()] = &r;
    if (r.trigger_case() == v1::DeadlineRule::kEvent) {
      by_event_[r.event()].push_back(&r);
    } else {
      by_parent_[r.relative_to_rule()].push_back(&r);
    }
  }
  for (const v1::CalendarBinding& b : proto_.bindings()) {
    const HolidayCalendar* cal = FindCalendar(b.calendar());
    if (b.has_irb_region()) region_calendar_[b.irb_region()] = cal;
    if (b.has_province()) province_calendar_[b.province()] = cal;
  }
}

const v1::DeadlineRule* RuleSet::FindRule(absl::string_view id) const {
  auto it = rules_.find(id);
  return it == rules_.end() ? nullptr : it->second;
}

const HolidayCalendar* RuleSet::FindCalendar(absl::string_view id) const {
  auto it = calendars_.find(id);
  return it == calendars_.end() ? nullptr : it->second.get();
}

std::vector<const HolidayCalendar*> RuleSet::calendars() const {
  std::vector<const HolidayCalendar*> out;
  for (const v1::Calendar& c : proto_.calendars()) {
    out.push_back(FindCalendar(c.id()));
  }
  return out;
}

const std::vector<const v1::DeadlineRule*>& RuleSet::RulesTriggeredBy(
    v1::EventType event) const {
  static const auto* const kNone = new std::vector<const v1::DeadlineRule*>();
  auto it = by_event_.find(event);
  return it == by_event_.end() ? *kNone : it->second;
}

const std::vector<const v1::DeadlineRule*>& RuleSet::RulesRelativeTo(
    absl::string_view id) const {
  static const auto* const kNone = new std::vector<const v1::DeadlineRule*>();
  auto it = by_parent_.find(id);
  return it == by_parent_.end() ? *kNone : it->second;
}

absl::StatusOr<const HolidayCalendar*> RuleSet::CalendarFor(
    const v1::DeadlineRule& rule, v1::Province province,
    v1::IrbRegion region) const {
  if (rule.calendar() == kIrbRegionCalendar) {
    auto it = region_calendar_.find(region);
    if (it == region_calendar_.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "rule ", Quote(rule.id()),
          " counts with the case's IRB region, and the case has none "
          "(irb_region is ",
          v1::IrbRegion_Name(region), "); set the case's IRB region"));
    }
    return it->second;
  }
  if (rule.calendar() == kProvinceCalendar) {
    auto it = province_calendar_.find(province);
    if (it == province_calendar_.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "rule ", Quote(rule.id()),
          " counts with the case's province, and the case has none "
          "(province is ",
          v1::Province_Name(province), "); set the case's province"));
    }
    return it->second;
  }
  return FindCalendar(rule.calendar());
}

const v1::ReceiptRule* RuleSet::ReceiptRuleFor(v1::EventType event,
                                               v1::ReceiptManner manner) const {
  for (const v1::ReceiptRule& r : proto_.receipt_rules()) {
    if (r.event() == event && r.manner() == manner) return &r;
  }
  return nullptr;
}

}  // namespace clinic::deadline
