#include "clients/clinicctl/format.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"

namespace clinic {
namespace cli {
namespace {

absl::Status Invalid(absl::string_view flag, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", what));
}

// Splits "2026-03-02" into numbers; false unless every part is all digits.
bool SplitNumbers(absl::string_view text, std::vector<int>* parts) {
  for (absl::string_view part : absl::StrSplit(text, '-')) {
    int value = 0;
    if (part.empty() || part.size() > 4 ||
        !std::all_of(part.begin(), part.end(),
                     [](char c) { return absl::ascii_isdigit(c); }) ||
        !absl::SimpleAtoi(part, &value)) {
      return false;
    }
    parts->push_back(value);
  }
  return true;
}

bool ValidDay(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  absl::CivilDay civil(year, month, day);
  return civil.year() == year && civil.month() == month && civil.day() == day;
}

// The common prefix of an enum's value names: that of its *_UNSPECIFIED value.
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  const google::protobuf::EnumValueDescriptor* zero =
      type->FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  if (!absl::ConsumeSuffix(&name, "UNSPECIFIED")) return "";
  return std::string(name);
}

std::string Normalize(absl::string_view text) {
  std::string out = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool HasLatinLetter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isalpha(c); });
}

size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

}  // namespace

// ---- Dates
// -------------------------------------------------------------------

absl::StatusOr<v1::Date> ParseDate(absl::string_view flag,
                                   absl::string_view text) {
  std::vector<int> parts;
  text = absl::StripAsciiWhitespace(text);
  if (!SplitNumbers(text, &parts) || parts.size() != 3 || text.size() != 10 ||
      !ValidDay(parts[0], parts[1], parts[2])) {
    return Invalid(flag, absl::StrCat("must be a date like 2026-03-02 (got \"",
                                      text, "\")"));
  }
  if (parts[0] < 1900 || parts[0] > 2100) {
    return Invalid(flag, "must be a year between 1900 and 2100");
  }
  v1::Date date;
  date.set_year(parts[0]);
  date.set_month(parts[1]);
  date.set_day(parts[2]);
  return date;
}

std::string FormatDate(const v1::Date& date) {
  if (date.year() == 0) return "-";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

v1::Date DateIn(absl::Time now, absl::TimeZone zone) {
  absl::CivilDay day = absl::ToCivilDay(now, zone);
  v1::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::StatusOr<v1::PartialDate> ParsePartialDate(absl::string_view flag,
                                                 absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  const absl::string_view original = text;
  bool approximate = absl::ConsumePrefix(&text, "~");
  approximate |= absl::ConsumeSuffix(&text, "?");
  std::vector<int> parts;
  const absl::Status bad = Invalid(
      flag, absl::StrCat("must be a year, year-month or date like 1990, "
                         "1990-05 or 1990-05-17 (\"~1990\" if approximate); "
                         "got \"",
                         original, "\""));
  if (!SplitNumbers(text, &parts) || parts.empty() || parts.size() > 3) {
    return bad;
  }
  // The lengths must be those of YYYY[-MM[-DD]].
  std::vector<absl::string_view> pieces = absl::StrSplit(text, '-');
  if (pieces[0].size() != 4) return bad;
  for (size_t i = 1; i < pieces.size(); ++i) {
    if (pieces[i].size() != 2) return bad;
  }
  v1::PartialDate date;
  date.set_year(parts[0]);
  if (parts[0] < 1900 || parts[0] > 2100) {
    return Invalid(flag, "must be a year between 1900 and 2100");
  }
  if (parts.size() >= 2) {
    if (parts[1] < 1 || parts[1] > 12) return bad;
    date.set_month(parts[1]);
  }
  if (parts.size() == 3) {
    if (!ValidDay(parts[0], parts[1], parts[2])) return bad;
    date.set_day(parts[2]);
  }
  date.set_approximate(approximate);
  return date;
}

std::string FormatPartialDate(const v1::PartialDate& date) {
  if (date.year() == 0) return "-";
  std::string out = date.approximate() ? "~" : "";
  absl::StrAppendFormat(&out, "%04d", date.year());
  if (date.month() != 0) absl::StrAppendFormat(&out, "-%02d", date.month());
  if (date.month() != 0 && date.day() != 0) {
    absl::StrAppendFormat(&out, "-%02d", date.day());
  }
  return out;
}

absl::StatusOr<v1::TimeOfDay> ParseTimeOfDay(absl::string_view flag,
                                             absl::string_view text) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::StripAsciiWhitespace(text), ':');
  int hours = -1, minutes = -1;
  if (parts.size() != 2 || parts[0].empty() || parts[0].size() > 2 ||
      parts[1].size() != 2 || !absl::SimpleAtoi(parts[0], &hours) ||
      !absl::SimpleAtoi(parts[1], &minutes) || hours < 0 || hours > 23 ||
      minutes < 0 || minutes > 59) {
    return Invalid(
        flag, absl::StrCat("must be a time like 09:30 (got \"", text, "\")"));
  }
  v1::TimeOfDay time;
  time.set_hours(hours);
  time.set_minutes(minutes);
  return time;
}

