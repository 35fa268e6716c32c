#include "services/deadline/engine/rule_file.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/deadline/engine/calendar.h"

namespace clinic::deadline {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;
using Tree = TextFormat::ParseInfoTree;

// Sanity bounds: a legal time limit is never longer than ten years.
constexpr int kMaxOffsetDays = 3660;
constexpr int kMaxOffsetMonths = 120;
constexpr int kMaxDeemedDays = 60;

// Collects the parser's own (syntax) errors.
class SyntaxErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit SyntaxErrors(absl::string_view text) : text_(text) {}

  void AddError(int line, int column, const std::string& message) override {
    MoveToName(message, line, column);
    errors.push_back({line + 1, column + 1, message});
  }
  void AddWarning(int, int, const std::string&) override {}

  std::vector<RuleFileError> errors;

 private:
  // The parser reports an unknown field name or enum value at the token after
  // it (often on the next line); point at the name itself.
  void MoveToName(const std::string& message, int& line, int& column) const {
    std::string value;
    for (absl::string_view prefix :
         {"Unknown enumeration value of \"", "has no field named \""}) {
      const size_t at = message.find(std::string(prefix));
      if (at == std::string::npos) continue;
      const size_t start = at + prefix.size();
      const size_t end = message.find('"', start);
      if (end != std::string::npos) value = message.substr(start, end - start);
    }
    if (value.empty()) return;
    // Offset of (line, column) in the text.
    size_t offset = 0;
    for (int l = 0; l < line && offset < text_.size(); ++offset) {
      if (text_[offset] == '\n') ++l;
    }
    offset = std::min(text_.size(), offset + static_cast<size_t>(column));
    const size_t found = text_.substr(0, offset).rfind(value);
    if (found == absl::string_view::npos) return;
    line = static_cast<int>(
        std::count(text_.begin(), text_.begin() + found, '\n'));
    const size_t line_start = text_.substr(0, found).rfind('\n');
    column = static_cast<int>(
        line_start == absl::string_view::npos ? found : found - line_start - 1);
  }

  absl::string_view text_;
};

// Semantic problems, each placed at the field it concerns.
class Problems {
 public:
  explicit Problems(const Tree& root) : root_(root) {}

  // `path` names a field from the root message, e.g. "rules[3].offset.value";
  // when that field is absent from the text, its nearest present ancestor is
  // used (line 1 column 1 for the file itself).
  void At(absl::string_view path, std::string reason) {
    const auto [line, column] = Locate(path);
    list.push_back({line, column, std::move(reason)});
  }

  std::pair<int, int> Locate(absl::string_view path) const {
    std::pair<int, int> at = {1, 1};
    const Tree* tree = &root_;
    const Descriptor* type = v1::RuleSet::descriptor();
    if (path.empty()) return at;
    for (absl::string_view segment : absl::StrSplit(path, '.')) {
      if (tree == nullptr || type == nullptr) break;
      int index = -1;
      const size_t bracket = segment.find('[');
      if (bracket != absl::string_view::npos) {
        if (!absl::SimpleAtoi(
                segment.substr(bracket + 1, segment.size() - bracket - 2),
                &index)) {
          break;
        }
        segment = segment.substr(0, bracket);
      }
      const FieldDescriptor* field =
          type->FindFieldByName(std::string(segment));
      if (field == nullptr) break;
      if (!field->is_repeated()) index = -1;
      const TextFormat::ParseLocation loc = tree->GetLocation(field, index);
      if (loc.line < 0) break;
      at = {loc.line + 1, loc.column + 1};
      if (field->type() != FieldDescriptor::TYPE_MESSAGE) break;
      tree = tree->GetTreeForNested(field, index);
      type = field->message_type();
    }
    return at;
  }

  std::vector<RuleFileError> list;

 private:
  const Tree& root_;
};

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

std::string Indexed(absl::string_view field, int i) {
  return absl::StrCat(field, "[", i, "]");
}

bool ValidId(absl::string_view id, size_t max, absl::string_view extra) {
  if (id.empty() || id.size() > max) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           extra.find(c) != absl::string_view::npos;
  });
}

bool ValidRequiredEnum(const EnumDescriptor* type, int value) {
  return value != 0 && type->FindValueByNumber(value) != nullptr;
}

