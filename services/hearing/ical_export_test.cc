#include "services/hearing/ical_export.h"

#include <libical/ical.h>

#include <map>
#include <string>

#include "absl/strings/match.h"
#include "base/proto_time.h"
#include "gtest/gtest.h"

namespace clinic {
namespace hearing {
namespace {

absl::Time At(const char* zone_name, absl::CivilSecond cs) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(zone_name, &zone));
  return absl::FromCivil(cs, zone);
}

CalendarHearing Make(const std::string& id, const char* zone, absl::Time start,
                     int sequence) {
  CalendarHearing ch;
  v1::Hearing& h = ch.hearing;
  h.set_name("cases/c1/hearings/" + id);
  h.set_case_("cases/c1");
  h.set_division(v1::IRB_DIVISION_RPD);
  h.set_kind(v1::HEARING_KIND_MERITS);
  *h.mutable_start_time() = ToProtoTime(start);
  *h.mutable_duration() = ToProtoDuration(absl::Hours(3));
  h.set_time_zone(zone);
  h.set_mode(v1::HEARING_MODE_IN_PERSON);
  h.set_location("IRB, 200 René-Lévesque Blvd West; Montréal");
  h.set_irb_member("Member Tremblay");
  h.set_interpreter_language("ti");
  h.set_interpreter("Agency ref 4411");
  h.set_counsel("users/lena");
  h.set_status(v1::HEARING_STATUS_SCHEDULED);
  h.set_sequence(sequence);
  *h.mutable_create_time() = ToProtoTime(absl::FromUnixSeconds(1795000000));
  *h.mutable_update_time() = ToProtoTime(absl::FromUnixSeconds(1795000100));
  ch.case_number = "2026-0042";
  return ch;
}

struct ParsedEvent {
  std::string uid;
  int sequence = -1;
  icalproperty_status status = ICAL_STATUS_NONE;
  std::string summary;
  bool has_location = false;
  bool has_description = false;
  bool all_day = false;
  time_t start_utc = 0;
  time_t end_utc = 0;
  std::string tzid;
};

struct Parsed {
  std::map<std::string, ParsedEvent> events;  // by UID
  std::vector<std::string> zones;
  // Instants computed only from the feed's own VTIMEZONE (never libical's
  // built-in zones), by UID.
  std::map<std::string, time_t> start_by_own_vtimezone;
};

// Parses `text` back with libical, resolving each DTSTART/DTEND through the
// feed's own VTIMEZONE components.
Parsed Parse(const std::string& text) {
  Parsed out;
  icalcomponent* cal = icalparser_parse_string(text.c_str());
  EXPECT_NE(cal, nullptr);
  if (cal == nullptr) return out;
  EXPECT_EQ(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
  EXPECT_EQ(icalcomponent_count_errors(cal), 0);
  for (icalcomponent* tz =
           icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
       tz != nullptr;
       tz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
    icalproperty* id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
    out.zones.push_back(icalproperty_get_tzid(id));
  }
  // Each VTIMEZONE as a standalone icaltimezone.
  std::map<std::string, icaltimezone*> own;
  for (icalcomponent* tz =
           icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
       tz != nullptr;
       tz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
    icaltimezone* zone = icaltimezone_new();
    EXPECT_EQ(icaltimezone_set_component(zone, icalcomponent_new_clone(tz)), 1);
    own[icaltimezone_get_tzid(zone)] = zone;
  }
  for (icalcomponent* ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != nullptr;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    ParsedEvent p;
    p.uid = icalcomponent_get_uid(ev);
    p.sequence = icalcomponent_get_sequence(ev);
    p.status = icalcomponent_get_status(ev);
    p.summary = icalcomponent_get_summary(ev);
    p.has_location =
        icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY) != nullptr;
    p.has_description = icalcomponent_get_first_property(
                            ev, ICAL_DESCRIPTION_PROPERTY) != nullptr;
    icaltimetype start = icalcomponent_get_dtstart(ev);
    icaltimetype end = icalcomponent_get_dtend(ev);
    p.all_day = start.is_date;
    if (!start.is_date) {
      EXPECT_NE(start.zone, nullptr) << p.uid;
      if (start.zone != nullptr) {
        p.tzid = icaltimezone_get_tzid(const_cast<icaltimezone*>(start.zone));
      }
      p.start_utc = icaltime_as_timet_with_zone(start, start.zone);
      p.end_utc = icaltime_as_timet_with_zone(end, end.zone);
      auto it = own.find(p.tzid);
      EXPECT_NE(it, own.end()) << "no VTIMEZONE for " << p.tzid;
      if (it != own.end()) {
        icaltimetype floating = start;
        floating.zone = nullptr;
        out.start_by_own_vtimezone[p.uid] =
            icaltime_as_timet_with_zone(floating, it->second);
      }
    }
    out.events[p.uid] = p;
  }
  for (auto& [tzid, zone] : own) icaltimezone_free(zone, 1);
  icalcomponent_free(cal);
  return out;
}

TEST(IcalExportTest, ParsesBackWithTheSameInstantsAcrossZonesAndDst) {
  std::vector<CalendarHearing> hearings = {
      // Halifax and Vancouver, winter.
      Make("hal", "America/Halifax",
           At("America/Halifax", absl::CivilSecond(2026, 12, 1, 13, 0, 0)), 0),
      Make("van", "America/Vancouver",
           At("America/Vancouver", absl::CivilSecond(2026, 12, 1, 9, 30, 0)),
           2),
      // Toronto the Friday before the fall-back weekend (EDT) and the
      // Monday after (EST), and one in summer.
      Make("before", "America/Toronto",
           At("America/Toronto", absl::CivilSecond(2026, 10, 30, 9, 30, 0)), 0),
      Make("after", "America/Toronto",
           At("America/Toronto", absl::CivilSecond(2026, 11, 2, 9, 30, 0)), 1),
      Make("summer", "America/Toronto",
           At("America/Toronto", absl::CivilSecond(2027, 7, 5, 9, 30, 0)), 0),
  };
  CalendarOptions options;
  options.now = absl::FromUnixSeconds(1795000000);
  auto text = BuildCalendar(hearings, {}, options);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_TRUE(absl::StartsWith(*text, "BEGIN:VCALENDAR\r\n"));
  EXPECT_TRUE(absl::StrContains(*text, "VERSION:2.0"));
  EXPECT_TRUE(
      absl::StrContains(*text, "DTSTART;TZID=America/Halifax:20261201T130000"));

  Parsed parsed = Parse(*text);
  EXPECT_EQ(parsed.zones.size(), 3u);
  ASSERT_EQ(parsed.events.size(), hearings.size());
  for (const CalendarHearing& ch : hearings) {
    const std::string uid = HearingUid(ch.hearing.name());
    ASSERT_TRUE(parsed.events.count(uid)) << uid;
    const ParsedEvent& ev = parsed.events[uid];
    absl::Time start = FromProtoTime(ch.hearing.start_time());
    EXPECT_EQ(ev.start_utc, absl::ToTimeT(start)) << uid;
    EXPECT_EQ(parsed.start_by_own_vtimezone[uid], absl::ToTimeT(start)) << uid;
    EXPECT_EQ(ev.end_utc, absl::ToTimeT(start + absl::Hours(3))) << uid;
    EXPECT_EQ(ev.tzid, ch.hearing.time_zone());
    EXPECT_EQ(ev.sequence, ch.hearing.sequence());
    EXPECT_EQ(ev.status, ICAL_STATUS_CONFIRMED);
    EXPECT_TRUE(ev.has_location);
  }
  // Halifax 13:00 AST and Vancouver 09:30 PST are 30 minutes apart in fact.
  EXPECT_EQ(parsed.events[HearingUid("cases/c1/hearings/van")].start_utc -
                parsed.events[HearingUid("cases/c1/hearings/hal")].start_utc,
            30 * 60);
}

TEST(IcalExportTest, UidsAreStableAndUnchangedHearingsExportIdentically) {
  std::vector<CalendarHearing> hearings = {
      Make("h1", "America/Toronto",
           At("America/Toronto", absl::CivilSecond(2026, 12, 3, 9, 0, 0)), 0)};
  CalendarOptions options;
  options.now = absl::FromUnixSeconds(1795000000);
  auto first = BuildCalendar(hearings, {}, options);
  options.now += absl::Hours(5);  // a later export
  auto second = BuildCalendar(hearings, {}, options);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);

