// Request validation for HearingService: every check returns OK or
// INVALID_ARGUMENT naming the field as the client wrote it (e.g.
// "hearing.duration"), never echoing client data. Cross-record checks (counsel
// on the case team, attendees on the case) are in the service. Thread-safe (no
// state).
#ifndef CLINIC_SERVICES_HEARING_HEARING_VALIDATION_H_
#define CLINIC_SERVICES_HEARING_HEARING_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clinic/v1/hearing.pb.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace clinic {
namespace hearing {

constexpr absl::Duration kMinDuration = absl::Minutes(15);
constexpr absl::Duration kMaxDuration = absl::Hours(12);

// An IANA zone name the system tzdata knows ("America/Halifax").
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view field,
                                        absl::string_view name);

// A hearing length: 15 minutes..12 hours, whole seconds.
absl::Status ValidateDuration(absl::string_view field,
                              const google::protobuf::Duration& d);

// A hearing start: a valid timestamp after `now` and before 2100.
absl::Status ValidateStart(absl::string_view field,
                           const google::protobuf::Timestamp& t,
                           absl::Time now);

// BCP 47 tag: a 2..8 letter primary subtag, then subtags of 1..8 letters or
// digits separated by '-'; at most 35 characters.
absl::Status ValidateLanguageTag(absl::string_view field,
                                 absl::string_view tag);

// An https URL without spaces or control characters, at most 2000 characters.
absl::Status ValidateVideoLink(absl::string_view field, absl::string_view url);

// One client-settable field of a hearing ("duration", "location", ...), named
// in messages as prefix + "." + field. `now` bounds dates and start times.
absl::Status ValidateHearingField(const v1::Hearing& h, absl::string_view field,
                                  absl::string_view prefix, absl::Time now);

// Every client-settable field of a new hearing, and that the location is given
// for in-person and hybrid hearings.
absl::Status ValidateNewHearing(const v1::Hearing& h, absl::string_view prefix,
                                absl::Time now);

// Mode and location agree (location required for IN_PERSON and HYBRID).
absl::Status ValidateModeAndLocation(const v1::Hearing& h,
                                     absl::string_view prefix);

// A postponement request (requested_by, reason, up to three proposed dates not
// before `today`).
absl::Status ValidatePostponementRequest(const v1::Postponement& p,
                                         absl::string_view prefix,
                                         absl::CivilDay today);

}  // namespace hearing
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_HEARING_VALIDATION_H_