std::optional<absl::CivilDay> RealDate(const v1::Date& d) {
  if (d.year() < 1900 || d.year() > 2200 || d.month() < 1 || d.month() > 12 ||
      d.day() < 1) {
    return std::nullopt;
  }
  const absl::CivilDay day(d.year(), d.month(), d.day());
  if (day.month() != d.month() || day.day() != d.day()) return std::nullopt;
  return day;
}

// The trigger dates a rule is in force for, [from, until).
std::pair<absl::CivilDay, absl::CivilDay> InForceRange(
    const v1::DeadlineRule& rule) {
  absl::CivilDay from(std::numeric_limits<int>::min() / 2, 1, 1);
  absl::CivilDay until(std::numeric_limits<int>::max() / 2, 1, 1);
  if (rule.in_force().has_from()) {
    from = RealDate(rule.in_force().from()).value_or(from);
  }
  if (rule.in_force().has_until()) {
    until = RealDate(rule.in_force().until()).value_or(until);
  }
  return {from, until};
}

void CheckCalendars(const v1::RuleSet& set, Problems& p) {
  std::map<std::string, int> first;
  for (int i = 0; i < set.calendars_size(); ++i) {
    const v1::Calendar& c = set.calendars(i);
    const std::string at = Indexed("calendars", i);
    const std::string who = absl::StrCat("calendar ", Quote(c.id()));
    if (c.id().empty()) {
      p.At(at, "calendar: id is required");
    } else if (!ValidId(c.id(), 40, "-_")) {
      p.At(at + ".id", absl::StrCat(who,
                                    ": id must be 1-40 letters, digits, "
                                    "'-' or '_'"));
    } else if (auto [it, fresh] = first.emplace(c.id(), i); !fresh) {
      const auto [line, column] =
          p.Locate(Indexed("calendars", it->second) + ".id");
      p.At(at + ".id", absl::StrCat(who, ": id is already used at line ", line,
                                    " column ", column));
    }
    if (c.description().empty()) {
      p.At(at, absl::StrCat(who, ": description is required"));
    }
    if (c.citation().empty()) {
      p.At(at, absl::StrCat(who, ": citation is required"));
    }
    std::set<int> weekdays;
    for (int w = 0; w < c.non_counting_weekdays_size(); ++w) {
      const int value = c.non_counting_weekdays(w);
      if (!ValidRequiredEnum(v1::Weekday_descriptor(), value)) {
        p.At(at + "." + Indexed("non_counting_weekdays", w),
             absl::StrCat(who, ": non_counting_weekdays needs a weekday"));
      } else if (!weekdays.insert(value).second) {
        p.At(at + "." + Indexed("non_counting_weekdays", w),
             absl::StrCat(who, ": ", v1::Weekday_Name(value),
                          " is listed twice"));
      }
    }
    for (int h = 0; h < c.holidays_size(); ++h) {
      const std::string hat = at + "." + Indexed("holidays", h);
      for (const FieldProblem& fp : CheckHolidayRule(c.holidays(h))) {
        p.At(fp.field.empty() ? hat : hat + "." + fp.field,
             absl::StrCat(who, " holiday ", Quote(c.holidays(h).name()), ": ",
                          fp.reason));
      }
    }
  }
  // Includes: known, and no calendar including itself through others.
  for (int i = 0; i < set.calendars_size(); ++i) {
    const v1::Calendar& c = set.calendars(i);
    for (int k = 0; k < c.includes_size(); ++k) {
      const std::string at =
          Indexed("calendars", i) + "." + Indexed("includes", k);
      if (!first.count(c.includes(k))) {
        p.At(at, absl::StrCat("calendar ", Quote(c.id()),
                              ": includes unknown calendar ",
                              Quote(c.includes(k))));
        continue;
      }
      // Does c.includes(k) reach c?
      std::set<std::string> seen;
      std::vector<std::string> stack = {c.includes(k)};
      bool cycle = false;
      while (!stack.empty() && !cycle) {
        const std::string id = stack.back();
        stack.pop_back();
        if (id == c.id()) cycle = true;
        if (!seen.insert(id).second) continue;
        auto it = first.find(id);
        if (it == first.end()) continue;
        for (const std::string& next : set.calendars(it->second).includes()) {
          stack.push_back(next);
        }
      }
      if (cycle) {
        p.At(at, absl::StrCat("calendar ", Quote(c.id()), ": including ",
                              Quote(c.includes(k)),
                              " makes the calendar include itself"));
      }
    }
  }
}

