#include "services/hearing/hearing_validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/common/validation.h"

namespace clinic {
namespace hearing {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", what));
}

std::string Field(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

}  // namespace

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view field,
                                        absl::string_view name) {
  if (name.empty()) return Invalid(field, "is required");
  bool ok = name.size() <= 64 && name.front() != '/' &&
            !absl::StrContains(name, "..");
  for (char c : name) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                c == '/' || c == '_' || c == '-' || c == '+');
  }
  absl::TimeZone zone;
  if (!ok || !absl::LoadTimeZone(std::string(name), &zone)) {
    return Invalid(
        field, "must be an IANA time zone name such as \"America/Toronto\"");
  }
  return zone;
}

absl::Status ValidateDuration(absl::string_view field,
                              const google::protobuf::Duration& d) {
  if (d.seconds() == 0 && d.nanos() == 0) return Invalid(field, "is required");
  if (d.nanos() != 0) return Invalid(field, "must be whole seconds");
  absl::Duration value = absl::Seconds(d.seconds());
  if (value < kMinDuration || value > kMaxDuration) {
    return Invalid(field, "must be between 15 minutes and 12 hours");
  }
  return absl::OkStatus();
}

absl::Status ValidateStart(absl::string_view field,
                           const google::protobuf::Timestamp& t,
                           absl::Time now) {
  if (t.seconds() == 0 && t.nanos() == 0) return Invalid(field, "is required");
  if (t.nanos() < 0 || t.nanos() > 999999999) {
    return Invalid(field, "is not a valid timestamp");
  }
  absl::Time start = FromProtoTime(t);
  if (start <= now) return Invalid(field, "must be in the future");
  if (start >=
      absl::FromCivil(absl::CivilDay(2100, 1, 1), absl::UTCTimeZone())) {
    return Invalid(field, "must be before 2100");
  }
  return absl::OkStatus();
}

absl::Status ValidateLanguageTag(absl::string_view field,
                                 absl::string_view tag) {
  bool ok = !tag.empty() && tag.size() <= 35;
  bool first = true;
  for (absl::string_view sub : absl::StrSplit(tag, '-')) {
    if (!ok) break;
    ok = first ? sub.size() >= 2 && sub.size() <= 8
               : !sub.empty() && sub.size() <= 8;
    for (char c : sub) {
      unsigned char u = static_cast<unsigned char>(c);
      ok = ok && (first ? absl::ascii_isalpha(u) : absl::ascii_isalnum(u));
    }
    first = false;
  }
  if (!ok) {
    return Invalid(field,
                   "must be a BCP 47 language tag such as \"ti\" or \"fa-AF\"");
  }
  return absl::OkStatus();
}

absl::Status ValidateVideoLink(absl::string_view field, absl::string_view url) {
  CLINIC_RETURN_IF_ERROR(ValidateText(field, url, 1, 2000));
  bool ok = absl::StartsWithIgnoreCase(url, "https://") && url.size() > 8;
  for (char c : url) ok = ok && c != ' ';
  if (!ok) return Invalid(field, "must be an https:// link without spaces");
  return absl::OkStatus();
}

