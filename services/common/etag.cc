#include "services/common/etag.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace clinic {

absl::StatusOr<int64_t> ParseEtag(absl::string_view field,
                                  absl::string_view etag) {
  int64_t version = 0;
  if (etag.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  if (!absl::SimpleAtoi(etag, &version) || version < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " is not an etag this server issued; fetch the record again"));
  }
  return version;
}

absl::Status CheckEtag(absl::string_view name, absl::string_view given,
                       absl::string_view stored) {
  if (given != stored) {
    return absl::AbortedError(
        absl::StrCat(name,
                     " was changed by someone else since you read it; fetch it "
                     "again and redo your change"));
  }
  return absl::OkStatus();
}

absl::Status NotFoundError(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " was not found"));
}

}  // namespace clinic
