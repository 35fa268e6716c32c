// The deadline service's SQLCipher database: case events, deadlines (each with
// the case facts it was computed with, so a rule change can recompute it
// without asking the intake service), idempotent request replies and the
// installed rule file.
//
// Records are serialized protobuf messages beside the columns queries need.
// Every function runs inside a Database::Write or Read callback.
#ifndef CLINIC_SERVICES_DEADLINE_DEADLINE_STORE_H_
#define CLINIC_SERVICES_DEADLINE_DEADLINE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clinic/v1/deadline.pb.h"
#include "clinic/v1/intake.pb.h"
#include "storage/database.h"

namespace clinic {
namespace deadline_store {

using storage::Connection;

std::vector<storage::Migration> Migrations();

// A deadline as stored. `deadline.etag` mirrors `version`.
struct StoredDeadline {
  std::string id;
  std::string case_id;
  // The hearing ("cases/c/hearings/h") for hearing-relative deadlines, else "".
  std::string subject;
  // The deadline this one runs from, or "".
  std::string parent_id;
  // The case facts (type, province, IRB region, conditions) it was computed
  // with.
  v1::CaseSummary facts;
  int64_t version = 0;
  v1::Deadline deadline;
};

absl::Status InsertEvent(Connection& c, const std::string& id,
                         const std::string& case_id,
                         const v1::CaseEvent& event);

// Events of a case with a sequence number above `after_seq`, oldest first, at
// most `limit`; each with its sequence number.
absl::StatusOr<std::vector<std::pair<int64_t, v1::CaseEvent>>> ListEvents(
    Connection& c, const std::string& case_id, int64_t after_seq, int limit);

absl::StatusOr<std::optional<StoredDeadline>> FindDeadline(
    Connection& c, const std::string& id);

// Sets version 1.
absl::Status InsertDeadline(Connection& c, StoredDeadline& d);

// Writes `d` if its stored version is still `d.version`, then increments it.
// ABORTED otherwise.
absl::Status UpdateDeadline(Connection& c, StoredDeadline& d);

// Open deadlines of a case (every case when `case_id` is empty), by due date.
absl::StatusOr<std::vector<StoredDeadline>> OpenDeadlines(
    Connection& c, const std::string& case_id);

// A page of a case's deadlines ordered by (due date, id), after the key
// `after` ("" for the first page), only `statuses` when not empty.
absl::StatusOr<std::vector<StoredDeadline>> ListDeadlines(
    Connection& c, const std::string& case_id,
    const std::vector<v1::DeadlineStatus>& statuses, const std::string& after,
    int limit);

// The paging key of `d` for ListDeadlines.
std::string PageKey(const StoredDeadline& d);

// The reply stored for request id `request_id` of `username`, if any.
absl::StatusOr<std::optional<v1::RecordEventResponse>> FindReply(
    Connection& c, const std::string& request_id, const std::string& username);
absl::Status SaveReply(Connection& c, const std::string& request_id,
                       const std::string& username,
                       const v1::RecordEventResponse& reply);

// Erases the events, deadlines and stored replies of case `case_id`; returns
// how many events and deadlines went.
absl::StatusOr<int> ForgetCase(Connection& c, const std::string& case_id);

// The rule file a clinic installed with ReplaceRules, if any.
absl::StatusOr<std::optional<std::string>> InstalledRuleFile(Connection& c);
absl::Status SaveRuleFile(Connection& c, const std::string& text,
                          const std::string& installed_by, absl::Time when);

}  // namespace deadline_store
}  // namespace clinic

#endif  // CLINIC_SERVICES_DEADLINE_DEADLINE_STORE_H_
