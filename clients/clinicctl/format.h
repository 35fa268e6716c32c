// Parsing what people type on the clinicctl command line, and formatting what
// the server answers for people: dates (full, partial, times of day), instants
// in an IANA zone, durations, enum values by short name ("rpd-claim"),
// resource names, personal names, languages, media types, and the rule file's
// "line N column M" errors.
//
// Every parser returns INVALID_ARGUMENT naming the flag (the `flag` argument)
// and showing an accepted form; none contacts the server. Thread-safe (pure
// functions).
#ifndef CLINIC_CLIENTS_CLINICCTL_FORMAT_H_
#define CLINIC_CLIENTS_CLINICCTL_FORMAT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clinic/v1/common.pb.h"
#include "clinic/v1/intake.pb.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/timestamp.pb.h"

namespace clinic {
namespace cli {

// ---- Dates
// -------------------------------------------------------------------

// "2026-03-02" (a real calendar date, years 1900..2100).
absl::StatusOr<v1::Date> ParseDate(absl::string_view flag,
                                   absl::string_view text);
// "2026-03-02"; "-" when unset (year 0).
std::string FormatDate(const v1::Date& date);
// The civil date of `now` in `zone`.
v1::Date DateIn(absl::Time now, absl::TimeZone zone);

// A possibly partial date: "1990", "1990-05" or "1990-05-17"; a leading "~"
// (or a trailing "?") marks it approximate: "~1990".
absl::StatusOr<v1::PartialDate> ParsePartialDate(absl::string_view flag,
                                                 absl::string_view text);
// "1990", "1990-05", "~1990-05-17"; "-" when unset.
std::string FormatPartialDate(const v1::PartialDate& date);

// "09:30" (24-hour).
absl::StatusOr<v1::TimeOfDay> ParseTimeOfDay(absl::string_view flag,
                                             absl::string_view text);
std::string FormatTimeOfDay(const v1::TimeOfDay& time);

// "3 days overdue", "today", "1 day", "12 days".
std::string FormatDaysRemaining(int days);

// ---- Instants, zones and durations
// -------------------------------------------

// An IANA zone such as "America/Toronto".
absl::StatusOr<absl::TimeZone> ParseZone(absl::string_view flag,
                                         absl::string_view name);
// A wall-clock time in `zone`: "2026-12-01 09:30" (or with a "T", or with
// seconds), or an RFC 3339 time with its own offset
// ("2026-12-01T09:30:00-05:00").
absl::StatusOr<absl::Time> ParseLocalTime(absl::string_view flag,
                                          absl::string_view text,
                                          absl::TimeZone zone);
// "2026-12-01 09:30 EST" in `zone`.
std::string FormatLocalTime(absl::Time time, absl::TimeZone zone);
// As FormatLocalTime; "-" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& time,
                            absl::TimeZone zone);
// A positive duration with units: "3h", "90m", "2h30m".
absl::StatusOr<absl::Duration> ParseDurationFlag(absl::string_view flag,
                                                 absl::string_view text);
// "3h", "2h30m", "45m".
std::string FormatDurationShort(absl::Duration duration);

// ---- Enum values by short name
// -----------------------------------------------
// The short name of a value is its name without the enum's common prefix (the
// prefix of its *_UNSPECIFIED value), in lower case with dashes:
// CASE_TYPE_RPD_CLAIM is "rpd-claim", PROVINCE_QC is "qc". Parsing ignores
// case and accepts "_" for "-" and the full name; *_UNSPECIFIED is never
// accepted.

std::string EnumShortName(const google::protobuf::EnumDescriptor* type,
                          int value);
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag,
                                  absl::string_view text);
// "rpd-claim, rad-appeal, ..." (for help texts and errors).
std::string EnumChoices(const google::protobuf::EnumDescriptor* type);

template <typename E>
std::string ShortName(E value) {
  return EnumShortName(google::protobuf::GetEnumDescriptor<E>(),
                       static_cast<int>(value));
}
template <typename E>
absl::StatusOr<E> ParseEnum(absl::string_view flag, absl::string_view text) {
  absl::StatusOr<int> value =
      ParseEnumName(google::protobuf::GetEnumDescriptor<E>(), flag, text);
  if (!value.ok()) return value.status();
  return static_cast<E>(*value);
}
template <typename E>
std::string Choices() {
  return EnumChoices(google::protobuf::GetEnumDescriptor<E>());
}

// "QC" (upper case, as people write provinces).
std::string ProvinceName(v1::Province province);

// ---- Resource names
// ----------------------------------------------------------

// "cases/abc" from "abc" or "cases/abc"; children too: "abc/deadlines/d1" or
// "cases/abc/deadlines/d1" give "cases/abc/deadlines/d1". INVALID_ARGUMENT
// for empty text, whitespace, or a name in another collection
// ("clients/x" where a case is expected).
absl::StatusOr<std::string> ResourceName(absl::string_view collection,
                                         absl::string_view flag,
                                         absl::string_view text);

// ---- People
// ------------------------------------------------------------------

// "FAMILY, Given names" (either side may be empty: ", Amina" is a given name
// only). Without a comma the text is one name: in Latin script it is the
// family name (as IRCC records people with a single name); in another script
// it is the name in its original script.
absl::StatusOr<v1::PersonName> ParsePersonName(absl::string_view flag,
                                               absl::string_view text);
// "Amina TESFAY (ኣሚና ተስፋይ)"; "-" when empty.
std::string FormatPersonName(const v1::PersonName& name);

// A conflict-check subject: "NAME[; BIRTH[; CC[,CC...]]]", e.g.
// "Tesfay, Amina; 1990-05; ER".
absl::StatusOr<v1::ConflictSubject> ParseSubject(absl::string_view flag,
                                                 absl::string_view text,
                                                 v1::PartyRole role);

// "ER" from "er" (two ASCII letters).
absl::StatusOr<std::string> ParseCountryCode(absl::string_view flag,
                                             absl::string_view text);

// "ar" or "ar:Sudanese Arabic" (a BCP 47 tag, then the dialect).
absl::StatusOr<v1::Language> ParseLanguage(absl::string_view flag,
                                           absl::string_view text);
// "ar (Sudanese Arabic)".
std::string FormatLanguage(const v1::Language& language);

// ---- Documents
// ---------------------------------------------------------------

// The media type for a file name's extension ("application/pdf" for
// "boc.PDF"); "" when the extension is not one clinics upload.
std::string GuessMediaType(absl::string_view path);

// ---- Rule file errors
// --------------------------------------------------------

struct RuleFileProblem {
  int line = 0;
  int column = 0;
  std::string reason;
};

// One problem from a line of the server's ReplaceRules message, written
// "line 12 column 3: reason" or "12:3: reason"; nullopt for other lines.
std::optional<RuleFileProblem> ParseRuleFileProblem(absl::string_view line);

// The server's message as compiler-style lines "FILE:12:3: reason" (which
// editors jump to); lines that name no position are kept as they are.
std::vector<std::string> FormatRuleFileProblems(absl::string_view file,
                                                absl::string_view message);

// ---- Text for people
// ---------------------------------------------------------

// "Label:  value" lines with the values aligned; rows with an empty value
// are left out.
std::string FormatDetails(
    const std::vector<std::pair<std::string, std::string>>& rows);

// `text` cut to `max_chars` code points (with "…" when cut), newlines
// flattened: for table cells.
std::string Abbreviate(absl::string_view text, size_t max_chars);

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_FORMAT_H_