void CheckBindings(const v1::RuleSet& set, Problems& p) {
  const std::set<std::string> calendars = [&] {
    std::set<std::string> out;
    for (const v1::Calendar& c : set.calendars()) out.insert(c.id());
    return out;
  }();
  std::map<std::pair<int, int>, int> seen;  // (subject kind, value) -> index
  for (int i = 0; i < set.bindings_size(); ++i) {
    const v1::CalendarBinding& b = set.bindings(i);
    const std::string at = Indexed("bindings", i);
    std::pair<int, int> subject;
    std::string name;
    switch (b.subject_case()) {
      case v1::CalendarBinding::kIrbRegion:
        if (!ValidRequiredEnum(v1::IrbRegion_descriptor(), b.irb_region())) {
          p.At(at + ".irb_region", "binding: irb_region must name a region");
          continue;
        }
        subject = {1, b.irb_region()};
        name = v1::IrbRegion_Name(b.irb_region());
        break;
      case v1::CalendarBinding::kProvince:
        if (!ValidRequiredEnum(v1::Province_descriptor(), b.province())) {
          p.At(at + ".province", "binding: province must name a province");
          continue;
        }
        subject = {2, b.province()};
        name = v1::Province_Name(b.province());
        break;
      case v1::CalendarBinding::SUBJECT_NOT_SET:
        p.At(at, "binding: needs an irb_region or a province");
        continue;
    }
    if (auto [it, fresh] = seen.emplace(subject, i); !fresh) {
      const auto [line, column] = p.Locate(Indexed("bindings", it->second));
      p.At(at, absl::StrCat("binding: ", name, " is already bound at line ",
                            line, " column ", column));
    }
    if (b.calendar().empty()) {
      p.At(at, absl::StrCat("binding for ", name, ": calendar is required"));
    } else if (!calendars.count(b.calendar())) {
      p.At(at + ".calendar",
           absl::StrCat("binding for ", name, ": unknown calendar ",
                        Quote(b.calendar())));
    }
  }
}

void CheckReceiptRules(const v1::RuleSet& set, Problems& p) {
  std::map<std::pair<int, int>, int> seen;
  for (int i = 0; i < set.receipt_rules_size(); ++i) {
    const v1::ReceiptRule& r = set.receipt_rules(i);
    const std::string at = Indexed("receipt_rules", i);
    bool keyed = true;
    if (!ValidRequiredEnum(v1::EventType_descriptor(), r.event())) {
      p.At(at + ".event", "receipt rule: event is required");
      keyed = false;
    }
    if (!ValidRequiredEnum(v1::ReceiptManner_descriptor(), r.manner())) {
      p.At(at + ".manner", "receipt rule: manner is required");
      keyed = false;
    }
    if (r.deemed_days_after_sending() < 0 ||
        r.deemed_days_after_sending() > kMaxDeemedDays) {
      p.At(at + ".deemed_days_after_sending",
           absl::StrCat("receipt rule: deemed_days_after_sending must be 0-",
                        kMaxDeemedDays));
    }
    if (r.citation().empty()) {
      p.At(at, "receipt rule: citation is required");
    }
    if (keyed) {
      if (auto [it, fresh] =
              seen.emplace(std::make_pair(r.event(), r.manner()), i);
          !fresh) {
        const auto [line, column] =
            p.Locate(Indexed("receipt_rules", it->second));
        p.At(at, absl::StrCat("receipt rule: ", v1::EventType_Name(r.event()),
                              " by ", v1::ReceiptManner_Name(r.manner()),
                              " is already defined at line ", line, " column ",
                              column));
      }
    }
  }
}

