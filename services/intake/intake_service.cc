#include "services/intake/intake_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/common/case_access.h"
#include "services/common/etag.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/intake/intake_store.h"
#include "services/intake/intake_validation.h"

namespace clinic {
namespace {

using storage::Connection;

constexpr int kConflictCheckValidDays = 30;

v1::Relationship Inverse(v1::Relationship r) {
  switch (r) {
    case v1::RELATIONSHIP_CHILD:
      return v1::RELATIONSHIP_PARENT;
    case v1::RELATIONSHIP_PARENT:
      return v1::RELATIONSHIP_CHILD;
    case v1::RELATIONSHIP_DEPENDANT:
      return v1::RELATIONSHIP_SUPPORTER;
    case v1::RELATIONSHIP_SUPPORTER:
      return v1::RELATIONSHIP_DEPENDANT;
    default:
      return r;  // spouse, common-law partner, sibling are symmetric
  }
}

bool HasLawyer(const v1::Case& k) {
  for (const v1::TeamMember& m : k.team()) {
    if (m.role() == v1::TEAM_ROLE_LEAD_LAWYER ||
        m.role() == v1::TEAM_ROLE_LAWYER)
      return true;
  }
  return false;
}

// Lower-case given + family name, for matching a conflict check's subjects to a
// client.
std::string NameKey(const v1::PersonName& n) {
  return absl::AsciiStrToLower(
      absl::StrCat(n.given_names(), "|", n.family_name()));
}

// The part of a case an administrator sees when setting a legal hold without
// break-glass.
v1::Case RecordsView(const v1::Case& k) {
  v1::Case view;
  view.set_name(k.name());
  view.set_case_number(k.case_number());
  view.set_status(k.status());
  *view.mutable_retention() = k.retention();
  if (k.has_close_date()) *view.mutable_close_date() = k.close_date();
  view.set_etag(k.etag());
  return view;
}

}  // namespace

IntakeServiceImpl::IntakeServiceImpl(ServiceContext& context,
                                     std::unique_ptr<storage::Database> db,
                                     std::unique_ptr<PersonMatcher> matcher)
    : context_(context),
      clock_(context.clock()),
      db_(std::move(db)),
      matcher_(std::move(matcher)) {}

absl::StatusOr<std::unique_ptr<IntakeServiceImpl>> IntakeServiceImpl::Create(
    ServiceContext& context, std::unique_ptr<PersonMatcher> matcher) {
  CLINIC_ASSIGN_OR_RETURN(
      auto db, context.OpenDatabase("intake", intake_store::Migrations()));
  std::unique_ptr<IntakeServiceImpl> service(
      new IntakeServiceImpl(context, std::move(db), std::move(matcher)));
  CLINIC_RETURN_IF_ERROR(service->db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        intake_store::ForEachClient(c, [&](const v1::Client& client) {
          service->matcher_->Upsert(RecordOf(client));
        }));
    std::map<std::string, int> next_index;
    return intake_store::ForEachRelatedParty(
        c, [&](const std::string& case_name, const v1::RelatedParty& party) {
          service->matcher_->Upsert(
              RecordOf(case_name, next_index[case_name]++, party));
        });
  }));
  IntakeServiceImpl* const self = service.get();
  context.case_access().SetLocal(
      [self](absl::string_view case_name) { return self->Summary(case_name); });
  return service;
}

IntakeServiceImpl::~IntakeServiceImpl() {
  context_.case_access().SetLocal(nullptr);
}

absl::StatusOr<v1::CaseSummary> IntakeServiceImpl::Summary(
    absl::string_view case_name) const {
  CLINIC_RETURN_IF_ERROR(ValidateResourceName("case", case_name, "cases"));
  v1::CaseSummary summary;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto kase,
                            intake_store::FindCase(c, ResourceId(case_name)));
    if (!kase) return clinic::NotFoundError(case_name);
    summary = intake_store::SummaryOf(*kase);
    return absl::OkStatus();
  }));
  return summary;
}

absl::CivilDay IntakeServiceImpl::Today() const {
  return clinic::Today(clock_->Now());
}

absl::Status IntakeServiceImpl::CheckClientAccess(Connection& c,
                                                  const Caller& caller,
                                                  const std::string& client_id,
                                                  const std::string& name) {
  if (caller.is_service()) return absl::OkStatus();
  if (!caller.break_glass_case.empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        bool on_case, intake_store::ClientOnCase(
                          c, client_id, ResourceId(caller.break_glass_case)));
    return on_case ? absl::OkStatus() : NotFoundError(name);
  }
  if (caller.HasRole(v1::ROLE_INTAKE)) return absl::OkStatus();
  if (caller.HasRole(v1::ROLE_LAWYER)) {
    CLINIC_ASSIGN_OR_RETURN(
        bool mine,
        intake_store::ClientOnUsersCase(c, client_id, caller.user_resource()));
    if (mine) return absl::OkStatus();
  }
  return NotFoundError(name);
}

