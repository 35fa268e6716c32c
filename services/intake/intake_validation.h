// Validation and normalisation of intake records: people (clients), related
// parties and cases. Every field is checked; the first problem is reported as
// INVALID_ARGUMENT naming the field (e.g.
// "client.contact.address.postal_code"). Normalisation puts identifiers in
// their canonical form (UCI "0000-0000", postal code "A1A 1A1", citizenship
// "ER").
//
// Thread-safe (no state).
#ifndef CLINIC_SERVICES_INTAKE_INTAKE_VALIDATION_H_
#define CLINIC_SERVICES_INTAKE_INTAKE_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/intake.pb.h"

namespace clinic {
namespace intake {

// True for an ISO 3166-1 alpha-2 code (and XK, Kosovo), uppercase.
bool IsCountryCode(absl::string_view code);

// "0000-0000" / "00-0000-0000" from digits or either hyphenated form;
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::string> NormalizeUci(absl::string_view field,
                                         absl::string_view uci);

// "MB4-01234" (upper-cased); INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> NormalizeIrbFileNumber(absl::string_view field,
                                                   absl::string_view number);

// "A1A 1A1"; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> NormalizePostalCode(absl::string_view field,
                                                absl::string_view code);

// Validates and normalises the fields of `client` named in `fields` (top-level
// Client field names; all input fields when empty). Output-only fields are
// ignored.
absl::Status NormalizeClient(v1::Client* client, absl::CivilDay today,
                             const std::vector<std::string>& fields = {});

// A person's name; `require_some` demands a given or family name.
absl::Status NormalizePersonName(absl::string_view field, v1::PersonName* name,
                                 bool require_some);

absl::Status NormalizeRelatedParty(absl::string_view field,
                                   v1::RelatedParty* party,
                                   absl::CivilDay today);

absl::Status NormalizeConflictSubject(absl::string_view field,
                                      v1::ConflictSubject* subject,
                                      absl::CivilDay today);

// The case fields a client may set (see OpenCaseRequest / UpdateCaseRequest);
// `fields` as for NormalizeClient. Does not check that referenced clients
// exist.
absl::Status NormalizeCaseInput(v1::Case* c, absl::CivilDay today,
                                const std::vector<std::string>& fields = {});

// The IRB region that hears claims from `province`.
v1::IrbRegion DefaultRegion(v1::Province province);

// OK if a case may move from `from` to `to` (see CaseStatus in intake.proto);
// FAILED_PRECONDITION naming both otherwise.
absl::Status CheckTransition(v1::CaseStatus from, v1::CaseStatus to);

}  // namespace intake
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_INTAKE_VALIDATION_H_
