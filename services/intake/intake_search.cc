// SearchClients and CheckConflicts: the name-matching side of the intake
// service.
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/intake/intake_service.h"
#include "services/intake/intake_store.h"
#include "services/intake/intake_validation.h"

namespace clinic {
namespace {

using storage::Connection;

constexpr double kDefaultSearchMinScore = 0.5;
constexpr double kDefaultConflictMinScore = 0.75;

absl::Status ValidateMinScore(absl::string_view field, double score) {
  if (!(score >= 0 && score <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be between 0 and 1"));
  }
  return absl::OkStatus();
}

// "cases/abc/parties/3" -> ("cases/abc", 3).
bool ParsePartyId(absl::string_view id, std::string* case_name, int* index) {
  size_t at = id.find("/parties/");
  if (at == absl::string_view::npos) return false;
  *case_name = std::string(id.substr(0, at));
  return absl::SimpleAtoi(id.substr(at + 9), index);
}

}  // namespace

grpc::Status IntakeServiceImpl::SearchClients(
    grpc::ServerContext* ctx, const v1::SearchClientsRequest* req,
    v1::SearchClientsResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    std::string query(absl::StripAsciiWhitespace(req->query()));
    CLINIC_RETURN_IF_ERROR(ValidateText("query", query, 1, 300));
    CLINIC_ASSIGN_OR_RETURN(int limit,
                            EffectivePageSize(req->page_size(), 20, 100));
    double min_score =
        req->min_score() == 0 ? kDefaultSearchMinScore : req->min_score();
    CLINIC_RETURN_IF_ERROR(ValidateMinScore("min_score", min_score));
    PersonRecord probe;
    // A free-text query may be in any script and any order: let the matcher
    // split it.
    probe.name.set_given_names(query);
    if (req->has_birth_date()) {
      CLINIC_RETURN_IF_ERROR(
          ValidatePartialDate("birth_date", req->birth_date(), Today()));
      probe.birth_date = req->birth_date();
    }
    if (!req->citizenship().empty()) {
      if (!intake::IsCountryCode(req->citizenship())) {
        return absl::InvalidArgumentError(
            "citizenship must be an ISO 3166-1 code such as \"ER\"");
      }
      probe.citizenships.push_back(req->citizenship());
    }
    // Ask for more than needed: people the caller may not see are dropped
    // below.
    std::vector<PersonMatch> matches =
        matcher_->Search(probe, limit * 4 + 20, min_score);
    return db_->Read([&](Connection& c) -> absl::Status {
      for (const PersonMatch& m : matches) {
        if (resp->results_size() >= limit) break;
        if (!absl::StartsWith(m.id, "clients/")) continue;
        const std::string id = ResourceId(m.id);
        if (!CheckClientAccess(c, caller, id, m.id).ok()) continue;
        CLINIC_ASSIGN_OR_RETURN(auto client, intake_store::FindClient(c, id));
        if (!client) continue;
        v1::ClientMatch* result = resp->add_results();
        *result->mutable_client() = *client;
        result->set_score(m.score);
        for (const std::string& r : m.reasons) result->add_reasons(r);
      }
      return absl::OkStatus();
    });
  });
}

absl::Status IntakeServiceImpl::DoCheckConflicts(
    const Caller& caller, const v1::CheckConflictsRequest& req,
    v1::ConflictCheck* resp) {
  if (req.subjects().empty() || req.subjects_size() > 20) {
    return absl::InvalidArgumentError("subjects must list 1 to 20 people");
  }
  double min_score =
      req.min_score() == 0 ? kDefaultConflictMinScore : req.min_score();
  CLINIC_RETURN_IF_ERROR(ValidateMinScore("min_score", min_score));
  if (!req.case_().empty()) {
    CLINIC_RETURN_IF_ERROR(ValidateResourceName("case", req.case_(), "cases"));
  }
  v1::ConflictCheck check;
  for (int i = 0; i < req.subjects_size(); ++i) {
    v1::ConflictSubject subject = req.subjects(i);
    CLINIC_RETURN_IF_ERROR(intake::NormalizeConflictSubject(
        absl::StrCat("subjects[", i, "]"), &subject, Today()));
    *check.add_subjects() = subject;
  }
  const std::string id = TimeOrderedId();
  check.set_name(absl::StrCat("conflictChecks/", id));
  check.set_run_by(caller.user_resource());
  check.set_case_(req.case_());
  *check.mutable_create_time() = ToProtoTime(clock_->Now());
  // Every run starts from no matches and assigns the outcome, so group commit
  // may run it again (Repeat::kSafe).
  auto record = [&](Connection& c) -> absl::Status {
    check.clear_matches();
    if (!req.case_().empty()) {
      CLINIC_ASSIGN_OR_RETURN(
          auto kase, intake_store::FindCase(c, ResourceId(req.case_())));
      if (!kase)
        return absl::NotFoundError(absl::StrCat(req.case_(), " was not found"));
    }
    for (int i = 0; i < check.subjects_size(); ++i) {
      const v1::ConflictSubject& subject = check.subjects(i);
      PersonRecord probe;
      probe.name = subject.name();
      if (subject.has_birth_date()) probe.birth_date = subject.birth_date();
      probe.citizenships.assign(subject.citizenships().begin(),
                                subject.citizenships().end());
      for (const PersonMatch& m : matcher_->Search(probe, 50, min_score)) {
        if (!subject.client().empty() && m.id == subject.client()) continue;
        v1::ConflictMatch match;
        match.set_subject_index(i);
        match.set_score(m.score);
        for (const std::string& r : m.reasons) match.add_reasons(r);
        std::string case_name;
        int party_index = 0;
        if (absl::StartsWith(m.id, "clients/")) {
          CLINIC_ASSIGN_OR_RETURN(
              auto client, intake_store::FindClient(c, ResourceId(m.id)));
          if (!client) continue;
          match.set_kind(v1::ConflictMatch::KIND_CLIENT);
          match.set_client(m.id);
          *match.mutable_matched_name() = client->legal_name();
        } else if (ParsePartyId(m.id, &case_name, &party_index)) {
          CLINIC_ASSIGN_OR_RETURN(
              auto kase, intake_store::FindCase(c, ResourceId(case_name)));
          if (!kase || party_index >= kase->related_parties_size()) continue;
          const v1::RelatedParty& party = kase->related_parties(party_index);
          match.set_kind(party.role() == v1::PARTY_ROLE_ADVERSE
                             ? v1::ConflictMatch::KIND_ADVERSE_PARTY
                             : v1::ConflictMatch::KIND_RELATED_PARTY);
          match.set_case_(case_name);
          *match.mutable_matched_name() = party.name();
        } else {
          continue;
        }
        *check.add_matches() = std::move(match);
      }
    }
    check.set_outcome(check.matches().empty()
                          ? v1::ConflictCheck::OUTCOME_CLEAR
                          : v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT);
    return intake_store::InsertConflictCheck(c, id, check);
  };
  CLINIC_RETURN_IF_ERROR(db_->Write(record, storage::Database::Repeat::kSafe));
  *resp = check;
  return absl::OkStatus();
}

grpc::Status IntakeServiceImpl::CheckConflicts(
    grpc::ServerContext* ctx, const v1::CheckConflictsRequest* req,
    v1::ConflictCheck* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(DoCheckConflicts(caller, *req, resp));
    AuditResource(ctx, resp->name());
    return absl::OkStatus();
  });
}

}  // namespace clinic
