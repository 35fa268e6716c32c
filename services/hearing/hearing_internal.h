// Helpers shared by the files of the hearing service (hearing_service.cc,
// hearing_mutations.cc). Not an API. Thread-safe (no state).
#ifndef CLINIC_SERVICES_HEARING_HEARING_INTERNAL_H_
#define CLINIC_SERVICES_HEARING_HEARING_INTERNAL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clinic/v1/hearing.pb.h"

namespace clinic {
namespace hearing_internal {

absl::Status NotFound(absl::string_view name);

// "cases/{case}/hearings/{id}" -> (case id, hearing id); INVALID_ARGUMENT
// naming `field` otherwise.
absl::StatusOr<std::pair<std::string, std::string>> ParseHearingName(
    absl::string_view field, absl::string_view name);

// INVALID_ARGUMENT when `given` is empty or malformed, ABORTED when it is not
// the stored etag; else the version it names.
absl::StatusOr<int64_t> CheckEtag(absl::string_view field,
                                  absl::string_view given,
                                  const v1::Hearing& stored);

// The hearing's zone (UTC if unknown; stored hearings were validated).
absl::TimeZone ZoneOf(const v1::Hearing& h);
absl::CivilSecond LocalStart(const v1::Hearing& h);

// "2026-12-01 09:00-12:00 AST".
std::string DescribeTime(absl::Time start, absl::Time end,
                         const absl::TimeZone& zone);

// What a failed deadline-service call means for the hearing change:
// UNAVAILABLE when it could not be reached (retry), UNAUTHENTICATED as is,
// FAILED_PRECONDITION for a refusal (including UNIMPLEMENTED: a deployment
// without a deadline service cannot keep hearings).
absl::Status DeadlineFailure(const absl::Status& s, absl::string_view what);

// FAILED_PRECONDITION naming every conflict, times in `zone`.
absl::Status ConflictRefusal(const std::vector<v1::HearingConflict>& conflicts,
                             const absl::TimeZone& zone);

// The holiday calendar of the IRB region an office zone lies in
// ("IRB-EASTERN", ...), or "CA-IA" (federal) for other zones.
std::string DefaultCalendarFor(absl::string_view zone);

}  // namespace hearing_internal
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_HEARING_INTERNAL_H_
