// Fuzzes audit export verification (`clinicd audit verify` / `clinicctl audit
// verify`): an export file is handed to whoever must check it, who cannot
// trust its contents, so VerifyExport must survive anything.
//
// Properties: never crashes; a status error only for unreadable input (never
// for a readable string); a report is either ok or names a problem; an ok
// report's event count matches its manifest, which verifies under the key.
#include <sstream>
#include <string>

#include "base/secret.h"
#include "services/audit/audit_chain.h"
#include "services/audit/export_verifier.h"
#include "storage/crypto/ed25519.h"
#include "tests/fuzz/fuzz_keys.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

const std::string& AuditPublicKey() {
  static const std::string* const key = [] {
    auto signer = *clinic::storage::Ed25519Signer::FromPrivateKey(
        clinic::SecretBytes(clinic::fuzz::AuditSigningKey()));
    return new std::string(signer->public_key());
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto report = clinic::audit::VerifyExport(in, AuditPublicKey());
  CLINIC_FUZZ_CHECK(report.ok());
  if (report->ok) {
    CLINIC_FUZZ_CHECK(report->problem.empty());
    CLINIC_FUZZ_CHECK(report->events == report->manifest.event_count());
    CLINIC_FUZZ_CHECK(clinic::storage::Ed25519Verify(
        AuditPublicKey(), clinic::audit::ManifestSigningInput(report->manifest),
        report->manifest.signature()));
  } else {
    CLINIC_FUZZ_CHECK(!report->problem.empty());
  }
  return 0;
}