absl::StatusOr<v1::Case> IntakeServiceImpl::LoadCaseFor(
    Connection& c, const Caller& caller, const std::string& name,
    absl::string_view field) {
  CLINIC_RETURN_IF_ERROR(ValidateResourceName(field, name, "cases"));
  CLINIC_ASSIGN_OR_RETURN(auto kase,
                          intake_store::FindCase(c, ResourceId(name)));
  if (!kase) return NotFoundError(name);
  CLINIC_RETURN_IF_ERROR(
      CheckCaseAccess(caller, intake_store::SummaryOf(*kase)));
  return *std::move(kase);
}

absl::Status IntakeServiceImpl::ApplyRetention(v1::Case* kase) const {
  const v1::RetentionConfig& config = context_.config().retention();
  std::string cls = kase->retention().retention_class();
  if (cls.empty()) cls = config.default_class();
  int years = -1;
  for (const auto& c : config.classes()) {
    if (c.name() == cls) years = c.years();
  }
  if (years < 0) {
    std::string known;
    for (const auto& c : config.classes())
      absl::StrAppend(&known, known.empty() ? "" : ", ", c.name());
    return absl::InvalidArgumentError(absl::StrCat(
        "case.retention.retention_class \"", cls,
        "\" is not a retention class of this clinic (", known, ")"));
  }
  if (kase->has_close_date()) {
    absl::CivilDay closed = ToCivilDay(kase->close_date());
    absl::CivilDay destroy(closed.year() + years, closed.month(), closed.day());
    *kase->mutable_retention()->mutable_destroy_after() = ToDate(destroy);
  } else {
    kase->mutable_retention()->clear_destroy_after();
  }
  return absl::OkStatus();
}

// ---- Clients
// -------------------------------------------------------------------------------

