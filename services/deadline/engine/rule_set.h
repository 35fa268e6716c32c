// A deadline rule file (a clinic.v1.RuleSet in protobuf text format), parsed,
// validated as a whole (rule_file.h) and built: its calendars computed, its
// rules indexed by id, by triggering event and by the rule they run from.
//
// Load refuses a file with any problem and lists every problem found, each as
// "line L column C: reason" pointing at the offending field. A RuleSet object
// exists only for a file with none, so a bad file can never replace a good
// one: the caller swaps its std::shared_ptr<const RuleSet> only when Load
// succeeds.
//
// Thread-safe: immutable after Load.
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_RULE_SET_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_RULE_SET_H_

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clinic/v1/common.pb.h"
#include "clinic/v1/deadline_rules.pb.h"
#include "services/deadline/engine/calendar.h"
#include "services/deadline/engine/rule_file.h"

namespace clinic::deadline {

class RuleSet {
 public:
  // The largest rule file accepted (the ReplaceRules limit).
  static constexpr size_t kMaxTextBytes = 1 << 20;

  // Parses and validates `text`. INVALID_ARGUMENT when the file is not usable,
  // with a message of one line per problem, in file order:
  //   rule file rejected: 2 error(s)
  //   line 12 column 3: rule "rpd.boc": offset.value must not be negative ...
  //   line 40 column 14: rule "x": unknown calendar "CA-XX"
  static absl::StatusOr<std::shared_ptr<const RuleSet>> Load(
      absl::string_view text);

  // The file as parsed. Rules and calendars are referred to by pointers into
  // it, valid as long as this object.
  const v1::RuleSet& proto() const { return proto_; }
  const std::string& version() const { return proto_.version(); }

  // nullptr when unknown.
  const v1::DeadlineRule* FindRule(absl::string_view id) const;
  const HolidayCalendar* FindCalendar(absl::string_view id) const;

  // Calendars in file order.
  std::vector<const HolidayCalendar*> calendars() const;

  // Rules triggered directly by `event`, in file order.
  const std::vector<const v1::DeadlineRule*>& RulesTriggeredBy(
      v1::EventType event) const;

  // Rules that run from the date of rule `id`, in file order.
  const std::vector<const v1::DeadlineRule*>& RulesRelativeTo(
      absl::string_view id) const;

  // The calendar `rule` counts with for a case in `province` and `region`.
  // FAILED_PRECONDITION naming the rule when it counts with the case's
  // province or IRB region and the case has none (or none bound).
  absl::StatusOr<const HolidayCalendar*> CalendarFor(
      const v1::DeadlineRule& rule, v1::Province province,
      v1::IrbRegion region) const;

  // How receipt of `event` by `manner` is deemed, or nullptr.
  const v1::ReceiptRule* ReceiptRuleFor(v1::EventType event,
                                        v1::ReceiptManner manner) const;

 private:
  RuleSet() = default;
  void Index();

  v1::RuleSet proto_;
  // Built in dependency order (an included calendar before its includer).
  std::map<std::string, std::unique_ptr<const HolidayCalendar>, std::less<>>
      calendars_;
  std::map<std::string, const v1::DeadlineRule*, std::less<>> rules_;
  std::map<int, std::vector<const v1::DeadlineRule*>> by_event_;
  std::map<std::string, std::vector<const v1::DeadlineRule*>, std::less<>>
      by_parent_;
  std::map<int, const HolidayCalendar*> region_calendar_;
  std::map<int, const HolidayCalendar*> province_calendar_;
};

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_RULE_SET_H_
