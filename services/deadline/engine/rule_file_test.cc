#include "services/deadline/engine/rule_file.h"

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/engine/test_rule_text.h"

namespace clinic::deadline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A second rule, appended after line 21 (so it starts at line 22).
std::string SecondRule(absl::string_view id, absl::string_view extra) {
  return absl::StrCat("rules {\n  id: \"", id, R"rules("
  title: "Another thing"
  event: EVENT_TYPE_CLAIM_REFERRED
  offset { value: 45 unit: OFFSET_UNIT_CALENDAR_DAYS }
  direction: DIRECTION_AFTER
  counting: COUNTING_EXCLUDE_FIRST
  calendar: "CA-IA"
  roll: ROLL_FORWARD
  case_types: CASE_TYPE_RPD_CLAIM
  citation: "IRPR 159.8(3)"
  kind: DEADLINE_KIND_DEADLINE
)rules",
                      extra, "}\n");
}

// The error lines of a refused file (without the summary line).
std::vector<std::string> Errors(const std::string& text) {
  ParsedRuleFile parsed = ParseRuleFile(text);
  EXPECT_FALSE(parsed.errors.empty());
  std::vector<std::string> lines =
      absl::StrSplit(RenderErrors(std::move(parsed.errors)), '\n');
  EXPECT_THAT(lines[0], StartsWith("rule file rejected: "));
  EXPECT_EQ(lines[0], absl::StrCat("rule file rejected: ", lines.size() - 1,
                                   " error(s)"));
  lines.erase(lines.begin());
  return lines;
}

TEST(RuleFileTest, BaseFileHasNoErrors) {
  ParsedRuleFile parsed = ParseRuleFile(kBase);
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.proto.version(), "test-1");
}

TEST(RuleFileTest, SyntaxErrorNamesLineAndColumn) {
  EXPECT_THAT(
      Errors(Edit("  title: \"Do a thing\"", "  titel: \"Do a thing\"")),
      ElementsAre(AllOf(StartsWith("line 11 column 3: "), HasSubstr("titel"))));
  EXPECT_THAT(Errors(Edit("  kind: DEADLINE_KIND_DEADLINE\n}",
                          "  kind: DEADLINE_KIND_DEADLINE\n")),
              ElementsAre(StartsWith("line 22 column ")));
}

TEST(RuleFileTest, UnknownEventNamesTheValue) {
  EXPECT_THAT(Errors(Edit("event: EVENT_TYPE_CLAIM_REFERRED",
                          "event: EVENT_TYPE_CLAIM_INVENTED")),
              ElementsAre(AllOf(StartsWith("line 12 column 10: "),
                                HasSubstr("EVENT_TYPE_CLAIM_INVENTED"))));
}

TEST(RuleFileTest, UnspecifiedEvent) {
  EXPECT_THAT(Errors(Edit("event: EVENT_TYPE_CLAIM_REFERRED",
                          "event: EVENT_TYPE_UNSPECIFIED")),
              ElementsAre("line 12 column 3: rule \"r.one\": event must name "
                          "an event type, not EVENT_TYPE_UNSPECIFIED"));
  EXPECT_THAT(Errors(Edit("event: EVENT_TYPE_CLAIM_REFERRED", "# no trigger")),
              ElementsAre("line 9 column 1: rule \"r.one\": a trigger is "
                          "required: event or relative_to_rule"));
}

TEST(RuleFileTest, NegativeOrMissingOffset) {
  EXPECT_THAT(Errors(Edit("value: 15", "value: -3")),
              ElementsAre(AllOf(
                  StartsWith("line 13 column 12: rule \"r.one\": offset.value "
                             "must not be negative"),
                  HasSubstr("DIRECTION_BEFORE"))));
  EXPECT_THAT(
      Errors(Edit("  offset { value: 15 unit: OFFSET_UNIT_CALENDAR_DAYS }",
                  "  # no offset")),
      ElementsAre("line 9 column 1: rule \"r.one\": offset is required"));
  EXPECT_THAT(Errors(Edit(" unit: OFFSET_UNIT_CALENDAR_DAYS", "")),
              ElementsAre("line 13 column 3: rule \"r.one\": offset.unit is "
                          "required"));
}