absl::Status IntakeServiceImpl::DoCreateClient(
    const Caller& caller, const v1::CreateClientRequest& req,
    v1::Client* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  v1::Client client = req.client();
  if (!client.family_links().empty()) {
    return absl::InvalidArgumentError(
        "client.family_links is set by AddFamilyLink, not on creation");
  }
  CLINIC_RETURN_IF_ERROR(intake::NormalizeClient(&client, Today()));
  const std::string id = TimeOrderedId();
  client.set_name(absl::StrCat("clients/", id));
  *client.mutable_create_time() = ToProtoTime(clock_->Now());
  *client.mutable_update_time() = client.create_time();
  bool replayed = false;
  // Every run assigns `client` and `replayed` afresh, so group commit may run
  // it again (Repeat::kSafe).
  auto insert = [&](Connection& c) -> absl::Status {
    if (!req.request_id().empty()) {
      CLINIC_ASSIGN_OR_RETURN(
          auto existing,
          intake_store::FindClientByRequestId(c, req.request_id()));
      if (existing) {
        client = *existing;
        replayed = true;
        return absl::OkStatus();
      }
    }
    return intake_store::InsertClient(c, id, &client, req.request_id(),
                                      caller.user_resource());
  };
  CLINIC_RETURN_IF_ERROR(db_->Write(insert, storage::Database::Repeat::kSafe));
  if (!replayed) matcher_->Upsert(RecordOf(client));
  *resp = client;
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoUpdateClient(
    const Caller& caller, const v1::UpdateClientRequest& req,
    v1::Client* resp) {
  static const std::set<std::string> kUpdatable = {"legal_name",
                                                   "other_names",
                                                   "birth_date",
                                                   "sex",
                                                   "gender_description",
                                                   "citizenships",
                                                   "stateless",
                                                   "languages",
                                                   "interpreter_language",
                                                   "contact",
                                                   "uci",
                                                   "irb_file_number",
                                                   "arrival",
                                                   "stca_exception",
                                                   "vulnerabilities"};
  CLINIC_RETURN_IF_ERROR(
      ValidateResourceName("client.name", req.client().name(), "clients"));
  if (req.update_mask().empty()) {
    return absl::InvalidArgumentError(
        "update_mask must name the fields to change");
  }
  std::vector<std::string> fields;
  for (const std::string& path : req.update_mask()) {
    if (!kUpdatable.count(path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: \"", path, "\" is not a field that can be changed"));
    }
    fields.push_back(path);
  }
  CLINIC_ASSIGN_OR_RETURN(int64_t version,
                          ParseEtag("client.etag", req.client().etag()));
  v1::Client incoming = req.client();
  CLINIC_RETURN_IF_ERROR(intake::NormalizeClient(&incoming, Today(), fields));
  const std::string id = ResourceId(req.client().name());
  v1::Client stored;
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto existing, intake_store::FindClient(c, id));
    if (!existing) return NotFoundError(req.client().name());
    CLINIC_RETURN_IF_ERROR(
        CheckClientAccess(c, caller, id, req.client().name()));
    CLINIC_RETURN_IF_ERROR(
        CheckEtag(req.client().name(), req.client().etag(), existing->etag()));
    stored = *existing;
    google::protobuf::FieldMask mask;
    for (const std::string& path : fields) mask.add_paths(path);
    google::protobuf::util::FieldMaskUtil::MergeOptions merge;
    merge.set_replace_message_fields(true);
    merge.set_replace_repeated_fields(true);
    google::protobuf::util::FieldMaskUtil::MergeMessageTo(incoming, mask, merge,
                                                          &stored);
    if (stored.stateless() && stored.citizenships_size() > 0) {
      return absl::InvalidArgumentError(
          "client.stateless cannot be set together with citizenships");
    }
    *stored.mutable_update_time() = ToProtoTime(clock_->Now());
    return intake_store::UpdateClient(c, id, &stored, version);
  }));
  matcher_->Upsert(RecordOf(stored));
  *resp = stored;
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoFamilyLink(const Caller& caller,
                                             const std::string& client,
                                             const std::string& etag,
                                             const std::string& other,
                                             v1::Relationship relationship,
                                             bool add, v1::Client* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateResourceName("client", client, "clients"));
  CLINIC_RETURN_IF_ERROR(ValidateResourceName(
      add ? "link.client" : "linked_client", other, "clients"));
  if (client == other) {
    return absl::InvalidArgumentError("a client cannot be linked to themself");
  }
  if (add) {
    CLINIC_RETURN_IF_ERROR(ValidateEnum("link.relationship", relationship,
                                        v1::Relationship_IsValid, true));
  }
  CLINIC_RETURN_IF_ERROR(ParseEtag("etag", etag).status());
  const std::string id = ResourceId(client), other_id = ResourceId(other);
  return db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto a, intake_store::FindClient(c, id));
    if (!a) return NotFoundError(client);
    CLINIC_RETURN_IF_ERROR(CheckClientAccess(c, caller, id, client));
    CLINIC_RETURN_IF_ERROR(CheckEtag(client, etag, a->etag()));
    CLINIC_ASSIGN_OR_RETURN(auto b, intake_store::FindClient(c, other_id));
    if (!b) return NotFoundError(other);
    CLINIC_RETURN_IF_ERROR(CheckClientAccess(c, caller, other_id, other));
    auto drop = [](v1::Client* person, const std::string& linked) {
      auto* links = person->mutable_family_links();
      links->erase(std::remove_if(links->begin(), links->end(),
                                  [&](const v1::FamilyLink& l) {
                                    return l.client() == linked;
                                  }),
                   links->end());
    };
    drop(&*a, other);
    drop(&*b, client);
    if (add) {
      v1::FamilyLink* forward = a->add_family_links();
      forward->set_client(other);
      forward->set_relationship(relationship);
      v1::FamilyLink* back = b->add_family_links();
      back->set_client(client);
      back->set_relationship(Inverse(relationship));
    }
    google::protobuf::Timestamp now = ToProtoTime(clock_->Now());
    *a->mutable_update_time() = now;
    *b->mutable_update_time() = now;
    CLINIC_RETURN_IF_ERROR(
        intake_store::UpdateClient(c, id, &*a, *ParseEtag("", a->etag())));
    CLINIC_RETURN_IF_ERROR(intake_store::UpdateClient(
        c, other_id, &*b, *ParseEtag("", b->etag())));
    *resp = *a;
    return absl::OkStatus();
  });
}

// ---- Cases
// ---------------------------------------------------------------------------------

