// The iCalendar (RFC 5545) feed of a lawyer's hearings and deadlines, built
// with libical.
//
// - Each hearing is a VEVENT whose DTSTART/DTEND carry the TZID of the
//   hearing's office zone; a VTIMEZONE for every zone used is generated from
//   the system tzdata (absl::TimeZone) with one observance per offset change
//   over the exported period, so that any client computes the same instants.
// - UIDs derive from resource ids only ("hearing-{id}@clinic.hearing"), so
//   they are stable across exports; SEQUENCE is the hearing's change counter
//   and DTSTAMP its last update, so an unchanged hearing exports to the same
//   text and a changed one replaces the old copy in calendar apps.
// - Cancelled hearings are kept with STATUS:CANCELLED so apps remove them.
// - With `case_number_only`, events show the case number and nothing else
//   about the case (no place, link, member, interpreter or description).
// - Deadlines are all-day events (DTSTART;VALUE=DATE) with
//   UID "deadline-{id}@clinic.hearing".
//
// Thread-safe (no shared state; libical calls are on local objects).
#ifndef CLINIC_SERVICES_HEARING_ICAL_EXPORT_H_
#define CLINIC_SERVICES_HEARING_ICAL_EXPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "clinic/v1/hearing.pb.h"

namespace clinic {
namespace hearing {

struct CalendarHearing {
  v1::Hearing hearing;
  // The clinic's case number ("2026-0042"); shown instead of any client
  // detail.
  std::string case_number;
};

struct CalendarDeadline {
  // "cases/{case}/deadlines/{deadline}".
  std::string name;
  std::string title;
  std::string case_number;
  absl::CivilDay due;
  // Changes seen by calendar apps (e.g. the number of history entries).
  int sequence = 0;
  absl::Time updated;
  bool open = true;
};

struct CalendarOptions {
  bool case_number_only = false;
  // DTSTAMP for events without an update time.
  absl::Time now;
};

// The VCALENDAR text (CRLF line endings, folded at 75 octets).
// INVALID_ARGUMENT if a hearing names a zone the system tzdata lacks.
absl::StatusOr<std::string> BuildCalendar(
    absl::Span<const CalendarHearing> hearings,
    absl::Span<const CalendarDeadline> deadlines,
    const CalendarOptions& options);

// "hearing-{id}@clinic.hearing" for "cases/{case}/hearings/{id}".
std::string HearingUid(const std::string& hearing_name);

// Human label of a hearing kind / division ("Merits hearing", "RPD").
std::string KindLabel(v1::HearingKind kind);
std::string DivisionLabel(v1::IrbDivision division);

}  // namespace hearing
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_ICAL_EXPORT_H_