  // Rescheduled: same UID, higher SEQUENCE.
  hearings[0].hearing.set_sequence(1);
  *hearings[0].hearing.mutable_start_time() = ToProtoTime(
      At("America/Toronto", absl::CivilSecond(2026, 12, 4, 9, 0, 0)));
  auto third = BuildCalendar(hearings, {}, options);
  ASSERT_TRUE(third.ok());
  Parsed a = Parse(*first);
  Parsed b = Parse(*third);
  const std::string uid = "hearing-h1@clinic.hearing";
  ASSERT_TRUE(a.events.count(uid) && b.events.count(uid));
  EXPECT_EQ(a.events[uid].sequence, 0);
  EXPECT_EQ(b.events[uid].sequence, 1);
  EXPECT_EQ(b.events[uid].start_utc - a.events[uid].start_utc, 24 * 3600);
}

TEST(IcalExportTest, CancelledHearingsAreMarkedCancelled) {
  CalendarHearing h =
      Make("gone", "America/Toronto",
           At("America/Toronto", absl::CivilSecond(2026, 12, 3, 9, 0, 0)), 3);
  h.hearing.set_status(v1::HEARING_STATUS_CANCELLED);
  CalendarOptions options;
  auto text = BuildCalendar({h}, {}, options);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StrContains(*text, "STATUS:CANCELLED"));
  Parsed parsed = Parse(*text);
  EXPECT_EQ(parsed.events["hearing-gone@clinic.hearing"].status,
            ICAL_STATUS_CANCELLED);
}