absl::Status IntakeServiceImpl::DoOpenCase(const Caller& caller,
                                           const v1::OpenCaseRequest& req,
                                           v1::Case* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  v1::Case kase = req.case_();
  CLINIC_RETURN_IF_ERROR(intake::NormalizeCaseInput(&kase, Today()));
  CLINIC_RETURN_IF_ERROR(ValidateResourceName(
      "conflict_check", req.conflict_check(), "conflictChecks"));
  // Only what the opener may set; the rest is the server's.
  kase.clear_status();
  kase.clear_team();
  kase.clear_close_date();
  kase.clear_close_reason();
  kase.clear_close_note();
  kase.clear_case_number();
  std::set<std::string> members;
  for (int i = 0; i < req.team_size(); ++i) {
    std::string f = absl::StrCat("team[", i, "]");
    CLINIC_RETURN_IF_ERROR(ValidateUserName(f + ".user", req.team(i).user()));
    CLINIC_RETURN_IF_ERROR(ValidateEnum(f + ".role", req.team(i).role(),
                                        v1::TeamRole_IsValid, true));
    if (!members.insert(req.team(i).user()).second) {
      return absl::InvalidArgumentError(f + " names a member twice");
    }
    *kase.add_team() = req.team(i);
  }
  if (caller.is_user() && !members.count(caller.user_resource())) {
    v1::TeamMember* self = kase.add_team();
    self->set_user(caller.user_resource());
    self->set_role(caller.HasRole(v1::ROLE_INTAKE) ? v1::TEAM_ROLE_INTAKE_WORKER
                                                   : v1::TEAM_ROLE_LEAD_LAWYER);
  }
  const std::string id = TimeOrderedId();
  kase.set_name(absl::StrCat("cases/", id));
  kase.set_status(v1::CASE_STATUS_INTAKE);
  *kase.mutable_open_date() = ToDate(Today());
  kase.set_conflict_check(req.conflict_check());
  *kase.mutable_create_time() = ToProtoTime(clock_->Now());
  *kase.mutable_update_time() = kase.create_time();
  CLINIC_RETURN_IF_ERROR(ApplyRetention(&kase));

  bool replayed = false;
  // Every run assigns `kase` and `replayed` afresh, so group commit may run it
  // again (Repeat::kSafe).
  auto open = [&](Connection& c) -> absl::Status {
    if (!req.request_id().empty()) {
      CLINIC_ASSIGN_OR_RETURN(auto existing, intake_store::FindCaseByRequestId(
                                                 c, req.request_id()));
      if (existing) {
        kase = *existing;
        replayed = true;
        return absl::OkStatus();
      }
    }
    CLINIC_ASSIGN_OR_RETURN(
        auto principal,
        intake_store::FindClient(c, ResourceId(kase.principal_client())));
    if (!principal) return NotFoundError(kase.principal_client());
    for (const std::string& d : kase.dependant_clients()) {
      CLINIC_ASSIGN_OR_RETURN(auto dependant,
                              intake_store::FindClient(c, ResourceId(d)));
      if (!dependant) return NotFoundError(d);
    }
    CLINIC_ASSIGN_OR_RETURN(
        auto check,
        intake_store::FindConflictCheck(c, ResourceId(req.conflict_check())));
    if (!check) return NotFoundError(req.conflict_check());
    if (FromProtoTime(check->create_time()) <
        clock_->Now() - absl::Hours(24 * kConflictCheckValidDays)) {
      return absl::FailedPreconditionError(absl::StrCat(
          req.conflict_check(), " is older than ", kConflictCheckValidDays,
          " days; run a new conflict check"));
    }
    bool covers = false;
    for (const v1::ConflictSubject& s : check->subjects()) {
      covers |= NameKey(s.name()) == NameKey(principal->legal_name());
    }
    if (!covers) {
      return absl::FailedPreconditionError(
          absl::StrCat(req.conflict_check(),
                       " did not check the principal applicant; run a conflict "
                       "check that includes them"));
    }
    if (check->outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
      if (req.conflict_waiver_reason().empty()) {
        return absl::FailedPreconditionError(
            "the conflict check found possible conflicts: review them and give "
            "conflict_waiver_reason to open the case anyway");
      }
      CLINIC_RETURN_IF_ERROR(ValidateText("conflict_waiver_reason",
                                          req.conflict_waiver_reason(), 20,
                                          2000, true));
    }
    return intake_store::InsertCase(c, id, &kase, req.request_id());
  };
  CLINIC_RETURN_IF_ERROR(db_->Write(open, storage::Database::Repeat::kSafe));
  if (!replayed) {
    for (int i = 0; i < kase.related_parties_size(); ++i) {
      matcher_->Upsert(RecordOf(kase.name(), i, kase.related_parties(i)));
    }
  }
  *resp = kase;
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoUpdateCase(const Caller& caller,
                                             const v1::UpdateCaseRequest& req,
                                             v1::Case* resp) {
  static const std::set<std::string> kUpdatable = {
      "dependant_clients", "province",
      "irb_region",        "legal_aid_certificate",
      "irb_file_number",   "related_parties",
      "conditions",        "retention"};
  CLINIC_RETURN_IF_ERROR(
      ValidateResourceName("case.name", req.case_().name(), "cases"));
  if (req.update_mask().empty()) {
    return absl::InvalidArgumentError(
        "update_mask must name the fields to change");
  }
  std::vector<std::string> fields;
  for (const std::string& path : req.update_mask()) {
    if (!kUpdatable.count(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path,
                       "\" is not a field that can be changed here"));
    }
    fields.push_back(path);
  }
  // An administrator without client-file access may only manage retention
  // (legal hold).
  const bool records_only =
      caller.HasRole(v1::ROLE_ADMIN) && !caller.HasRole(v1::ROLE_LAWYER) &&
      !caller.HasRole(v1::ROLE_INTAKE) && caller.break_glass_case.empty();
  if (records_only && (fields.size() != 1 || fields[0] != "retention")) {
    return absl::PermissionDeniedError(
        "administrators may change only a case's retention (legal hold)");
  }
  CLINIC_ASSIGN_OR_RETURN(int64_t version,
                          ParseEtag("case.etag", req.case_().etag()));
  v1::Case incoming = req.case_();
  CLINIC_RETURN_IF_ERROR(
      intake::NormalizeCaseInput(&incoming, Today(), fields));
  const std::string id = ResourceId(req.case_().name());
  v1::Case stored;
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    if (records_only) {
      CLINIC_ASSIGN_OR_RETURN(auto found, intake_store::FindCase(c, id));
      if (!found) return NotFoundError(req.case_().name());
      stored = *found;
    } else {
      CLINIC_ASSIGN_OR_RETURN(
          stored, LoadCaseFor(c, caller, req.case_().name(), "case.name"));
    }
    CLINIC_RETURN_IF_ERROR(
        CheckEtag(req.case_().name(), req.case_().etag(), stored.etag()));
    for (const std::string& path : fields) {
      if (path == "dependant_clients") {
        *stored.mutable_dependant_clients() = incoming.dependant_clients();
        for (const std::string& d : stored.dependant_clients()) {
          if (d == stored.principal_client()) {
            return absl::InvalidArgumentError(
                "case.dependant_clients must not include the principal "
                "applicant");
          }
          CLINIC_ASSIGN_OR_RETURN(auto dependant,
                                  intake_store::FindClient(c, ResourceId(d)));
          if (!dependant) return NotFoundError(d);
        }
      }
      if (path == "province") stored.set_province(incoming.province());
      if (path == "irb_region") stored.set_irb_region(incoming.irb_region());
      if (path == "legal_aid_certificate") {
        stored.set_legal_aid_certificate(incoming.legal_aid_certificate());
      }
      if (path == "irb_file_number")
        stored.set_irb_file_number(incoming.irb_file_number());
      if (path == "related_parties")
        *stored.mutable_related_parties() = incoming.related_parties();
      if (path == "conditions")
        *stored.mutable_conditions() = incoming.conditions();
      if (path == "retention") {
        v1::Date destroy = stored.retention().destroy_after();
        *stored.mutable_retention() = incoming.retention();
        *stored.mutable_retention()->mutable_destroy_after() = destroy;
        if (stored.retention().legal_hold() &&
            stored.retention().legal_hold_reason().empty()) {
          return absl::InvalidArgumentError(
              "case.retention.legal_hold_reason is required with a legal hold");
        }
      }
    }
    CLINIC_RETURN_IF_ERROR(ApplyRetention(&stored));
    *stored.mutable_update_time() = ToProtoTime(clock_->Now());
    return intake_store::UpdateCase(c, id, &stored, version);
  }));
  if (std::find(fields.begin(), fields.end(), "related_parties") !=
      fields.end()) {
    for (int i = 0; i < 50; ++i)
      matcher_->Remove(absl::StrCat(stored.name(), "/parties/", i));
    for (int i = 0; i < stored.related_parties_size(); ++i) {
      matcher_->Upsert(RecordOf(stored.name(), i, stored.related_parties(i)));
    }
  }
  *resp = records_only ? RecordsView(stored) : stored;
  return absl::OkStatus();
}