std::string FormatTimeOfDay(const v1::TimeOfDay& time) {
  return absl::StrFormat("%02d:%02d", time.hours(), time.minutes());
}

std::string FormatDaysRemaining(int days) {
  if (days < 0) {
    return absl::StrCat(-days, days == -1 ? " day" : " days", " overdue");
  }
  if (days == 0) return "today";
  return absl::StrCat(days, days == 1 ? " day" : " days");
}

// ---- Instants, zones and durations
// -------------------------------------------

absl::StatusOr<absl::TimeZone> ParseZone(absl::string_view flag,
                                         absl::string_view name) {
  absl::TimeZone zone;
  std::string trimmed(absl::StripAsciiWhitespace(name));
  if (trimmed.empty() || !absl::LoadTimeZone(trimmed, &zone)) {
    return Invalid(flag, absl::StrCat("must be an IANA time zone like "
                                      "America/Toronto (got \"",
                                      name, "\")"));
  }
  return zone;
}

absl::StatusOr<absl::Time> ParseLocalTime(absl::string_view flag,
                                          absl::string_view text,
                                          absl::TimeZone zone) {
  std::string trimmed(absl::StripAsciiWhitespace(text));
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, trimmed, &time, &error)) return time;
  for (const char* format : {"%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
                             "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"}) {
    if (absl::ParseTime(format, trimmed, zone, &time, &error)) return time;
  }
  return Invalid(flag, absl::StrCat("must be a time like \"2026-12-01 09:30\" "
                                    "(got \"",
                                    text, "\")"));
}

std::string FormatLocalTime(absl::Time time, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M %Z", time, zone);
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time,
                            absl::TimeZone zone) {
  if (time.seconds() == 0 && time.nanos() == 0) return "-";
  return FormatLocalTime(
      absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()),
      zone);
}

absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view flag,
                                                 absl::string_view text) {
  absl::Duration duration;
  std::string trimmed(absl::StripAsciiWhitespace(text));
  if (!absl::ParseDuration(trimmed, &duration) ||
      duration <= absl::ZeroDuration() || trimmed == "inf") {
    return Invalid(flag,
                   absl::StrCat("must be a duration like 3h, 90m or 2h30m "
                                "(got \"",
                                text, "\")"));
  }
  return duration;
}

std::string FormatDurationShort(absl::Duration duration) {
  int64_t minutes = absl::ToInt64Minutes(duration);
  int64_t hours = minutes / 60;
  minutes %= 60;
  if (hours == 0) return absl::StrCat(minutes, "m");
  if (minutes == 0) return absl::StrCat(hours, "h");
  return absl::StrCat(hours, "h", minutes, "m");
}

// ---- Enums
// -------------------------------------------------------------------

std::string EnumShortName(const google::protobuf::EnumDescriptor* type,
                          int value) {
  const google::protobuf::EnumValueDescriptor* v =
      type->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat("?", value);
  absl::string_view name = v->name();
  absl::ConsumePrefix(&name, EnumPrefix(type));
  return Normalize(name);
}

absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag,
                                  absl::string_view text) {
  const std::string wanted = Normalize(text);
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* v = type->value(i);
    if (v->number() == 0) continue;
    if (wanted == EnumShortName(type, v->number()) ||
        wanted == Normalize(v->name())) {
      return v->number();
    }
  }
  return Invalid(flag, absl::StrCat("must be one of ", EnumChoices(type),
                                    " (got \"", text, "\")"));
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() == 0) continue;
    names.push_back(EnumShortName(type, type->value(i)->number()));
  }
  return absl::StrJoin(names, ", ");
}

std::string ProvinceName(v1::Province province) {
  if (province == v1::PROVINCE_UNSPECIFIED) return "-";
  return absl::AsciiStrToUpper(ShortName(province));
}

// ---- Resource names
// ----------------------------------------------------------

