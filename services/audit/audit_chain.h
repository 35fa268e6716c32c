// The audit log's hash chain, signed heads and signed export manifests: the
// parts that both the server and the offline verifier (`clinicctl audit
// verify`) must compute alike.
//
// Canonical encoding of an event (fields 1..12 of clinic.v1.AuditEvent), one
// "key=value" line each, in this order, strings as JSON string literals:
//
//   clinic.audit.v1
//   sequence=<decimal>
//   time=<unix seconds>.<9-digit nanoseconds>
//   request_id="..."   user="..."   roles=<comma-separated role numbers>
//   method="..."   action=<number>   resources=["...","..."]
//   status_code=<decimal>   peer="..."   service="..."   reason="..."
//
// (each on its own line, in the order listed). The hash of event n is
// SHA-256(hash of event n-1 || canonical(event n)), with 32 zero bytes before
// event 1.
//
// Thread-safe (no state) except ChainChecker, which is thread-compatible.
#ifndef CLINIC_SERVICES_AUDIT_AUDIT_CHAIN_H_
#define CLINIC_SERVICES_AUDIT_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "clinic/v1/audit.pb.h"

namespace clinic {
namespace audit {

// 32 zero bytes: the "previous hash" of event 1.
const std::string& GenesisHash();

std::string CanonicalEvent(const v1::AuditEvent& event);

// SHA-256(previous_hash || CanonicalEvent(event)).
std::string EventHash(absl::string_view previous_hash,
                      const v1::AuditEvent& event);

// What a chain-head signature covers.
std::string HeadSigningInput(int64_t sequence, absl::string_view hash);

// What an export-manifest signature covers (the manifest without its
// signature).
std::string ManifestSigningInput(const v1::ExportManifest& manifest);

// Checks events fed in order, remembering the first problem.
class ChainChecker {
 public:
  // `expect_linked`: events are consecutive (a whole range of the chain), so
  // sequence numbers and previous hashes must link; otherwise (a filtered
  // export) each event is checked on its own.
  explicit ChainChecker(bool expect_linked) : linked_(expect_linked) {}

  // Returns false once a problem has been found (further events are ignored).
  bool Add(const v1::AuditEvent& event);

  bool ok() const { return first_bad_ == 0; }
  int64_t first_bad_sequence() const { return first_bad_; }
  const std::string& problem() const { return problem_; }
  int64_t checked() const { return checked_; }
  // Hash and sequence of the last good event.
  const std::string& last_hash() const { return last_hash_; }
  int64_t last_sequence() const { return last_sequence_; }

 private:
  void Fail(int64_t sequence, std::string problem);

  const bool linked_;
  int64_t checked_ = 0;
  int64_t last_sequence_ = 0;
  std::string last_hash_;
  int64_t first_bad_ = 0;
  std::string problem_;
};

}  // namespace audit
}  // namespace clinic

#endif  // CLINIC_SERVICES_AUDIT_AUDIT_CHAIN_H_