absl::Status IntakeServiceImpl::DoAssignCase(const Caller& caller,
                                             const v1::AssignCaseRequest& req,
                                             v1::Case* resp) {
  CLINIC_ASSIGN_OR_RETURN(int64_t version, ParseEtag("etag", req.etag()));
  if (req.add().empty() && req.remove().empty()) {
    return absl::InvalidArgumentError(
        "add or remove must name at least one team member");
  }
  for (int i = 0; i < req.add_size(); ++i) {
    std::string f = absl::StrCat("add[", i, "]");
    CLINIC_RETURN_IF_ERROR(ValidateUserName(f + ".user", req.add(i).user()));
    CLINIC_RETURN_IF_ERROR(ValidateEnum(f + ".role", req.add(i).role(),
                                        v1::TeamRole_IsValid, true));
  }
  for (int i = 0; i < req.remove_size(); ++i) {
    CLINIC_RETURN_IF_ERROR(
        ValidateUserName(absl::StrCat("remove[", i, "]"), req.remove(i)));
  }
  return db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Case kase,
                            LoadCaseFor(c, caller, req.case_(), "case"));
    CLINIC_RETURN_IF_ERROR(CheckEtag(req.case_(), req.etag(), kase.etag()));
    auto* team = kase.mutable_team();
    for (const std::string& user : req.remove()) {
      team->erase(std::remove_if(team->begin(), team->end(),
                                 [&](const v1::TeamMember& m) {
                                   return m.user() == user;
                                 }),
                  team->end());
    }
    for (const v1::TeamMember& member : req.add()) {
      bool updated = false;
      for (v1::TeamMember& existing : *team) {
        if (existing.user() == member.user()) {
          existing.set_role(member.role());
          updated = true;
        }
      }
      if (!updated) *team->Add() = member;
    }
    if (kase.status() != v1::CASE_STATUS_INTAKE &&
        kase.status() != v1::CASE_STATUS_CLOSED && !HasLawyer(kase)) {
      return absl::FailedPreconditionError(
          "an active case must keep at least one lawyer on its team");
    }
    *kase.mutable_update_time() = ToProtoTime(clock_->Now());
    CLINIC_RETURN_IF_ERROR(
        intake_store::UpdateCase(c, ResourceId(req.case_()), &kase, version));
    *resp = kase;
    return absl::OkStatus();
  });
}

