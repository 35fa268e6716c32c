// Protobuf messages stored as BLOB columns: every service keeps its records
// this way (indexed columns beside them for queries), so the reading side is
// shared here. Thread-safe (pure function).
#ifndef CLINIC_STORAGE_PROTO_RECORD_H_
#define CLINIC_STORAGE_PROTO_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace clinic {
namespace storage {

// `bytes` parsed as a `Message`. DATA_LOSS naming `what` ("client", "case")
// when they do not parse: the stored record is damaged.
template <typename Message>
absl::StatusOr<Message> ParseRecord(const std::string& bytes,
                                    absl::string_view what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("a stored ", what, " record cannot be read"));
  }
  return message;
}

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_PROTO_RECORD_H_