TEST(RuleFileTest, MissingCitationTitleOrId) {
  EXPECT_THAT(
      Errors(Edit("  citation: \"IRPR 159.8(2)\"", "  # no citation")),
      ElementsAre("line 9 column 1: rule \"r.one\": citation is required "
                  "(every rule cites its legal source)"));
  EXPECT_THAT(
      Errors(Edit("  title: \"Do a thing\"", "  title: \"\"")),
      ElementsAre("line 9 column 1: rule \"r.one\": title is required"));
  EXPECT_THAT(Errors(Edit("  id: \"r.one\"", "  # no id")),
              ElementsAre("line 9 column 1: rule: id is required"));
  EXPECT_THAT(Errors(Edit("  citation: \"IA s.35\"", "  # none")),
              ElementsAre("line 2 column 1: calendar \"CA-IA\": citation is "
                          "required"));
}

TEST(RuleFileTest, DuplicateIds) {
  EXPECT_THAT(Errors(absl::StrCat(kBase, SecondRule("r.one", ""))),
              ElementsAre("line 23 column 3: rule \"r.one\": id is already "
                          "used by the rule at line 9 column 1"));
  const std::string two_calendars = absl::StrCat(kBase, R"rules(calendars {
  id: "CA-IA"
  description: "again"
  citation: "x"
}
)rules");
  EXPECT_THAT(Errors(two_calendars),
              ElementsAre("line 23 column 3: calendar \"CA-IA\": id is "
                          "already used at line 3 column 3"));
}

TEST(RuleFileTest, UnknownCalendarOrInclude) {
  EXPECT_THAT(Errors(Edit("calendar: \"CA-IA\"", "calendar: \"CA-XX\"")),
              ElementsAre("line 16 column 3: rule \"r.one\": unknown calendar "
                          "\"CA-XX\""));
  EXPECT_THAT(
      Errors(Edit("  citation: \"IA s.35\"",
                  "  citation: \"IA s.35\" includes: \"CA-NOPE\"")),
      ElementsAre("line 7 column 23: calendar \"CA-IA\": includes unknown "
                  "calendar \"CA-NOPE\""));
  EXPECT_THAT(Errors(Edit("  citation: \"IA s.35\"",
                          "  citation: \"IA s.35\" includes: \"CA-IA\"")),
              ElementsAre(HasSubstr("makes the calendar include itself")));
}

TEST(RuleFileTest, OverlappingInForceRanges) {
  const std::string text = absl::StrCat(
      Edit("  kind: DEADLINE_KIND_DEADLINE\n}",
           "  kind: DEADLINE_KIND_DEADLINE\n  supersedes_group: \"g\"\n"
           "  in_force { until { year: 2024 month: 9 day: 10 } }\n}"),
      SecondRule("r.two",
                 "  supersedes_group: \"g\"\n"
                 "  in_force { from { year: 2024 month: 9 day: 9 } }\n"));
  // r.one: line 9; r.two starts at line 24, its in_force at line 37.
  EXPECT_THAT(Errors(text),
              ElementsAre("line 37 column 3: rule \"r.two\": in force at the "
                          "same time as rule \"r.one\" (line 9 column 1); "
                          "in-force ranges of supersedes_group \"g\" must not "
                          "overlap"));
  // Touching ranges (until is exclusive) are fine.
  const std::string touching =
      absl::StrReplaceAll(text, {{"day: 10", "day: 9"}});
  EXPECT_TRUE(ParseRuleFile(touching).errors.empty());
}

TEST(RuleFileTest, RelativeRules) {
  const std::string unknown = absl::StrCat(
      kBase, absl::StrReplaceAll(SecondRule("r.two", ""),
                                 {{"event: EVENT_TYPE_CLAIM_REFERRED",
                                   "relative_to_rule: \"r.zero\""}}));
  EXPECT_THAT(Errors(unknown),
              ElementsAre("line 25 column 3: rule \"r.two\": relative_to_rule "
                          "names unknown rule \"r.zero\""));
  // r.one -> r.two -> r.one.
  const std::string cycle = absl::StrCat(
      Edit("event: EVENT_TYPE_CLAIM_REFERRED", "relative_to_rule: \"r.two\""),
      absl::StrReplaceAll(SecondRule("r.two", ""),
                          {{"event: EVENT_TYPE_CLAIM_REFERRED",
                            "relative_to_rule: \"r.one\""}}));
  EXPECT_THAT(
      Errors(cycle),
      ElementsAre("line 12 column 3: rule \"r.one\": relative_to_rule forms a "
                  "cycle: r.one -> r.two -> r.one",
                  "line 25 column 3: rule \"r.two\": relative_to_rule forms a "
                  "cycle: r.two -> r.one -> r.two"));
}

