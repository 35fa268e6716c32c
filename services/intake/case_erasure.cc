#include "services/intake/case_erasure.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/etag.h"
#include "services/common/validation.h"
#include "services/intake/intake_store.h"

namespace clinic {
namespace intake {
namespace {

using storage::Connection;

constexpr char kRedacted[] =
    "the matched record was destroyed by the retention sweep";

// Removes the links other clients hold to `erased`.
absl::Status UnlinkFamily(Connection& c, const v1::Client& erased) {
  for (const v1::FamilyLink& link : erased.family_links()) {
    const std::string other_id = ResourceId(link.client());
    CLINIC_ASSIGN_OR_RETURN(auto other, intake_store::FindClient(c, other_id));
    if (!other) continue;
    CLINIC_ASSIGN_OR_RETURN(int64_t version, ParseEtag("etag", other->etag()));
    auto* links = other->mutable_family_links();
    links->erase(std::remove_if(links->begin(), links->end(),
                                [&](const v1::FamilyLink& l) {
                                  return l.client() == erased.name();
                                }),
                 links->end());
    CLINIC_RETURN_IF_ERROR(
        intake_store::UpdateClient(c, other_id, &*other, version));
  }
  return absl::OkStatus();
}

// Erases or redacts recorded conflict checks; see the header.
absl::Status ForgetInConflictChecks(Connection& c, const v1::Case& kase,
                                    const std::set<std::string>& erased,
                                    CaseErasure* out) {
  std::vector<std::pair<std::string, v1::ConflictCheck>> checks;
  CLINIC_RETURN_IF_ERROR(intake_store::ForEachConflictCheck(
      c, [&](const std::string& id, v1::ConflictCheck check) {
        checks.emplace_back(id, std::move(check));
      }));
  for (auto& [id, check] : checks) {
    bool about_them =
        check.case_() == kase.name() || check.name() == kase.conflict_check();
    for (const v1::ConflictSubject& subject : check.subjects()) {
      about_them = about_them || erased.count(subject.client()) > 0;
    }
    if (about_them) {
      CLINIC_RETURN_IF_ERROR(intake_store::DeleteConflictCheck(c, id));
      ++out->conflict_checks_erased;
      continue;
    }
    bool redacted = false;
    for (v1::ConflictMatch& match : *check.mutable_matches()) {
      if (erased.count(match.client()) == 0 && match.case_() != kase.name()) {
        continue;
      }
      match.clear_matched_name();
      match.clear_reasons();
      match.add_reasons(kRedacted);
      redacted = true;
    }
    if (redacted) {
      CLINIC_RETURN_IF_ERROR(intake_store::ReplaceConflictCheck(c, id, check));
      ++out->conflict_checks_redacted;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CaseErasure> EraseCaseRecords(Connection& c,
                                             const v1::Case& kase) {
  if (kase.status() != v1::CASE_STATUS_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat(kase.name(), " is not closed; only closed cases expire"));
  }
  if (kase.retention().legal_hold()) {
    return absl::FailedPreconditionError(
        absl::StrCat(kase.name(), " is under legal hold"));
  }
  CaseErasure out;
  CLINIC_RETURN_IF_ERROR(intake_store::DeleteCase(c, ResourceId(kase.name())));
  for (int i = 0; i < kase.related_parties_size(); ++i) {
    out.removed_people.push_back(absl::StrCat(kase.name(), "/parties/", i));
  }
  std::vector<std::string> people = {kase.principal_client()};
  people.insert(people.end(), kase.dependant_clients().begin(),
                kase.dependant_clients().end());
  std::set<std::string> erased;
  for (const std::string& person : people) {
    CLINIC_ASSIGN_OR_RETURN(int other_cases,
                            intake_store::CountCasesOfClient(c, person));
    if (other_cases > 0) {
      out.kept_clients.push_back(person);
      continue;
    }
    const std::string id = ResourceId(person);
    CLINIC_ASSIGN_OR_RETURN(auto client, intake_store::FindClient(c, id));
    if (client) {
      CLINIC_RETURN_IF_ERROR(UnlinkFamily(c, *client));
      CLINIC_RETURN_IF_ERROR(intake_store::DeleteClient(c, id));
    }
    erased.insert(person);
    out.erased_clients.push_back(person);
    out.removed_people.push_back(person);
  }
  CLINIC_RETURN_IF_ERROR(ForgetInConflictChecks(c, kase, erased, &out));
  return out;
}

}  // namespace intake
}  // namespace clinic