absl::StatusOr<std::string> ResourceName(absl::string_view collection,
                                         absl::string_view flag,
                                         absl::string_view text) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  const std::string prefix = absl::StrCat(collection, "/");
  std::string name = absl::StartsWith(trimmed, prefix)
                         ? std::string(trimmed)
                         : absl::StrCat(prefix, trimmed);
  absl::string_view id = absl::string_view(name).substr(prefix.size());
  bool ok = !id.empty() && !absl::StartsWith(id, "/") &&
            !absl::EndsWith(id, "/") && !absl::StrContains(id, "//");
  for (char c : name) {
    if (absl::ascii_isspace(c) || absl::ascii_iscntrl(c)) ok = false;
  }
  // "clients/x" given where a case is expected.
  for (const char* other :
       {"clients/", "cases/", "users/", "conflictChecks/"}) {
    if (prefix != other && absl::StartsWith(trimmed, other)) ok = false;
  }
  if (!ok) {
    return Invalid(flag,
                   absl::StrCat("must name a ", collection, " resource, like ",
                                collection, "/ID or ID (got \"", text, "\")"));
  }
  return name;
}

// ---- People
// ------------------------------------------------------------------

absl::StatusOr<v1::PersonName> ParsePersonName(absl::string_view flag,
                                               absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  v1::PersonName name;
  size_t comma = text.find(',');
  if (comma != absl::string_view::npos) {
    name.set_family_name(
        std::string(absl::StripAsciiWhitespace(text.substr(0, comma))));
    name.set_given_names(
        std::string(absl::StripAsciiWhitespace(text.substr(comma + 1))));
  } else if (HasLatinLetter(text)) {
    name.set_family_name(std::string(text));
  } else {
    name.set_original_script(std::string(text));
  }
  if (name.family_name().empty() && name.given_names().empty() &&
      name.original_script().empty()) {
    return Invalid(flag,
                   "must be a name like \"FAMILY, Given names\" (or a single "
                   "name)");
  }
  return name;
}

std::string FormatPersonName(const v1::PersonName& name) {
  std::string latin = name.given_names();
  if (!name.family_name().empty()) {
    absl::StrAppend(&latin, latin.empty() ? "" : " ",
                    absl::AsciiStrToUpper(name.family_name()));
  }
  if (name.original_script().empty()) return latin.empty() ? "-" : latin;
  if (latin.empty()) return name.original_script();
  return absl::StrCat(latin, " (", name.original_script(), ")");
}

absl::StatusOr<v1::ConflictSubject> ParseSubject(absl::string_view flag,
                                                 absl::string_view text,
                                                 v1::PartyRole role) {
  std::vector<absl::string_view> fields = absl::StrSplit(text, ';');
  if (fields.size() > 3) {
    return Invalid(flag,
                   "must be \"NAME[; BIRTH[; CC,CC]]\", e.g. \"Tesfay, Amina; "
                   "1990; ER\"");
  }
  v1::ConflictSubject subject;
  absl::StatusOr<v1::PersonName> name = ParsePersonName(flag, fields[0]);
  if (!name.ok()) return name.status();
  *subject.mutable_name() = *name;
  if (fields.size() >= 2 && !absl::StripAsciiWhitespace(fields[1]).empty()) {
    absl::StatusOr<v1::PartialDate> born =
        ParsePartialDate(absl::StrCat(flag, " (birth date)"), fields[1]);
    if (!born.ok()) return born.status();
    *subject.mutable_birth_date() = *born;
  }
  if (fields.size() == 3) {
    for (absl::string_view code :
         absl::StrSplit(fields[2], ',', absl::SkipWhitespace())) {
      absl::StatusOr<std::string> cc =
          ParseCountryCode(absl::StrCat(flag, " (citizenship)"), code);
      if (!cc.ok()) return cc.status();
      subject.add_citizenships(*cc);
    }
  }
  subject.set_role(role);
  return subject;
}

absl::StatusOr<std::string> ParseCountryCode(absl::string_view flag,
                                             absl::string_view text) {
  absl::string_view code = absl::StripAsciiWhitespace(text);
  if (code.size() != 2 || !absl::ascii_isalpha(code[0]) ||
      !absl::ascii_isalpha(code[1])) {
    return Invalid(flag, absl::StrCat("must be a two-letter country code like "
                                      "ER or SD (got \"",
                                      text, "\")"));
  }
  return absl::AsciiStrToUpper(code);
}

