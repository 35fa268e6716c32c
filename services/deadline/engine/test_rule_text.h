// Test helpers: a small valid rule file whose line numbers tests rely on, and
// single-line edits of it. Tests only.
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_TEST_RULE_TEXT_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_TEST_RULE_TEXT_H_

#include <string>

#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace clinic::deadline {

// A small valid file. Line numbers matter: tests replace one line at a time,
// so every error below names a line of this text.
inline constexpr char kBase[] = R"rules(version: "test-1"
calendars {
  id: "CA-IA"
  description: "test calendar"
  non_counting_weekdays: WEEKDAY_SUNDAY
  holidays { name: "Canada Day" fixed { month: 7 day: 1 } }
  citation: "IA s.35"
}
rules {
  id: "r.one"
  title: "Do a thing"
  event: EVENT_TYPE_CLAIM_REFERRED
  offset { value: 15 unit: OFFSET_UNIT_CALENDAR_DAYS }
  direction: DIRECTION_AFTER
  counting: COUNTING_EXCLUDE_FIRST
  calendar: "CA-IA"
  roll: ROLL_FORWARD
  case_types: CASE_TYPE_RPD_CLAIM
  citation: "IRPR 159.8(2)"
  kind: DEADLINE_KIND_DEADLINE
}
)rules";

// kBase with `from` (which must occur once) replaced by `to`.
inline std::string Edit(absl::string_view from, absl::string_view to) {
  std::string text = kBase;
  EXPECT_EQ(text.find(std::string(from)), text.rfind(std::string(from)))
      << from;
  EXPECT_NE(text.find(std::string(from)), std::string::npos) << from;
  return absl::StrReplaceAll(text, {{from, to}});
}

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_TEST_RULE_TEXT_H_