// Checks of one rule that need no other rule.
void CheckRuleFields(const v1::DeadlineRule& r, const std::string& at,
                     const std::set<std::string>& calendars, Problems& p) {
  const std::string who = absl::StrCat("rule ", Quote(r.id()));
  const auto bad = [&](absl::string_view field, absl::string_view reason) {
    p.At(field.empty() ? at : absl::StrCat(at, ".", field),
         absl::StrCat(who, ": ", reason));
  };
  if (r.title().empty()) bad("", "title is required");
  if (r.citation().empty()) {
    bad("", "citation is required (every rule cites its legal source)");
  }
  switch (r.trigger_case()) {
    case v1::DeadlineRule::kEvent:
      if (!ValidRequiredEnum(v1::EventType_descriptor(), r.event())) {
        bad("event",
            "event must name an event type, not EVENT_TYPE_UNSPECIFIED");
      }
      break;
    case v1::DeadlineRule::kRelativeToRule:
      if (r.relative_to_rule().empty()) {
        bad("relative_to_rule", "relative_to_rule must name a rule");
      } else if (r.relative_to_rule() == r.id()) {
        bad("relative_to_rule", "a rule cannot run from its own date");
      }
      break;
    case v1::DeadlineRule::TRIGGER_NOT_SET:
      bad("", "a trigger is required: event or relative_to_rule");
      break;
  }
  if (!r.has_offset()) {
    bad("", "offset is required");
  } else {
    const v1::Offset& o = r.offset();
    if (o.value() < 0) {
      bad("offset.value",
          "offset.value must not be negative (for a limit before the "
          "trigger, use direction: DIRECTION_BEFORE)");
    } else if (o.unit() == v1::OFFSET_UNIT_MONTHS &&
               o.value() > kMaxOffsetMonths) {
      bad("offset.value", absl::StrCat("offset.value must be at most ",
                                       kMaxOffsetMonths, " months"));
    } else if (o.value() > kMaxOffsetDays) {
      bad("offset.value", absl::StrCat("offset.value must be at most ",
                                       kMaxOffsetDays, " days"));
    }
    if (!ValidRequiredEnum(v1::OffsetUnit_descriptor(), o.unit())) {
      bad("offset.unit", "offset.unit is required");
    }
  }
  if (!ValidRequiredEnum(v1::Direction_descriptor(), r.direction())) {
    bad("direction", "direction is required");
  }
  if (!ValidRequiredEnum(v1::Counting_descriptor(), r.counting())) {
    bad("counting", "counting is required");
  } else if (r.counting() == v1::COUNTING_CLEAR_DAYS &&
             r.offset().unit() == v1::OFFSET_UNIT_MONTHS) {
    bad("counting", "clear days (IA s.27(1)) apply to days, not months");
  }
  if (!ValidRequiredEnum(v1::Roll_descriptor(), r.roll())) {
    bad("roll", "roll is required");
  } else if (r.direction() == v1::DIRECTION_BEFORE &&
             r.roll() == v1::ROLL_FORWARD) {
    bad("roll",
        "a limit counted before its trigger must not roll forward: that "
        "would leave less time than the rule requires (use ROLL_BACKWARD)");
  }
  if (!ValidRequiredEnum(v1::DeadlineKind_descriptor(), r.kind())) {
    bad("kind", "kind is required");
  }
  if (r.calendar().empty()) {
    bad("", "calendar is required");
  } else if (r.calendar() != kIrbRegionCalendar &&
             r.calendar() != kProvinceCalendar &&
             !calendars.count(r.calendar())) {
    bad("calendar", absl::StrCat("unknown calendar ", Quote(r.calendar())));
  }
  if (r.case_types().empty()) bad("", "case_types: at least one is required");
  std::set<int> case_types;
  for (int i = 0; i < r.case_types_size(); ++i) {
    if (!ValidRequiredEnum(v1::CaseType_descriptor(), r.case_types(i))) {
      bad(Indexed("case_types", i), "case_types must name case types");
    } else if (!case_types.insert(r.case_types(i)).second) {
      bad(Indexed("case_types", i),
          absl::StrCat(v1::CaseType_Name(r.case_types(i)), " is listed twice"));
    }
  }
  std::set<int> conditions;
  for (int i = 0; i < r.conditions_size(); ++i) {
    const int c = r.conditions(i).condition();
    if (!ValidRequiredEnum(v1::Condition_descriptor(), c)) {
      bad(Indexed("conditions", i) + ".condition",
          "conditions must name a condition");
    } else if (!conditions.insert(c).second) {
      bad(Indexed("conditions", i),
          absl::StrCat(v1::Condition_Name(c), " is tested twice"));
    }
  }
  if (r.has_in_force()) {
    const v1::InForce& f = r.in_force();
    std::optional<absl::CivilDay> from, until;
    if (f.has_from() && !(from = RealDate(f.from()))) {
      bad("in_force.from", "in_force.from is not a date in 1900-2200");
    }
    if (f.has_until() && !(until = RealDate(f.until()))) {
      bad("in_force.until", "in_force.until is not a date in 1900-2200");
    }
    if (from && until && *from >= *until) {
      bad("in_force.until", "in_force.until must be after in_force.from");
    }
  }
  if (r.has_due_time() &&
      (r.due_time().hours() < 0 || r.due_time().hours() > 23 ||
       r.due_time().minutes() < 0 || r.due_time().minutes() > 59)) {
    bad("due_time", "due_time must be 00:00-23:59");
  }
  for (int i = 0; i < r.withdrawn_by_size(); ++i) {
    if (!ValidRequiredEnum(v1::EventType_descriptor(), r.withdrawn_by(i))) {
      bad(Indexed("withdrawn_by", i), "withdrawn_by must name event types");
    }
  }
  for (int i = 0; i < r.moved_by_size(); ++i) {
    if (!ValidRequiredEnum(v1::EventType_descriptor(), r.moved_by(i))) {
      bad(Indexed("moved_by", i), "moved_by must name event types");
    }
  }
}