absl::StatusOr<v1::Language> ParseLanguage(absl::string_view flag,
                                           absl::string_view text) {
  v1::Language language;
  size_t colon = text.find(':');
  absl::string_view code = absl::StripAsciiWhitespace(text.substr(0, colon));
  bool ok = !code.empty() && code.size() <= 35;
  for (char c : code) ok &= absl::ascii_isalnum(c) || c == '-';
  if (!ok) {
    return Invalid(flag, absl::StrCat("must be a language tag like ar, ti or "
                                      "es-MX, optionally with a dialect "
                                      "(\"ar:Sudanese Arabic\"); got \"",
                                      text, "\""));
  }
  language.set_code(std::string(code));
  if (colon != absl::string_view::npos) {
    language.set_dialect(
        std::string(absl::StripAsciiWhitespace(text.substr(colon + 1))));
  }
  return language;
}

std::string FormatLanguage(const v1::Language& language) {
  if (language.code().empty()) return "";
  if (language.dialect().empty()) return language.code();
  return absl::StrCat(language.code(), " (", language.dialect(), ")");
}

// ---- Documents
// ---------------------------------------------------------------

std::string GuessMediaType(absl::string_view path) {
  size_t slash = path.rfind('/');
  absl::string_view base =
      slash == absl::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return "";
  const std::string ext = absl::AsciiStrToLower(base.substr(dot + 1));
  static const std::pair<const char*, const char*> kTypes[] = {
      {"pdf", "application/pdf"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"heic", "image/heic"},
      {"webp", "image/webp"},
      {"txt", "text/plain"},
      {"rtf", "application/rtf"},
      {"doc", "application/msword"},
      {"docx",
       "application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"mp3", "audio/mpeg"},
      {"m4a", "audio/mp4"},
      {"wav", "audio/wav"},
      {"mp4", "video/mp4"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (ext == extension) return type;
  }
  return "";
}

// ---- Rule file errors
// --------------------------------------------------------

std::optional<RuleFileProblem> ParseRuleFileProblem(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  RuleFileProblem problem;
  size_t colon = 0;
  if (absl::ConsumePrefix(&line, "line ")) {
    // "line 12 column 3: reason"
    size_t space = line.find(' ');
    if (space == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(0, space), &problem.line)) {
      return std::nullopt;
    }
    line.remove_prefix(space + 1);
    if (!absl::ConsumePrefix(&line, "column ")) return std::nullopt;
    colon = line.find(':');
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(0, colon), &problem.column)) {
      return std::nullopt;
    }
  } else {
    // "12:3: reason"
    size_t first = line.find(':');
    if (first == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(0, first), &problem.line)) {
      return std::nullopt;
    }
    colon = line.find(':', first + 1);
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(first + 1, colon - first - 1),
                          &problem.column)) {
      return std::nullopt;
    }
  }
  if (problem.line < 1 || problem.column < 0) return std::nullopt;
  problem.reason =
      std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  return problem;
}

std::vector<std::string> FormatRuleFileProblems(absl::string_view file,
                                                absl::string_view message) {
  std::vector<std::string> out;
  for (absl::string_view line :
       absl::StrSplit(message, '\n', absl::SkipWhitespace())) {
    std::optional<RuleFileProblem> problem = ParseRuleFileProblem(line);
    if (problem) {
      out.push_back(absl::StrCat(file, ":", problem->line, ":", problem->column,
                                 ": ", problem->reason));
    } else {
      out.push_back(std::string(absl::StripAsciiWhitespace(line)));
    }
  }
  return out;
}

// ---- Text for people
// ---------------------------------------------------------

std::string FormatDetails(
    const std::vector<std::pair<std::string, std::string>>& rows) {
  size_t width = 0;
  for (const auto& [label, value] : rows) {
    if (!value.empty()) width = std::max(width, CodePoints(label));
  }
  std::string out;
  for (const auto& [label, value] : rows) {
    if (value.empty()) continue;
    std::string indent(width + 3, ' ');
    absl::StrAppend(&out, label, ":",
                    std::string(width - CodePoints(label) + 2, ' '),
                    absl::StrReplaceAll(value, {{"\n", "\n" + indent}}), "\n");
  }
  return out;
}

std::string Abbreviate(absl::string_view text, size_t max_chars) {
  std::string flat = absl::StrReplaceAll(text, {{"\r", ""}, {"\n", " "}});
  if (CodePoints(flat) <= max_chars || max_chars == 0) return flat;
  size_t kept = 0, i = 0;
  for (; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xc0) != 0x80) {
      if (kept == max_chars - 1) break;
      ++kept;
    }
  }
  return flat.substr(0, i) + "…";
}

}  // namespace cli
}  // namespace clinic
