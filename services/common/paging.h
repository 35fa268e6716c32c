// Paging helpers shared by every List method (AIP-158): page_size validation
// and opaque page tokens. A token encodes the last key returned; it is opaque
// to clients (base64url) and validated when it comes back. Thread-safe (no
// state).
#ifndef CLINIC_SERVICES_COMMON_PAGING_H_
#define CLINIC_SERVICES_COMMON_PAGING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {

// The effective page size: `requested` if 1..max, `default_size` if 0,
// `max_size` if larger. INVALID_ARGUMENT ("page_size must not be negative") if
// negative.
absl::StatusOr<int> EffectivePageSize(int requested, int default_size,
                                      int max_size);

// An opaque token for resuming after `last_key`.
std::string EncodePageToken(absl::string_view last_key);

// The key inside `token` ("" for an empty token). INVALID_ARGUMENT naming
// page_token if it was not made by EncodePageToken.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_PAGING_H_