void CheckRules(const v1::RuleSet& set, Problems& p) {
  std::set<std::string> calendars;
  for (const v1::Calendar& c : set.calendars()) calendars.insert(c.id());

  std::map<std::string, int> index;
  for (int i = 0; i < set.rules_size(); ++i) {
    const v1::DeadlineRule& r = set.rules(i);
    const std::string at = Indexed("rules", i);
    if (r.id().empty()) {
      p.At(at, "rule: id is required");
    } else if (!ValidId(r.id(), 100, "._-")) {
      p.At(at + ".id", absl::StrCat("rule ", Quote(r.id()),
                                    ": id must be 1-100 letters, digits, "
                                    "'.', '_' or '-'"));
    } else if (auto [it, fresh] = index.emplace(r.id(), i); !fresh) {
      const auto [line, column] = p.Locate(Indexed("rules", it->second));
      p.At(at + ".id", absl::StrCat("rule ", Quote(r.id()),
                                    ": id is already used by the rule at line ",
                                    line, " column ", column));
    }
    CheckRuleFields(r, at, calendars, p);
  }

  // Rules relative to another: the parent exists, shares a case type, and no
  // chain comes back to where it started.
  for (int i = 0; i < set.rules_size(); ++i) {
    const v1::DeadlineRule& r = set.rules(i);
    if (r.trigger_case() != v1::DeadlineRule::kRelativeToRule ||
        r.relative_to_rule().empty() || r.relative_to_rule() == r.id()) {
      continue;
    }
    const std::string at = Indexed("rules", i) + ".relative_to_rule";
    auto parent = index.find(r.relative_to_rule());
    if (parent == index.end()) {
      p.At(at, absl::StrCat("rule ", Quote(r.id()),
                            ": relative_to_rule names unknown rule ",
                            Quote(r.relative_to_rule())));
      continue;
    }
    const v1::DeadlineRule& pr = set.rules(parent->second);
    const bool shared =
        std::any_of(r.case_types().begin(), r.case_types().end(), [&](int t) {
          return std::find(pr.case_types().begin(), pr.case_types().end(), t) !=
                 pr.case_types().end();
        });
    if (!shared && !r.case_types().empty()) {
      p.At(at, absl::StrCat("rule ", Quote(r.id()),
                            ": shares no case type with rule ", Quote(pr.id()),
                            ", so it can never apply"));
    }
    std::vector<std::string> chain = {r.id()};
    std::string next = r.relative_to_rule();
    while (true) {
      if (next == r.id()) {
        chain.push_back(next);
        p.At(at, absl::StrCat("rule ", Quote(r.id()),
                              ": relative_to_rule forms a cycle: ",
                              absl::StrJoin(chain, " -> ")));
        break;
      }
      if (std::find(chain.begin(), chain.end(), next) != chain.end()) break;
      auto it = index.find(next);
      if (it == index.end()) break;
      chain.push_back(next);
      const v1::DeadlineRule& step = set.rules(it->second);
      if (step.trigger_case() != v1::DeadlineRule::kRelativeToRule) break;
      next = step.relative_to_rule();
    }
  }

  // Editions of one rule (a supersedes_group) must not be in force together.
  std::map<std::string, std::vector<int>> groups;
  for (int i = 0; i < set.rules_size(); ++i) {
    if (!set.rules(i).supersedes_group().empty()) {
      groups[set.rules(i).supersedes_group()].push_back(i);
    }
  }
  for (const auto& [group, members] : groups) {
    for (size_t b = 1; b < members.size(); ++b) {
      for (size_t a = 0; a < b; ++a) {
        const v1::DeadlineRule& ra = set.rules(members[a]);
        const v1::DeadlineRule& rb = set.rules(members[b]);
        const auto [a_from, a_until] = InForceRange(ra);
        const auto [b_from, b_until] = InForceRange(rb);
        if (a_from < b_until && b_from < a_until) {
          const auto [line, column] = p.Locate(Indexed("rules", members[a]));
          p.At(Indexed("rules", members[b]) + ".in_force",
               absl::StrCat("rule ", Quote(rb.id()),
                            ": in force at the same time as rule ",
                            Quote(ra.id()), " (line ", line, " column ", column,
                            "); in-force ranges of supersedes_group ",
                            Quote(group), " must not overlap"));
        }
      }
    }
  }

  // "@irb_region" and "@province" need a binding for every region/province.
  std::set<int> regions, provinces;
  for (const v1::CalendarBinding& b : set.bindings()) {
    if (b.has_irb_region()) regions.insert(b.irb_region());
    if (b.has_province()) provinces.insert(b.province());
  }
  const auto require = [&](absl::string_view placeholder,
                           const EnumDescriptor* type,
                           const std::set<int>& bound) {
    for (int i = 0; i < set.rules_size(); ++i) {
      if (set.rules(i).calendar() != placeholder) continue;
      std::vector<std::string> missing;
      for (int v = 0; v < type->value_count(); ++v) {
        const int number = type->value(v)->number();
        if (number != 0 && !bound.count(number)) {
          missing.push_back(type->value(v)->name());
        }
      }
      if (!missing.empty()) {
        p.At(Indexed("rules", i) + ".calendar",
             absl::StrCat("rule ", Quote(set.rules(i).id()), ": counts with ",
                          Quote(placeholder), " but bindings lack ",
                          absl::StrJoin(missing, ", ")));
      }
      return;  // once, at the first rule that needs them
    }
  };
  require(kIrbRegionCalendar, v1::IrbRegion_descriptor(), regions);
  require(kProvinceCalendar, v1::Province_descriptor(), provinces);
}

}  // namespace