TEST(IcalExportTest, CaseNumberOnlyLeavesOutEverythingElse) {
  CalendarHearing h =
      Make("p", "America/Toronto",
           At("America/Toronto", absl::CivilSecond(2026, 12, 3, 9, 0, 0)), 0);
  CalendarOptions options;
  options.case_number_only = true;
  CalendarDeadline d;
  d.name = "cases/c1/deadlines/d1";
  d.title = "Disclose documents to be used at the hearing";
  d.case_number = "2026-0042";
  d.due = absl::CivilDay(2026, 11, 23);
  auto text = BuildCalendar({h}, {d}, options);
  ASSERT_TRUE(text.ok());
  for (const char* secret : {"René", "Tremblay", "Agency", "users/lena",
                             "Disclose", "LOCATION", "DESCRIPTION"}) {
    EXPECT_FALSE(absl::StrContains(*text, secret)) << secret;
  }
  Parsed parsed = Parse(*text);
  EXPECT_EQ(parsed.events["hearing-p@clinic.hearing"].summary,
            "IRB hearing - case 2026-0042");
  EXPECT_EQ(parsed.events["deadline-d1@clinic.hearing"].summary,
            "Deadline - case 2026-0042");
}

TEST(IcalExportTest, DeadlinesAreAllDayEvents) {
  CalendarDeadline d;
  d.name = "cases/c1/deadlines/d1";
  d.title = "Disclose documents";
  d.case_number = "2026-0042";
  d.due = absl::CivilDay(2026, 11, 23);
  d.sequence = 2;
  CalendarOptions options;
  auto text = BuildCalendar({}, {d}, options);
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StrContains(*text, "DTSTART;VALUE=DATE:20261123"));
  Parsed parsed = Parse(*text);
  const ParsedEvent& ev = parsed.events["deadline-d1@clinic.hearing"];
  EXPECT_TRUE(ev.all_day);
  EXPECT_EQ(ev.sequence, 2);
  EXPECT_TRUE(absl::StrContains(ev.summary, "Disclose documents"));
}

TEST(IcalExportTest, AZoneWithoutDstStillGetsATimezone) {
  CalendarHearing h =
      Make("r", "America/Regina",
           At("America/Regina", absl::CivilSecond(2026, 7, 3, 9, 0, 0)), 0);
  CalendarOptions options;
  auto text = BuildCalendar({h}, {}, options);
  ASSERT_TRUE(text.ok());
  Parsed parsed = Parse(*text);
  EXPECT_EQ(parsed.events["hearing-r@clinic.hearing"].start_utc,
            absl::ToTimeT(FromProtoTime(h.hearing.start_time())));
  EXPECT_EQ(parsed.start_by_own_vtimezone["hearing-r@clinic.hearing"],
            absl::ToTimeT(FromProtoTime(h.hearing.start_time())));
}

TEST(IcalExportTest, UnknownZoneIsRefused) {
  CalendarHearing h =
      Make("x", "Mars/Olympus_Mons", absl::FromUnixSeconds(0), 0);
  EXPECT_EQ(BuildCalendar({h}, {}, CalendarOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearing
}  // namespace clinic
