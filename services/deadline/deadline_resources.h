// Names of the deadline service's resources ("cases/{case}/deadlines/{id}",
// "cases/{case}/hearings/{id}") and the case facts its rules read from a case
// summary. Thread-safe (pure functions).
#ifndef CLINIC_SERVICES_DEADLINE_DEADLINE_RESOURCES_H_
#define CLINIC_SERVICES_DEADLINE_DEADLINE_RESOURCES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clinic/v1/intake.pb.h"
#include "services/deadline/engine/case_facts.h"

namespace clinic {

struct DeadlineRef {
  std::string case_name;  // "cases/{case}"
  std::string id;
};

// "cases/{case}/deadlines/{id}" split, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<DeadlineRef> ParseDeadlineName(absl::string_view field,
                                              absl::string_view name);

std::string DeadlineName(absl::string_view case_name, absl::string_view id);

// INVALID_ARGUMENT unless `hearing` is "{case_name}/hearings/{id}".
absl::Status ValidateHearingName(absl::string_view hearing,
                                 absl::string_view case_name);

// What the rules need to know about a case: type, province, IRB region and
// conditions (including CONDITION_OUTSIDE_CANADA from the claim's facts).
deadline::CaseFacts FactsOf(const v1::CaseSummary& summary);

}  // namespace clinic

#endif  // CLINIC_SERVICES_DEADLINE_DEADLINE_RESOURCES_H_
