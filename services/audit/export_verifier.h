// Audit exports: the file format and its offline verification (`clinicctl audit
// verify`).
//
// An export file is JSON Lines: one clinic.v1.AuditEvent per line (proto3 JSON,
// field names as in the .proto), then one last line {"manifest":
// <clinic.v1.ExportManifest>}. The manifest is signed with the audit key over
// audit::ManifestSigningInput; it carries the SHA-256 of all event lines, their
// count, and the first and last sequence and hash.
//
// Verification needs the audit public key obtained separately (`clinicctl audit
// key`): a key inside the file would prove nothing.
//
// Thread-safe (no state).
#ifndef CLINIC_SERVICES_AUDIT_EXPORT_VERIFIER_H_
#define CLINIC_SERVICES_AUDIT_EXPORT_VERIFIER_H_

#include <cstdint>
#include <istream>
#include <string>

#include "absl/status/statusor.h"
#include "clinic/v1/audit.pb.h"

namespace clinic {
namespace audit {

// One event as an export line (with the trailing newline).
std::string EventToJsonLine(const v1::AuditEvent& event);

// The manifest as the export's last line (with the trailing newline).
std::string ManifestToJsonLine(const v1::ExportManifest& manifest);

struct ExportReport {
  bool ok = false;
  int64_t events = 0;
  // Where verification failed: 1-based line number and event sequence (0 if
  // unknown).
  int64_t bad_line = 0;
  int64_t bad_sequence = 0;
  std::string problem;
  v1::ExportManifest manifest;
};

// Reads an export from `in` and checks it against `public_key` (raw 32-byte
// Ed25519). The report says exactly what is wrong and where; an error status
// only for unreadable input.
absl::StatusOr<ExportReport> VerifyExport(std::istream& in,
                                          const std::string& public_key);

}  // namespace audit
}  // namespace clinic

#endif  // CLINIC_SERVICES_AUDIT_EXPORT_VERIFIER_H_
