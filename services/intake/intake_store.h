// The intake service's database: clients, family links, cases with their team
// and clients, related parties and recorded conflict checks. Records are stored
// as serialized protos (inside the encrypted database) beside the columns that
// queries filter and sort on. Functions take a Connection so a handler composes
// them in one transaction.
#ifndef CLINIC_SERVICES_INTAKE_INTAKE_STORE_H_
#define CLINIC_SERVICES_INTAKE_INTAKE_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clinic/v1/intake.pb.h"
#include "storage/database.h"

namespace clinic {
namespace intake_store {

using storage::Connection;

std::vector<storage::Migration> Migrations();

// ---- Clients (etag = version) ----
absl::StatusOr<std::optional<v1::Client>> FindClient(Connection& c,
                                                     const std::string& id);
// The client created under `request_id`, if any.
absl::StatusOr<std::optional<v1::Client>> FindClientByRequestId(
    Connection& c, const std::string& request_id);
absl::Status InsertClient(Connection& c, const std::string& id,
                          v1::Client* client, const std::string& request_id,
                          const std::string& created_by);
// Stores `client`; ABORTED unless the stored version equals `expected_version`.
absl::Status UpdateClient(Connection& c, const std::string& id,
                          v1::Client* client, int64_t expected_version);
// Clients ordered newest first, after the given (create_time, id) position.
absl::StatusOr<std::vector<v1::Client>> ListClients(
    Connection& c, int64_t before_time, const std::string& before_id, int limit,
    const std::string& visible_to_lawyer);
// Every client (for building the search index at start-up).
absl::Status ForEachClient(Connection& c,
                           const std::function<void(const v1::Client&)>& fn);

// ---- Cases (etag = version) ----
absl::StatusOr<std::optional<v1::Case>> FindCase(Connection& c,
                                                 const std::string& id);
absl::StatusOr<std::optional<v1::Case>> FindCaseByRequestId(
    Connection& c, const std::string& request_id);
// Assigns the human case number for the open date's year.
absl::Status InsertCase(Connection& c, const std::string& id, v1::Case* kase,
                        const std::string& request_id);
absl::Status UpdateCase(Connection& c, const std::string& id, v1::Case* kase,
                        int64_t expected_version);

struct CaseFilter {
  v1::CaseStatus status = v1::CASE_STATUS_UNSPECIFIED;
  v1::CaseType type = v1::CASE_TYPE_UNSPECIFIED;
  std::string team_member;  // "users/x"
  std::string client;       // "clients/x"
};
// Cases by (open_date, id) after the position, at most `limit`.
absl::StatusOr<std::vector<v1::Case>> ListCases(
    Connection& c, const CaseFilter& filter, const std::string& after_open_date,
    const std::string& after_id, int limit);

// One page of ListCases: at most `page_size` cases, resuming after
// `page_token` (one this function made; INVALID_ARGUMENT naming page_token
// otherwise); `next_page_token` is empty after the last page.
absl::StatusOr<std::vector<v1::Case>> ListCasePage(
    Connection& c, const CaseFilter& filter, const std::string& page_token,
    int page_size, std::string* next_page_token);

// True if `client_id` is principal or dependant on a case whose team includes
// `user`.
absl::StatusOr<bool> ClientOnUsersCase(Connection& c,
                                       const std::string& client_id,
                                       const std::string& user);
// True if `client_id` is on case `case_id`.
absl::StatusOr<bool> ClientOnCase(Connection& c, const std::string& client_id,
                                  const std::string& case_id);

// Every related party on every case, with its case name (for conflict checks).
absl::Status ForEachRelatedParty(
    Connection& c, const std::function<void(const std::string& case_name,
                                            const v1::RelatedParty&)>& fn);

// What other services may know of `kase` (no client data).
v1::CaseSummary SummaryOf(const v1::Case& kase);

// ---- Erasure (the retention sweep) ----
// Deletes case `id` with its team and client links.
absl::Status DeleteCase(Connection& c, const std::string& id);
// Number of cases `client` ("clients/x") is principal or dependant on.
absl::StatusOr<int> CountCasesOfClient(Connection& c,
                                       const std::string& client);
// Deletes client `id` (its idempotency key goes with it).
absl::Status DeleteClient(Connection& c, const std::string& id);

// ---- Conflict checks ----
absl::Status InsertConflictCheck(Connection& c, const std::string& id,
                                 const v1::ConflictCheck& check);
absl::StatusOr<std::optional<v1::ConflictCheck>> FindConflictCheck(
    Connection& c, const std::string& id);
absl::StatusOr<std::vector<v1::ConflictCheck>> ListConflictChecks(
    Connection& c, const std::string& case_name, int64_t before_time,
    const std::string& before_id, int limit);
// Every recorded check with its id; `fn` may not use `c`.
absl::Status ForEachConflictCheck(
    Connection& c,
    const std::function<void(const std::string& id, v1::ConflictCheck check)>&
        fn);
absl::Status ReplaceConflictCheck(Connection& c, const std::string& id,
                                  const v1::ConflictCheck& check);
absl::Status DeleteConflictCheck(Connection& c, const std::string& id);

}  // namespace intake_store
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_INTAKE_STORE_H_
