// Erasing a closed case and its client data for the retention sweep, inside
// one transaction of the intake database. What goes:
//   - the case record, its team and client links (its related parties with it);
//   - each client on the case who is on no other case, and the family links
//     other clients hold to them;
//   - conflict checks run for the case or about an erased client;
// and in every other conflict check, matches against an erased client or a
// party of the case keep only that a record matched (no name, no reasons).
// Clients still on another case are kept whole.
//
// The caller removes `removed_people` from the name index after the commit and
// checkpoints the write-ahead log so that no copy lingers there.
#ifndef CLINIC_SERVICES_INTAKE_CASE_ERASURE_H_
#define CLINIC_SERVICES_INTAKE_CASE_ERASURE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clinic/v1/intake.pb.h"
#include "storage/database.h"

namespace clinic {
namespace intake {

struct CaseErasure {
  std::vector<std::string> erased_clients;  // "clients/x"
  std::vector<std::string> kept_clients;
  int conflict_checks_erased = 0;
  int conflict_checks_redacted = 0;
  // Ids of PersonRecords to drop from the name index (clients and parties).
  std::vector<std::string> removed_people;
};

// Erases `kase` as above. FAILED_PRECONDITION unless it is closed and not
// under legal hold (the sweep planned on a summary that may since have
// changed).
absl::StatusOr<CaseErasure> EraseCaseRecords(storage::Connection& c,
                                             const v1::Case& kase);

}  // namespace intake
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_CASE_ERASURE_H_