absl::Status IntakeServiceImpl::DoTransition(
    const Caller& caller, const std::string& name, const std::string& etag,
    v1::CaseStatus to, const std::string& reason,
    const v1::CloseCaseRequest* close, v1::Case* resp) {
  CLINIC_ASSIGN_OR_RETURN(int64_t version, ParseEtag("etag", etag));
  CLINIC_RETURN_IF_ERROR(
      ValidateText(close ? "note" : "reason", reason, 0, 2000, true));
  return db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Case kase,
                            LoadCaseFor(c, caller, name, "case"));
    CLINIC_RETURN_IF_ERROR(CheckEtag(name, etag, kase.etag()));
    CLINIC_RETURN_IF_ERROR(intake::CheckTransition(kase.status(), to));
    if (kase.status() == v1::CASE_STATUS_CLOSED && reason.empty()) {
      return absl::InvalidArgumentError(
          "reason is required to reopen a closed case");
    }
    if (to == v1::CASE_STATUS_ACTIVE && !HasLawyer(kase)) {
      return absl::FailedPreconditionError(
          "assign a lawyer to the case team before making it active");
    }
    if (close != nullptr) {
      absl::CivilDay today = Today();
      absl::CivilDay day = today;
      if (close->has_close_date()) {
        CLINIC_RETURN_IF_ERROR(ValidateDate("close_date", close->close_date()));
        day = ToCivilDay(close->close_date());
        if (day > today)
          return absl::InvalidArgumentError("close_date is in the future");
        if (day < ToCivilDay(kase.open_date())) {
          return absl::InvalidArgumentError(
              "close_date is before the case was opened");
        }
      }
      *kase.mutable_close_date() = ToDate(day);
      kase.set_close_reason(close->reason());
      kase.set_close_note(close->note());
    } else if (kase.status() == v1::CASE_STATUS_CLOSED) {
      kase.clear_close_date();
      kase.clear_close_reason();
      kase.clear_close_note();
    }
    kase.set_status(to);
    CLINIC_RETURN_IF_ERROR(ApplyRetention(&kase));
    *kase.mutable_update_time() = ToProtoTime(clock_->Now());
    CLINIC_RETURN_IF_ERROR(
        intake_store::UpdateCase(c, ResourceId(name), &kase, version));
    *resp = kase;
    return absl::OkStatus();
  });
}

// ---- Handlers
// ------------------------------------------------------------------------------

grpc::Status IntakeServiceImpl::CreateClient(grpc::ServerContext* ctx,
                                             const v1::CreateClientRequest* req,
                                             v1::Client* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(DoCreateClient(caller, *req, resp));
    AuditResource(ctx, resp->name());
    return absl::OkStatus();
  });
}

