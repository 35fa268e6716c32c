#include "services/hearing/ical_export.h"

#include <libical/ical.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/proto_time.h"

namespace clinic {
namespace hearing {
namespace {

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

std::string LastSegment(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

icaltimetype Floating(absl::CivilSecond cs) {
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(cs.year());
  t.month = cs.month();
  t.day = cs.day();
  t.hour = cs.hour();
  t.minute = cs.minute();
  t.second = cs.second();
  t.is_date = 0;
  t.zone = nullptr;
  return t;
}

icaltimetype Utc(absl::Time time) {
  absl::CivilSecond cs = absl::ToCivilSecond(time, absl::UTCTimeZone());
  icaltimetype t = Floating(cs);
  t.zone = icaltimezone_get_utc_timezone();
  return t;
}

icaltimetype DateOnly(absl::CivilDay day) {
  icaltimetype t = icaltime_null_date();
  t.year = static_cast<int>(day.year());
  t.month = day.month();
  t.day = day.day();
  t.is_date = 1;
  return t;
}

// A date-time property in `zone_name` local time with its TZID parameter.
icalproperty* Zoned(icalproperty* (*make)(icaltimetype), absl::Time time,
                    const absl::TimeZone& zone, const std::string& zone_name) {
  icalproperty* p = make(Floating(absl::ToCivilSecond(time, zone)));
  icalproperty_add_parameter(p, icalparameter_new_tzid(zone_name.c_str()));
  return p;
}

// Adds one observance (STANDARD or DAYLIGHT) starting at local `onset` (in the
// offset before the change).
void AddObservance(icalcomponent* vtimezone, absl::CivilSecond onset,
                   int offset_from, int offset_to, bool dst,
                   const std::string& abbreviation) {
  icalcomponent* obs =
      dst ? icalcomponent_new_xdaylight() : icalcomponent_new_xstandard();
  icalcomponent_add_property(obs, icalproperty_new_dtstart(Floating(onset)));
  icalcomponent_add_property(obs, icalproperty_new_tzoffsetfrom(offset_from));
  icalcomponent_add_property(obs, icalproperty_new_tzoffsetto(offset_to));
  if (!abbreviation.empty()) {
    icalcomponent_add_property(obs,
                               icalproperty_new_tzname(abbreviation.c_str()));
  }
  icalcomponent_add_component(vtimezone, obs);
}

// A VTIMEZONE for `zone` valid over [from, to]: the observance in force at
// `from` and every offset change up to `to`, from the system tzdata.
icalcomponent* MakeVTimezone(const std::string& name,
                             const absl::TimeZone& zone, absl::Time from,
                             absl::Time to) {
  icalcomponent* vtz = icalcomponent_new_vtimezone();
  icalcomponent_add_property(vtz, icalproperty_new_tzid(name.c_str()));
  int added = 0;
  absl::TimeZone::CivilTransition trans;
  absl::Time cursor = from;
  // Start at the change that put `from`'s offset in force, if any.
  if (zone.PrevTransition(from + absl::Seconds(1), &trans)) {
    cursor = zone.At(trans.to).trans - absl::Seconds(1);
  }
  // Offset changes every few months at most; 4000 bounds any range we export
  // (at most a few decades).
  while (added < 4000 && zone.NextTransition(cursor, &trans)) {
    absl::Time at = zone.At(trans.to).trans;
    if (at > to) break;
    absl::TimeZone::CivilInfo before = zone.At(at - absl::Seconds(1));
    absl::TimeZone::CivilInfo after = zone.At(at);
    // Changes of abbreviation only (no offset change) still need an
    // observance so that TZNAME stays right; they are harmless.
    AddObservance(vtz, trans.from, static_cast<int>(before.offset),
                  static_cast<int>(after.offset), after.is_dst,
                  after.zone_abbr);
    ++added;
    cursor = at;
  }
  if (added == 0) {
    // A zone with no change in the period: one observance since 1970.
    absl::TimeZone::CivilInfo info = zone.At(from);
    AddObservance(vtz, absl::CivilSecond(1970, 1, 1, 0, 0, 0),
                  static_cast<int>(info.offset), static_cast<int>(info.offset),
                  false, info.zone_abbr);
  }
  return vtz;
}

std::string Describe(const v1::Hearing& h) {
  std::vector<std::string> lines;
  switch (h.mode()) {
    case v1::HEARING_MODE_IN_PERSON:
      lines.push_back("Mode: in person");
      break;
    case v1::HEARING_MODE_VIDEO:
      lines.push_back("Mode: video");
      break;
    case v1::HEARING_MODE_PHONE:
      lines.push_back("Mode: phone");
      break;
    case v1::HEARING_MODE_HYBRID:
      lines.push_back("Mode: hybrid");
      break;
    default:
      break;
  }
  if (!h.irb_member().empty()) {
    lines.push_back(absl::StrCat("IRB member: ", h.irb_member()));
  }
  if (!h.interpreter_language().empty()) {
    std::string lang = h.interpreter_language();
    if (!h.interpreter_dialect().empty()) {
      absl::StrAppend(&lang, " (", h.interpreter_dialect(), ")");
    }
    if (!h.interpreter().empty()) absl::StrAppend(&lang, ": ", h.interpreter());
    lines.push_back(absl::StrCat("Interpreter: ", lang));
  }
  if (!h.video_link().empty()) {
    lines.push_back(absl::StrCat("Video: ", h.video_link()));
  }
  lines.push_back(absl::StrCat("Counsel: ", h.counsel()));
  return absl::StrJoin(lines, "\n");
}

icalproperty_status StatusOf(const v1::Hearing& h) {
  if (h.status() == v1::HEARING_STATUS_CANCELLED ||
      h.status() == v1::HEARING_STATUS_POSTPONED) {
    return ICAL_STATUS_CANCELLED;
  }
  for (const v1::Postponement& p : h.postponements()) {
    if (p.outcome() == v1::Postponement::OUTCOME_PENDING) {
      return ICAL_STATUS_TENTATIVE;
    }
  }
  return ICAL_STATUS_CONFIRMED;
}

}  // namespace

std::string HearingUid(const std::string& hearing_name) {
  return absl::StrCat("hearing-", LastSegment(hearing_name), "@clinic.hearing");
}

std::string KindLabel(v1::HearingKind kind) {
  switch (kind) {
    case v1::HEARING_KIND_MERITS:
      return "Merits hearing";
    case v1::HEARING_KIND_SCHEDULING_CONFERENCE:
      return "Scheduling conference";
    case v1::HEARING_KIND_SPECIAL_ABANDONMENT:
      return "Special hearing on abandonment";
    case v1::HEARING_KIND_DETENTION_REVIEW:
      return "Detention review";
    case v1::HEARING_KIND_ADMISSIBILITY:
      return "Admissibility hearing";
    case v1::HEARING_KIND_RAD_ORAL:
      return "RAD oral hearing";
    case v1::HEARING_KIND_FEDERAL_COURT:
      return "Federal Court hearing";
    default:
      return "Hearing";
  }
}

std::string DivisionLabel(v1::IrbDivision division) {
  switch (division) {
    case v1::IRB_DIVISION_RPD:
      return "RPD";
    case v1::IRB_DIVISION_RAD:
      return "RAD";
    case v1::IRB_DIVISION_ID:
      return "ID";
    default:
      return "IRB";
  }
}

absl::StatusOr<std::string> BuildCalendar(
    absl::Span<const CalendarHearing> hearings,
    absl::Span<const CalendarDeadline> deadlines,
    const CalendarOptions& options) {
  ComponentPtr cal(icalcomponent_new_vcalendar());
  icalcomponent_add_property(cal.get(), icalproperty_new_version("2.0"));
  icalcomponent_add_property(
      cal.get(),
      icalproperty_new_prodid("-//Refugee Legal Clinic//Hearings//EN"));
  icalcomponent_add_property(cal.get(), icalproperty_new_calscale("GREGORIAN"));

  // Zones used, with the period their VTIMEZONE must cover.
  struct ZoneUse {
    absl::TimeZone zone;
    absl::Time from = absl::InfiniteFuture();
    absl::Time to = absl::InfinitePast();
  };
  std::map<std::string, ZoneUse> zones;
  for (const CalendarHearing& ch : hearings) {
    const v1::Hearing& h = ch.hearing;
    auto [it, inserted] = zones.try_emplace(h.time_zone());
    if (inserted && !absl::LoadTimeZone(h.time_zone(), &it->second.zone)) {
      return absl::InvalidArgumentError(absl::StrCat(
          h.name(), ": time_zone \"", h.time_zone(), "\" is not in tzdata"));
    }
    absl::Time start = FromProtoTime(h.start_time());
    absl::Time end = start + FromProtoDuration(h.duration());
    it->second.from = std::min(it->second.from, start);
    it->second.to = std::max(it->second.to, end);
  }
  for (const auto& [name, use] : zones) {
    icalcomponent_add_component(
        cal.get(), MakeVTimezone(name, use.zone, use.from, use.to));
  }

  for (const CalendarHearing& ch : hearings) {
    const v1::Hearing& h = ch.hearing;
    const absl::TimeZone& zone = zones[h.time_zone()].zone;
    absl::Time start = FromProtoTime(h.start_time());
    absl::Time end = start + FromProtoDuration(h.duration());
    absl::Time stamp =
        h.has_update_time() ? FromProtoTime(h.update_time()) : options.now;
    icalcomponent* ev = icalcomponent_new_vevent();
    icalcomponent_add_property(
        ev, icalproperty_new_uid(HearingUid(h.name()).c_str()));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(Utc(stamp)));
    if (h.has_create_time()) {
      icalcomponent_add_property(
          ev, icalproperty_new_created(Utc(FromProtoTime(h.create_time()))));
    }
    icalcomponent_add_property(ev, icalproperty_new_lastmodified(Utc(stamp)));
    icalcomponent_add_property(ev, icalproperty_new_sequence(h.sequence()));
    icalcomponent_add_property(
        ev, Zoned(&icalproperty_new_dtstart, start, zone, h.time_zone()));
    icalcomponent_add_property(
        ev, Zoned(&icalproperty_new_dtend, end, zone, h.time_zone()));
    icalcomponent_add_property(ev, icalproperty_new_status(StatusOf(h)));
    icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
    if (options.case_number_only) {
      icalcomponent_add_property(
          ev, icalproperty_new_summary(
                  absl::StrCat("IRB hearing - case ", ch.case_number).c_str()));
      icalcomponent_add_property(ev,
                                 icalproperty_new_class(ICAL_CLASS_PRIVATE));
    } else {
      icalcomponent_add_property(
          ev, icalproperty_new_summary(absl::StrCat(KindLabel(h.kind()), " (",
                                                    DivisionLabel(h.division()),
                                                    ") - case ", ch.case_number)
                                           .c_str()));
      std::string where = !h.location().empty() ? h.location() : h.video_link();
      if (!where.empty()) {
        icalcomponent_add_property(ev,
                                   icalproperty_new_location(where.c_str()));
      }
      icalcomponent_add_property(
          ev, icalproperty_new_description(Describe(h).c_str()));
      icalcomponent_add_property(
          ev, icalproperty_new_class(ICAL_CLASS_CONFIDENTIAL));
    }
    icalcomponent_add_component(cal.get(), ev);
  }

