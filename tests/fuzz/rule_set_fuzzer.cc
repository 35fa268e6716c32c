// Fuzzes the deadline rule file parser (RuleSet::Load): protobuf text format,
// then whole-file validation, then building calendars and indexes. A rule
// file reaches the server through ReplaceRules (administrators) and
// deadline.rules_file, so it is outside data.
//
// Properties: Load never crashes; a file it accepts can be queried (every
// rule found by id, every calendar's holidays computed for a few years and
// days classified) without crashing.
#include <string>

#include "absl/time/civil_time.h"
#include "services/deadline/engine/rule_set.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using clinic::deadline::RuleSet;
  if (size > RuleSet::kMaxTextBytes) return 0;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = RuleSet::Load(text);
  if (!rules.ok()) {
    CLINIC_FUZZ_CHECK(rules.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const RuleSet& set = **rules;
  for (const auto& rule : set.proto().rules()) {
    CLINIC_FUZZ_CHECK(set.FindRule(rule.id()) != nullptr);
    set.RulesRelativeTo(rule.id());
    set.RulesTriggeredBy(rule.event());
    for (int province : {0, 1, 5, 10}) {
      for (int region : {0, 1, 2, 3}) {
        set.CalendarFor(rule, static_cast<clinic::v1::Province>(province),
                        static_cast<clinic::v1::IrbRegion>(region))
            .IgnoreError();
      }
    }
  }
  for (const clinic::deadline::HolidayCalendar* calendar : set.calendars()) {
    CLINIC_FUZZ_CHECK(set.FindCalendar(calendar->id()) == calendar);
    for (int year : {1990, 2025, 2026, 2100}) {
      calendar->HolidaysIn(year).IgnoreError();
    }
    for (absl::CivilDay day(2026, 1, 1); day < absl::CivilDay(2026, 2, 1);
         ++day) {
      calendar->IsNonCounting(day);
      calendar->NonCountingReason(day);
      calendar->IsUncertainOnly(day);
    }
  }
  return 0;
}
