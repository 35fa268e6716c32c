// Fuzzes clinicctl's configuration file parser (ParseClientConfig). The file
// lives in the user's config directory, but may be copied from anywhere and
// edited by hand.
//
// Properties: never crashes; errors are INVALID_ARGUMENT; what parses renders
// and parses back to the same settings.
#include <string>

#include "clients/clinicctl/config_file.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = clinic::cli::ParseClientConfig(text);
  if (!config.ok()) {
    CLINIC_FUZZ_CHECK(config.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    return 0;
  }
  auto again =
      clinic::cli::ParseClientConfig(clinic::cli::RenderClientConfig(*config));
  CLINIC_FUZZ_CHECK(again.ok());
  CLINIC_FUZZ_CHECK(again->server == config->server);
  CLINIC_FUZZ_CHECK(again->ca == config->ca);
  CLINIC_FUZZ_CHECK(again->services == config->services);
  return 0;
}
