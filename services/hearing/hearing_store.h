// The hearing service's database (SQLCipher): hearings stored as serialized
// protos beside the columns queries filter on, one row per person a hearing
// occupies (for conflict and availability queries), and the history of every
// version of every hearing (who changed it, how). Functions take a Connection
// so a handler composes them in one transaction. Etags are the row version.
//
// Errors: ABORTED when an update's expected version is stale; DATA_LOSS when a
// stored record cannot be parsed; otherwise the database's codes.
#ifndef CLINIC_SERVICES_HEARING_HEARING_STORE_H_
#define CLINIC_SERVICES_HEARING_HEARING_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clinic/v1/hearing.pb.h"
#include "services/hearing/conflicts.h"
#include "storage/database.h"

namespace clinic {
namespace hearing_store {

using storage::Connection;

std::vector<storage::Migration> Migrations();

// The time a hearing occupies and the people it needs (attendees as stored).
hearing::Booking BookingOf(const v1::Hearing& h);
hearing::Parties PartiesOf(const v1::Hearing& h);
// Whether a hearing with this status still occupies people's time.
bool Occupies(v1::HearingStatus status);

// The hearing `id` (any case), with its etag.
absl::StatusOr<std::optional<v1::Hearing>> Find(Connection& c,
                                                const std::string& id);
// The hearing created under `request_id` by `actor`, if any.
absl::StatusOr<std::optional<v1::Hearing>> FindByRequestId(
    Connection& c, const std::string& request_id);

// Inserts `h` (name "cases/{case}/hearings/{id}" set) as version 1; sets its
// etag. `action` and `actor` go to the history.
absl::Status Insert(Connection& c, v1::Hearing* h,
                    const std::string& request_id, const std::string& actor,
                    const std::string& action);

// Replaces the hearing; ABORTED unless the stored version is
// `expected_version`. Sets the new etag.
absl::Status Update(Connection& c, v1::Hearing* h, int64_t expected_version,
                    const std::string& actor, const std::string& action);

// Bookings of one person whose start is in [from, to), by start.
absl::StatusOr<std::vector<hearing::Booking>> BookingsOf(
    Connection& c, hearing::PartyKind who, const std::string& party,
    absl::Time from, absl::Time to);

struct ListQuery {
  // One of these.
  std::string case_id;
  std::string counsel;  // "users/x"
  absl::Time start_after = absl::InfinitePast();
  absl::Time start_before = absl::InfiniteFuture();
  bool include_cancelled = false;
  // Resume after this (start, id).
  int64_t after_start_micros = INT64_MIN;
  std::string after_id;
  int limit = 100;
};
// Hearings by (start, id).
absl::StatusOr<std::vector<v1::Hearing>> List(Connection& c,
                                              const ListQuery& query);

struct HistoryEntry {
  int64_t version;
  absl::Time time;
  std::string actor;
  std::string action;
  v1::Hearing record;
};
// Every stored version of hearing `id`, oldest first.
absl::StatusOr<std::vector<HistoryEntry>> History(Connection& c,
                                                  const std::string& id);

// Erases the hearings of case `case_id` with their parties and history;
// returns how many hearings went.
absl::StatusOr<int> ForgetCase(Connection& c, const std::string& case_id);

}  // namespace hearing_store
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_HEARING_STORE_H_