absl::Status ValidateHearingField(const v1::Hearing& h, absl::string_view field,
                                  absl::string_view prefix, absl::Time now) {
  const std::string name = Field(prefix, field);
  if (field == "division") {
    return ValidateEnum(name, h.division(), v1::IrbDivision_IsValid, true);
  }
  if (field == "kind") {
    return ValidateEnum(name, h.kind(), v1::HearingKind_IsValid, true);
  }
  if (field == "start_time") {
    if (!h.has_start_time()) return Invalid(name, "is required");
    return ValidateStart(name, h.start_time(), now);
  }
  if (field == "duration") {
    if (!h.has_duration()) return Invalid(name, "is required");
    return ValidateDuration(name, h.duration());
  }
  if (field == "time_zone") return LoadZone(name, h.time_zone()).status();
  if (field == "mode") {
    return ValidateEnum(name, h.mode(), v1::HearingMode_IsValid, true);
  }
  if (field == "location") {
    if (h.location().empty()) return absl::OkStatus();
    return ValidateText(name, h.location(), 1, 300);
  }
  if (field == "video_link") {
    if (h.video_link().empty()) return absl::OkStatus();
    return ValidateVideoLink(name, h.video_link());
  }
  if (field == "irb_member") return ValidateText(name, h.irb_member(), 0, 200);
  if (field == "interpreter_language") {
    if (h.interpreter_language().empty()) return absl::OkStatus();
    return ValidateLanguageTag(name, h.interpreter_language());
  }
  if (field == "interpreter_dialect") {
    CLINIC_RETURN_IF_ERROR(ValidateText(name, h.interpreter_dialect(), 0, 100));
    if (!h.interpreter_dialect().empty() && h.interpreter_language().empty()) {
      return Invalid(name, "needs interpreter_language");
    }
    return absl::OkStatus();
  }
  if (field == "interpreter") {
    CLINIC_RETURN_IF_ERROR(ValidateText(name, h.interpreter(), 0, 200));
    if (!h.interpreter().empty() && h.interpreter_language().empty()) {
      return Invalid(name, "needs interpreter_language");
    }
    return absl::OkStatus();
  }
  if (field == "counsel") {
    if (h.counsel().empty()) return Invalid(name, "is required");
    return ValidateUserName(name, h.counsel());
  }
  if (field == "attendees") {
    if (h.attendees_size() > 20) return Invalid(name, "must be at most 20");
    std::set<std::string> seen;
    for (int i = 0; i < h.attendees_size(); ++i) {
      std::string item = absl::StrCat(name, "[", i, "]");
      CLINIC_RETURN_IF_ERROR(
          ValidateResourceName(item, h.attendees(i), "clients"));
      if (!seen.insert(h.attendees(i)).second) {
        return Invalid(item, "is listed twice");
      }
    }
    return absl::OkStatus();
  }
  if (field == "notice_to_appear_received") {
    if (!h.has_notice_to_appear_received()) return absl::OkStatus();
    CLINIC_RETURN_IF_ERROR(
        ValidateDate(name, h.notice_to_appear_received(), 2000, 2100));
    if (ToCivilDay(h.notice_to_appear_received()) > clinic::Today(now)) {
      return Invalid(name, "is in the future");
    }
    return absl::OkStatus();
  }
  if (field == "status") {
    if (h.status() != v1::HEARING_STATUS_HELD &&
        h.status() != v1::HEARING_STATUS_DECISION_RESERVED) {
      return Invalid(name, "may only be set to HELD or DECISION_RESERVED");
    }
    return absl::OkStatus();
  }
  return Invalid(Field(prefix, "update_mask"),
                 absl::StrCat("names a field that cannot be set: ", field));
}

absl::Status ValidateModeAndLocation(const v1::Hearing& h,
                                     absl::string_view prefix) {
  if ((h.mode() == v1::HEARING_MODE_IN_PERSON ||
       h.mode() == v1::HEARING_MODE_HYBRID) &&
      h.location().empty()) {
    return Invalid(Field(prefix, "location"),
                   "is required for in-person and hybrid hearings");
  }
  return absl::OkStatus();
}

absl::Status ValidateNewHearing(const v1::Hearing& h, absl::string_view prefix,
                                absl::Time now) {
  for (absl::string_view field :
       {"division", "kind", "start_time", "duration", "time_zone", "mode",
        "location", "video_link", "irb_member", "interpreter_language",
        "interpreter_dialect", "interpreter", "counsel", "attendees",
        "notice_to_appear_received"}) {
    CLINIC_RETURN_IF_ERROR(ValidateHearingField(h, field, prefix, now));
  }
  return ValidateModeAndLocation(h, prefix);
}

absl::Status ValidatePostponementRequest(const v1::Postponement& p,
                                         absl::string_view prefix,
                                         absl::CivilDay today) {
  CLINIC_RETURN_IF_ERROR(
      ValidateEnum(Field(prefix, "requested_by"), p.requested_by(),
                   v1::Postponement::Requester_IsValid, true));
  CLINIC_RETURN_IF_ERROR(
      ValidateText(Field(prefix, "reason"), p.reason(), 5, 2000, true));
  if (p.proposed_dates_size() > 3) {
    return Invalid(Field(prefix, "proposed_dates"), "must be at most 3");
  }
  for (int i = 0; i < p.proposed_dates_size(); ++i) {
    std::string item =
        absl::StrCat(Field(prefix, "proposed_dates"), "[", i, "]");
    CLINIC_RETURN_IF_ERROR(ValidateDate(item, p.proposed_dates(i), 2000, 2100));
    if (ToCivilDay(p.proposed_dates(i)) < today) {
      return Invalid(item, "is in the past");
    }
  }
  return absl::OkStatus();
}

}  // namespace hearing
}  // namespace clinic
