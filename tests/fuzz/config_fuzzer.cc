// Fuzzes the server configuration parser (ParseConfig, protobuf text format),
// then defaults and validation, as `clinicd serve --config FILE` runs them.
//
// Properties: never crashes; errors are INVALID_ARGUMENT; defaults are
// idempotent (applying them twice changes nothing).
#include <string>

#include "google/protobuf/util/message_differencer.h"
#include "services/common/config.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = clinic::ParseConfig(text, "fuzz.textproto");
  if (!config.ok()) {
    CLINIC_FUZZ_CHECK(config.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    return 0;
  }
  clinic::ApplyConfigDefaults(&*config);
  clinic::v1::ServerConfig again = *config;
  clinic::ApplyConfigDefaults(&again);
  CLINIC_FUZZ_CHECK(
      google::protobuf::util::MessageDifferencer::Equals(*config, again));
  absl::Status valid = clinic::ValidateConfig(*config);
  CLINIC_FUZZ_CHECK(valid.ok() ||
                    valid.code() == absl::StatusCode::kInvalidArgument);
  return 0;
}
