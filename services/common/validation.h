// Request validation shared by every service. Each check returns OK or
// INVALID_ARGUMENT with a message that names the field (as the client wrote it,
// e.g. "client.birth_date") and says what is expected; never the rejected value
// itself when it could be client data.
//
// Thread-safe (no state).
#ifndef CLINIC_SERVICES_COMMON_VALIDATION_H_
#define CLINIC_SERVICES_COMMON_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/common.pb.h"

namespace clinic {

// Number of Unicode code points in UTF-8 `text` (invalid bytes count one each).
size_t CodePoints(absl::string_view text);

// `text` has min..max code points, is valid UTF-8, and holds no control
// characters (newlines and tabs too unless `multiline`).
absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t min, size_t max, bool multiline = false);

// Required: a real calendar date with a year in [min_year, max_year].
absl::Status ValidateDate(absl::string_view field, const v1::Date& date,
                          int min_year = 1900, int max_year = 2100);

// A date that may be partly unknown (year only, year and month). Not after
// `today`.
absl::Status ValidatePartialDate(absl::string_view field,
                                 const v1::PartialDate& date,
                                 absl::CivilDay today);

absl::CivilDay ToCivilDay(const v1::Date& date);
v1::Date ToDate(absl::CivilDay day);
// "2026-03-02".
std::string FormatDate(const v1::Date& date);

// The enum value is one the proto defines; with `required`, not *_UNSPECIFIED
// (0).
template <typename IsValid>
absl::Status ValidateEnum(absl::string_view field, int value, IsValid is_valid,
                          bool required) {
  if (!is_valid(value)) {
    return absl::InvalidArgumentError(
        std::string(field) + " has an unknown value " + std::to_string(value));
  }
  if (required && value == 0) {
    return absl::InvalidArgumentError(std::string(field) + " is required");
  }
  return absl::OkStatus();
}

// "users/{username}" with a valid username.
absl::Status ValidateUserName(absl::string_view field, absl::string_view name);

// "<collection>/{id}" with a URL-safe id of 1..64 characters.
absl::Status ValidateResourceName(absl::string_view field,
                                  absl::string_view name,
                                  absl::string_view collection);

// The id after "<collection>/" (assumes ValidateResourceName passed).
std::string ResourceId(absl::string_view name);

// An optional client-chosen idempotency key: empty, or 8..64 of [A-Za-z0-9_-].
absl::Status ValidateRequestId(absl::string_view field, absl::string_view id);

// Today's date in the time zone the clinic's legal dates are kept in (the
// server's local zone, or UTC when unknown).
absl::CivilDay Today(absl::Time now);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_VALIDATION_H_