TEST(RuleFileTest, BadHolidayFieldsAreLocated) {
  EXPECT_THAT(
      Errors(Edit("fixed { month: 7 day: 1 }", "fixed { month: 13 day: 1 }")),
      ElementsAre("line 6 column 41: calendar \"CA-IA\" holiday "
                  "\"Canada Day\": month must be 1-12"));
  EXPECT_THAT(
      Errors(Edit("fixed { month: 7 day: 1 }",
                  "nth_weekday { month: 9 weekday: WEEKDAY_MONDAY n: 7 }")),
      ElementsAre("line 6 column 80: calendar \"CA-IA\" holiday \"Canada "
                  "Day\": n must be 1-5, or -1 for the last"));
}

TEST(RuleFileTest, PlaceholderCalendarsNeedBindings) {
  EXPECT_THAT(
      Errors(Edit("calendar: \"CA-IA\"", "calendar: \"@irb_region\"")),
      ElementsAre("line 16 column 3: rule \"r.one\": counts with "
                  "\"@irb_region\" but bindings lack IRB_REGION_EASTERN, "
                  "IRB_REGION_CENTRAL, IRB_REGION_WESTERN"));
  const std::string bound =
      absl::StrCat(Edit("calendar: \"CA-IA\"", "calendar: \"@irb_region\""),
                   "bindings { irb_region: IRB_REGION_EASTERN calendar: "
                   "\"CA-IA\" }\n"
                   "bindings { irb_region: IRB_REGION_CENTRAL calendar: "
                   "\"CA-IA\" }\n"
                   "bindings { irb_region: IRB_REGION_WESTERN calendar: "
                   "\"CA-NONE\" }\n");
  EXPECT_THAT(Errors(bound),
              ElementsAre("line 24 column 43: binding for IRB_REGION_WESTERN: "
                          "unknown calendar \"CA-NONE\""));
}

TEST(RuleFileTest, RollingForwardBeforeTheTriggerIsRefused) {
  EXPECT_THAT(
      Errors(Edit("direction: DIRECTION_AFTER", "direction: DIRECTION_BEFORE")),
      ElementsAre(StartsWith("line 17 column 3: rule \"r.one\": a "
                             "limit counted before its trigger must "
                             "not roll forward")));
}

TEST(RuleFileTest, ClearMonthsAndOtherFieldChecks) {
  EXPECT_THAT(
      Errors(Edit("  offset { value: 15 unit: OFFSET_UNIT_CALENDAR_DAYS }\n"
                  "  direction: DIRECTION_AFTER\n"
                  "  counting: COUNTING_EXCLUDE_FIRST",
                  "  offset { value: 15 unit: OFFSET_UNIT_MONTHS }\n"
                  "  direction: DIRECTION_AFTER\n"
                  "  counting: COUNTING_CLEAR_DAYS")),
      ElementsAre("line 15 column 3: rule \"r.one\": clear days (IA s.27(1)) "
                  "apply to days, not months"));
  EXPECT_THAT(Errors(Edit("  case_types: CASE_TYPE_RPD_CLAIM", "  # none")),
              ElementsAre("line 9 column 1: rule \"r.one\": case_types: at "
                          "least one is required"));
  EXPECT_THAT(
      Errors(Edit("  kind: DEADLINE_KIND_DEADLINE",
                  "  kind: DEADLINE_KIND_DEADLINE due_time { hours: 24 }")),
      ElementsAre("line 20 column 32: rule \"r.one\": due_time must be "
                  "00:00-23:59"));
}

// Every problem is listed, in file order, not just the first.
TEST(RuleFileTest, ListsAllErrors) {
  std::string text = Edit("  citation: \"IRPR 159.8(2)\"", "  # none");
  text = absl::StrReplaceAll(text, {{"value: 15", "value: -1"},
                                    {"calendar: \"CA-IA\"", "calendar: \"X\""},
                                    {"version: \"test-1\"", "version: \"\""}});
  EXPECT_THAT(
      Errors(text),
      ElementsAre(
          "line 1 column 1: version is required",
          "line 9 column 1: rule \"r.one\": citation is required (every rule "
          "cites its legal source)",
          StartsWith("line 13 column 12: rule \"r.one\": offset.value must "
                     "not be negative"),
          "line 16 column 3: rule \"r.one\": unknown calendar \"X\""));
}

}  // namespace
}  // namespace clinic::deadline