grpc::Status IntakeServiceImpl::GetClient(grpc::ServerContext* ctx,
                                          const v1::GetClientRequest* req,
                                          v1::Client* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        ValidateResourceName("name", req->name(), "clients"));
    const std::string id = ResourceId(req->name());
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto client, intake_store::FindClient(c, id));
      if (!client) return NotFoundError(req->name());
      CLINIC_RETURN_IF_ERROR(CheckClientAccess(c, caller, id, req->name()));
      *resp = *client;
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::UpdateClient(grpc::ServerContext* ctx,
                                             const v1::UpdateClientRequest* req,
                                             v1::Client* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return DoUpdateClient(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::ListClients(grpc::ServerContext* ctx,
                                            const v1::ListClientsRequest* req,
                                            v1::ListClientsResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(req->page_size(), 50, 200));
    CLINIC_ASSIGN_OR_RETURN(std::string token,
                            DecodePageToken(req->page_token()));
    int64_t before_time = INT64_MAX;
    std::string before_id;
    if (!token.empty()) {
      std::pair<std::string, std::string> parts =
          absl::StrSplit(token, absl::MaxSplits('|', 1));
      if (!absl::SimpleAtoi(parts.first, &before_time)) {
        return absl::InvalidArgumentError("page_token is not valid");
      }
      before_id = parts.second;
    } else {
      before_id = "~";  // sorts after every id
    }
    std::string lawyer =
        caller.HasRole(v1::ROLE_INTAKE) ? "" : caller.user_resource();
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(
          auto clients, intake_store::ListClients(c, before_time, before_id,
                                                  page_size + 1, lawyer));
      for (int i = 0; i < static_cast<int>(clients.size()) && i < page_size;
           ++i) {
        *resp->add_clients() = clients[i];
      }
      if (static_cast<int>(clients.size()) > page_size) {
        const v1::Client& last = clients[page_size - 1];
        resp->set_next_page_token(EncodePageToken(
            absl::StrCat(ToMicros(FromProtoTime(last.create_time())), "|",
                         ResourceId(last.name()))));
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::AddFamilyLink(
    grpc::ServerContext* ctx, const v1::AddFamilyLinkRequest* req,
    v1::Client* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return DoFamilyLink(caller, req->client(), req->etag(),
                        req->link().client(), req->link().relationship(), true,
                        resp);
  });
}

grpc::Status IntakeServiceImpl::RemoveFamilyLink(
    grpc::ServerContext* ctx, const v1::RemoveFamilyLinkRequest* req,
    v1::Client* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return DoFamilyLink(caller, req->client(), req->etag(),
                        req->linked_client(), v1::RELATIONSHIP_UNSPECIFIED,
                        false, resp);
  });
}

grpc::Status IntakeServiceImpl::GetConflictCheck(
    grpc::ServerContext* ctx, const v1::GetConflictCheckRequest* req,
    v1::ConflictCheck* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        ValidateResourceName("name", req->name(), "conflictChecks"));
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto check, intake_store::FindConflictCheck(
                                              c, ResourceId(req->name())));
      if (!check) return NotFoundError(req->name());
      *resp = *check;
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::ListConflictChecks(
    grpc::ServerContext* ctx, const v1::ListConflictChecksRequest* req,
    v1::ListConflictChecksResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(req->page_size(), 50, 200));
    CLINIC_ASSIGN_OR_RETURN(std::string token,
                            DecodePageToken(req->page_token()));
    if (!req->case_().empty()) {
      CLINIC_RETURN_IF_ERROR(
          ValidateResourceName("case", req->case_(), "cases"));
    }
    int64_t before_time = INT64_MAX;
    std::string before_id = "~";
    if (!token.empty()) {
      std::pair<std::string, std::string> parts =
          absl::StrSplit(token, absl::MaxSplits('|', 1));
      if (!absl::SimpleAtoi(parts.first, &before_time)) {
        return absl::InvalidArgumentError("page_token is not valid");
      }
      before_id = parts.second;
    }
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto checks, intake_store::ListConflictChecks(
                                               c, req->case_(), before_time,
                                               before_id, page_size + 1));
      for (int i = 0; i < static_cast<int>(checks.size()) && i < page_size;
           ++i) {
        *resp->add_conflict_checks() = checks[i];
      }
      if (static_cast<int>(checks.size()) > page_size) {
        const v1::ConflictCheck& last = checks[page_size - 1];
        resp->set_next_page_token(EncodePageToken(
            absl::StrCat(ToMicros(FromProtoTime(last.create_time())), "|",
                         ResourceId(last.name()))));
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::OpenCase(grpc::ServerContext* ctx,
                                         const v1::OpenCaseRequest* req,
                                         v1::Case* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    if (!req->conflict_waiver_reason().empty())
      AuditReason(ctx, "conflict waiver given");
    CLINIC_RETURN_IF_ERROR(DoOpenCase(caller, *req, resp));
    AuditResource(ctx, resp->name());
    return absl::OkStatus();
  });
}