ParsedRuleFile ParseRuleFile(absl::string_view text) {
  ParsedRuleFile out;
  Tree tree;
  SyntaxErrors syntax(text);
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&syntax);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &out.proto)) {
    out.errors = std::move(syntax.errors);
    if (out.errors.empty()) {
      out.errors.push_back({1, 1, "the file is not a RuleSet"});
    }
    return out;
  }
  const v1::RuleSet& set = out.proto;
  Problems p(tree);
  if (set.version().empty()) p.At("", "version is required");
  if (set.calendars().empty()) p.At("", "at least one calendar is required");
  if (set.rules().empty()) p.At("", "at least one rule is required");
  CheckCalendars(set, p);
  CheckBindings(set, p);
  CheckReceiptRules(set, p);
  CheckRules(set, p);
  out.errors = std::move(p.list);
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const RuleFileError& a, const RuleFileError& b) {
                     return std::tie(a.line, a.column) <
                            std::tie(b.line, b.column);
                   });
  return out;
}

std::string RenderErrors(std::vector<RuleFileError> errors) {
  std::vector<std::string> lines;
  lines.push_back(
      absl::StrCat("rule file rejected: ", errors.size(), " error(s)"));
  for (const RuleFileError& e : errors) {
    lines.push_back(
        absl::StrCat("line ", e.line, " column ", e.column, ": ", e.reason));
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace clinic::deadline
