#include "services/deadline/deadline_resources.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "services/common/case_access.h"
#include "services/common/validation.h"

namespace clinic {

absl::StatusOr<DeadlineRef> ParseDeadlineName(absl::string_view field,
                                              absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be a deadline name like \"cases/abc/deadlines/xyz\""));
  };
  if (parts.size() != 4 || parts[2] != "deadlines") return invalid();
  DeadlineRef ref{absl::StrCat(parts[0], "/", parts[1]), std::string(parts[3])};
  if (!ValidateCaseName(ref.case_name, field).ok() ||
      !ValidateResourceName(field, absl::StrCat("deadlines/", ref.id),
                            "deadlines")
           .ok()) {
    return invalid();
  }
  return ref;
}

std::string DeadlineName(absl::string_view case_name, absl::string_view id) {
  return absl::StrCat(case_name, "/deadlines/", id);
}

absl::Status ValidateHearingName(absl::string_view hearing,
                                 absl::string_view case_name) {
  const std::string prefix = absl::StrCat(case_name, "/");
  if (!absl::StartsWith(hearing, prefix) ||
      !ValidateResourceName("event.hearing", hearing.substr(prefix.size()),
                            "hearings")
           .ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("event.hearing must name a hearing of this case, like \"",
                     case_name, "/hearings/abc\""));
  }
  return absl::OkStatus();
}

deadline::CaseFacts FactsOf(const v1::CaseSummary& summary) {
  deadline::CaseFacts facts =
      deadline::CaseFacts::ForCase(summary.type(), summary.province(),
                                   summary.irb_region(), summary.conditions());
  facts.conditions[v1::CONDITION_OUTSIDE_CANADA] =
      summary.conditions().outside_canada();
  return facts;
}

}  // namespace clinic