grpc::Status IntakeServiceImpl::GetCase(grpc::ServerContext* ctx,
                                        const v1::GetCaseRequest* req,
                                        v1::Case* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(*resp,
                              LoadCaseFor(c, caller, req->name(), "name"));
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::ListCases(grpc::ServerContext* ctx,
                                          const v1::ListCasesRequest* req,
                                          v1::ListCasesResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(req->page_size(), 50, 200));
    intake_store::CaseFilter filter;
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("status", req->status(), v1::CaseStatus_IsValid, false));
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("type", req->type(), v1::CaseType_IsValid, false));
    filter.status = req->status();
    filter.type = req->type();
    if (!req->team_member().empty()) {
      CLINIC_RETURN_IF_ERROR(
          ValidateUserName("team_member", req->team_member()));
      filter.team_member = req->team_member();
    }
    if (!req->client().empty()) {
      CLINIC_RETURN_IF_ERROR(
          ValidateResourceName("client", req->client(), "clients"));
      filter.client = req->client();
    }
    if (!caller.HasRole(v1::ROLE_INTAKE)) {
      // A lawyer lists only their own cases.
      if (!filter.team_member.empty() &&
          filter.team_member != caller.user_resource()) {
        return absl::PermissionDeniedError(
            "you can list only cases you work on");
      }
      filter.team_member = caller.user_resource();
    }
    return db_->Read([&](Connection& c) -> absl::Status {
      std::string next;
      CLINIC_ASSIGN_OR_RETURN(
          std::vector<v1::Case> cases,
          intake_store::ListCasePage(c, filter, req->page_token(), page_size,
                                     &next));
      for (v1::Case& kase : cases) *resp->add_cases() = std::move(kase);
      resp->set_next_page_token(next);
      return absl::OkStatus();
    });
  });
}

grpc::Status IntakeServiceImpl::UpdateCase(grpc::ServerContext* ctx,
                                           const v1::UpdateCaseRequest* req,
                                           v1::Case* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return DoUpdateCase(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::AssignCase(grpc::ServerContext* ctx,
                                           const v1::AssignCaseRequest* req,
                                           v1::Case* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return DoAssignCase(caller, *req, resp);
  });
}

grpc::Status IntakeServiceImpl::TransitionCase(
    grpc::ServerContext* ctx, const v1::TransitionCaseRequest* req,
    v1::Case* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("status", req->status(), v1::CaseStatus_IsValid, true));
    if (req->status() == v1::CASE_STATUS_CLOSED) {
      return absl::InvalidArgumentError(
          "use CloseCase to close a case (it needs a reason)");
    }
    if (!req->reason().empty()) AuditReason(ctx, req->reason());
    return DoTransition(caller, req->case_(), req->etag(), req->status(),
                        req->reason(), nullptr, resp);
  });
}

grpc::Status IntakeServiceImpl::CloseCase(grpc::ServerContext* ctx,
                                          const v1::CloseCaseRequest* req,
                                          v1::Case* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("reason", req->reason(), v1::CloseReason_IsValid, true));
    return DoTransition(caller, req->case_(), req->etag(),
                        v1::CASE_STATUS_CLOSED, req->note(), req, resp);
  });
}

grpc::Status IntakeServiceImpl::GetCaseSummary(
    grpc::ServerContext* ctx, const v1::GetCaseSummaryRequest* req,
    v1::CaseSummary* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(*resp, Summary(req->case_()));
    return absl::OkStatus();
  });
}

ServiceDefinition IntakeServiceDefinitionWith(
    std::function<std::unique_ptr<PersonMatcher>()> make_matcher) {
  ServiceDefinition def;
  def.name = "intake";
  def.full_name = "clinic.v1.IntakeService";
  def.create = [make_matcher](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    CLINIC_ASSIGN_OR_RETURN(auto impl,
                            IntakeServiceImpl::Create(context, make_matcher()));
    return std::make_unique<SimpleHostedService<IntakeServiceImpl>>(
        std::move(impl));
  };
  return def;
}

}  // namespace clinic
