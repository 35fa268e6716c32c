// Parsing and validating a deadline rule file (a clinic.v1.RuleSet in protobuf
// text format) with the position of every problem: syntax errors as the
// protobuf parser reports them (it stops at the first), then every semantic
// problem of the parsed file, each placed at the field it concerns (or the
// nearest enclosing one present in the text).
//
// Checked: required fields (version, ids, titles, citations, descriptions,
// trigger, offset and its unit, direction, counting, roll, kind, case types);
// enum values that are unspecified or unknown; ids that are malformed or
// duplicated (rules, calendars), as are bindings and receipt rules; negative or
// implausible offsets; clear days with months; rolling forward before a
// trigger; unknown calendars and includes, and calendars including themselves;
// holiday rule fields (month, day, n, weekday, Easter offset, years); in-force
// dates and ranges, and overlapping ranges within a supersedes_group;
// relative_to_rule naming an unknown rule, itself, a rule sharing no case
// type, or forming a cycle; "@irb_region" / "@province" used without a binding
// for every region / province; due times.
//
// Thread-safe (pure functions).
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_RULE_FILE_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_RULE_FILE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clinic/v1/deadline_rules.pb.h"

namespace clinic::deadline {

// A rule's calendar may name the case's IRB region or province instead of a
// calendar id; the file's bindings say which calendar each one uses.
inline constexpr char kIrbRegionCalendar[] = "@irb_region";
inline constexpr char kProvinceCalendar[] = "@province";

struct RuleFileError {
  int line;    // 1-based
  int column;  // 1-based
  std::string reason;
};

struct ParsedRuleFile {
  // As parsed (partial when there is a syntax error).
  v1::RuleSet proto;
  // In file order; empty when the file is usable.
  std::vector<RuleFileError> errors;
};

ParsedRuleFile ParseRuleFile(absl::string_view text);

// "rule file rejected: N error(s)" and one "line L column C: reason" line per
// error.
std::string RenderErrors(std::vector<RuleFileError> errors);

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_RULE_FILE_H_
