// The retention sweep: which closed cases are past their retention period,
// which of those a legal hold keeps, and their destruction (documents
// crypto-shredded, client data erased) through the services that own the
// records.
//
// A case is due when it is closed, has a close date, and `as_of` is after
// close date + the years of its retention class (the server's default class
// when it names none; see clinic.v1.RetentionConfig). A due case under legal
// hold is listed as held and left alone. A case whose class this server does
// not know is never destroyed (it is left for an administrator to fix). The
// dry run computes exactly the same plan as the real run and performs none of
// its actions.
//
// The sweep never sees client data: it works on CaseSummary (names of
// resources, dates, classes) and counts.
//
// Thread-safe if the backend is.
#ifndef CLINIC_SERVICES_ADMIN_RETENTION_H_
#define CLINIC_SERVICES_ADMIN_RETENTION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/admin.pb.h"
#include "clinic/v1/config.pb.h"
#include "clinic/v1/intake.pb.h"

namespace clinic {
namespace retention {

// What the sweep needs from the services that own the records.
class RetentionBackend {
 public:
  virtual ~RetentionBackend() = default;
  // Every closed case, with its retention and close date.
  virtual absl::StatusOr<std::vector<v1::CaseSummary>> ClosedCases() = 0;
  // The case as it is now (the real run checks again just before destroying
  // it, so that a hold set or a case reopened since the listing is obeyed).
  virtual absl::StatusOr<v1::CaseSummary> CurrentSummary(
      const std::string& kase) = 0;
  // Documents of `kase` ("cases/{id}") that a real run would shred.
  virtual absl::StatusOr<int> CountDocuments(const std::string& kase) = 0;
  // Crypto-shreds every document of `kase`; returns how many were destroyed.
  virtual absl::StatusOr<int> ShredDocuments(const std::string& kase,
                                             const std::string& reason) = 0;
  // Erases the case's records in every other service (deadlines, hearings)
  // and then the case and the client data of `kase` (what remains is the
  // audit record); returns how many clients' records were erased.
  virtual absl::StatusOr<int> EraseCase(const v1::CaseSummary& kase,
                                        const std::string& reason) = 0;
};

struct Plan {
  // Due and not held, in case-name order.
  std::vector<v1::RetentionAction> destroy;
  // Due but under legal hold ("cases/{id}").
  std::vector<std::string> held;
};

// The plan for `cases` on `as_of` (pure; no backend calls).
Plan PlanSweep(const std::vector<v1::CaseSummary>& cases, absl::CivilDay as_of,
               const v1::RetentionConfig& config);

// Runs the sweep: plans, then (unless `dry_run`) for each due case, in order,
// checks it is still due (CurrentSummary; a case no longer due is skipped, and
// listed as held if a hold now protects it), shreds its documents and erases
// its client data. `destroyed` receives the
// name of each case once destroyed (for the audit event), also when a later
// case fails. Stops at the first backend error and returns it.
absl::StatusOr<v1::RunRetentionSweepResponse> RunSweep(
    RetentionBackend& backend, const v1::RetentionConfig& config,
    absl::CivilDay as_of, bool dry_run, std::vector<std::string>* destroyed);

}  // namespace retention
}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_RETENTION_H_
