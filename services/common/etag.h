// Optimistic concurrency for updates: every stored record has a version, shown
// to clients as its etag; an update names the etag it read, and a stale one is
// refused with ABORTED instead of silently overwriting someone's change.
// Thread-safe (pure functions).
#ifndef CLINIC_SERVICES_COMMON_ETAG_H_
#define CLINIC_SERVICES_COMMON_ETAG_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {

// The version inside `etag`. INVALID_ARGUMENT naming `field` when it is empty
// or not one this server issued.
absl::StatusOr<int64_t> ParseEtag(absl::string_view field,
                                  absl::string_view etag);

// ABORTED naming the resource `name` unless `given` equals `stored`.
absl::Status CheckEtag(absl::string_view name, absl::string_view given,
                       absl::string_view stored);

// NOT_FOUND: "`name` was not found" (the same answer whether the resource does
// not exist or the caller may not see it).
absl::Status NotFoundError(absl::string_view name);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_ETAG_H_