  for (const CalendarDeadline& d : deadlines) {
    icalcomponent* ev = icalcomponent_new_vevent();
    icalcomponent_add_property(
        ev, icalproperty_new_uid(absl::StrCat("deadline-", LastSegment(d.name),
                                              "@clinic.hearing")
                                     .c_str()));
    icalcomponent_add_property(
        ev, icalproperty_new_dtstamp(
                Utc(d.updated == absl::Time() ? options.now : d.updated)));
    icalcomponent_add_property(ev, icalproperty_new_sequence(d.sequence));
    icalcomponent_add_property(ev, icalproperty_new_dtstart(DateOnly(d.due)));
    icalcomponent_add_property(ev, icalproperty_new_dtend(DateOnly(d.due + 1)));
    icalcomponent_add_property(
        ev, icalproperty_new_status(d.open ? ICAL_STATUS_CONFIRMED
                                           : ICAL_STATUS_CANCELLED));
    icalcomponent_add_property(
        ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    std::string summary =
        options.case_number_only
            ? absl::StrCat("Deadline - case ", d.case_number)
            : absl::StrCat("Deadline: ", d.title, " - case ", d.case_number);
    icalcomponent_add_property(ev, icalproperty_new_summary(summary.c_str()));
    icalcomponent_add_property(ev, icalproperty_new_class(ICAL_CLASS_PRIVATE));
    icalcomponent_add_component(cal.get(), ev);
  }

  char* text = icalcomponent_as_ical_string_r(cal.get());
  if (text == nullptr) {
    return absl::InternalError("the calendar could not be serialized");
  }
  std::string out(text);
  free(text);
  return out;
}

}  // namespace hearing
}  // namespace clinic
