// IntakeService over real TLS: validation of every field, etags, case status
// transitions, conflict checks gating case opening, family links, and row-level
// access.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/intake/intake_service.h"
#include "tests/testing/fake_person_matcher.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

class IntakeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestServer::Options options;
    options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                        IntakeServiceDefinitionWith([] {
                          return std::make_unique<testing::FakePersonMatcher>();
                        })};
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = std::make_unique<v1::IntakeService::Stub>(server_->channel());
    intake_ = *server_->CreateUser("ines", {v1::ROLE_INTAKE});
    lawyer_ = *server_->CreateUser("lena", {v1::ROLE_LAWYER});
    other_lawyer_ = *server_->CreateUser("omar", {v1::ROLE_LAWYER});
  }

  static v1::Client Amina() {
    v1::Client c;
    c.mutable_legal_name()->set_given_names("Amina");
    c.mutable_legal_name()->set_family_name("Tesfay");
    c.mutable_legal_name()->set_original_script("ኣሚና ተስፋይ");
    c.mutable_birth_date()->set_year(1990);
    c.add_citizenships("ER");
    c.set_uci("12345678");
    c.mutable_arrival()->set_mode(v1::ENTRY_MODE_IRREGULAR_CROSSING);
    c.mutable_arrival()->set_place("Lacolle");
    return c;
  }

  grpc::Status Create(const std::string& token, const v1::Client& client,
                      v1::Client* out, const std::string& request_id = "") {
    v1::CreateClientRequest req;
    *req.mutable_client() = client;
    req.set_request_id(request_id);
    auto ctx = server_->Context(token);
    return stub_->CreateClient(ctx.get(), req, out);
  }

  // Runs a clear conflict check on `client`'s name and opens an RPD claim with
  // `lawyer` on the team.
  v1::Case OpenCase(const v1::Client& client, const std::string& lawyer_user) {
    v1::CheckConflictsRequest check;
    *check.add_subjects()->mutable_name() = client.legal_name();
    v1::ConflictCheck result;
    auto ctx = server_->Context(intake_);
    EXPECT_TRUE(stub_->CheckConflicts(ctx.get(), check, &result).ok());
    v1::OpenCaseRequest open;
    open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
    open.mutable_case_()->set_principal_client(client.name());
    open.mutable_case_()->set_province(v1::PROVINCE_QC);
    open.set_conflict_check(result.name());
    if (result.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
      open.set_conflict_waiver_reason(
          "reviewed: the match is the client herself");
    }
    v1::TeamMember* member = open.add_team();
    member->set_user(lawyer_user);
    member->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
    v1::Case kase;
    ctx = server_->Context(intake_);
    grpc::Status status = stub_->OpenCase(ctx.get(), open, &kase);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return kase;
  }

  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
  std::string intake_, lawyer_, other_lawyer_;
};

TEST_F(IntakeTest, CreatesAndNormalisesAClient) {
  v1::Client created;
  ASSERT_TRUE(Create(intake_, Amina(), &created).ok());
  EXPECT_THAT(created.name(), ::testing::StartsWith("clients/"));
  EXPECT_EQ(created.uci(), "1234-5678");
  EXPECT_EQ(created.legal_name().original_script(), "ኣሚና ተስፋይ");
  EXPECT_EQ(created.etag(), "1");
  v1::GetClientRequest get;
  get.set_name(created.name());
  v1::Client fetched;
  auto ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->GetClient(ctx.get(), get, &fetched).ok());
  EXPECT_EQ(fetched.legal_name().family_name(), "Tesfay");
}

TEST_F(IntakeTest, EveryInvalidFieldIsNamed) {
  struct Case {
    std::function<void(v1::Client*)> break_it;
    const char* field;
  };
  std::vector<Case> cases = {
      {[](v1::Client* c) { c->clear_legal_name(); }, "client.legal_name"},
      {[](v1::Client* c) {
         c->mutable_legal_name()->set_family_name(std::string(201, 'x'));
       },
       "client.legal_name.family_name"},
      {[](v1::Client* c) {
         c->mutable_legal_name()->set_given_names("Ami\x01na");
       },
       "client.legal_name.given_names"},
      {[](v1::Client* c) {
         c->mutable_legal_name()->set_original_script(std::string(301, 'a'));
       },
       "client.legal_name.original_script"},
      {[](v1::Client* c) { c->add_other_names(); },
       "client.other_names[0].name"},
      {[](v1::Client* c) {
         c->add_other_names()->mutable_name()->set_given_names("Mina");
       },
       "client.other_names[0].kind"},
      {[](v1::Client* c) { c->mutable_birth_date()->set_year(2099); },
       "client.birth_date"},
      {[](v1::Client* c) { c->mutable_birth_date()->set_year(1850); },
       "client.birth_date"},
      {[](v1::Client* c) {
         c->mutable_birth_date()->set_month(2);
         c->mutable_birth_date()->set_day(30);
       },
       "client.birth_date"},
      {[](v1::Client* c) { c->mutable_birth_date()->set_day(5); },
       "client.birth_date"},
      {[](v1::Client* c) { c->set_sex(static_cast<v1::Sex>(42)); },
       "client.sex"},
      {[](v1::Client* c) { c->set_gender_description(std::string(101, 'g')); },
       "client.gender_description"},
      {[](v1::Client* c) { c->add_citizenships("QQ"); }, "client.citizenships"},
      {[](v1::Client* c) { c->add_citizenships("er"); },
       "client.citizenships"},  // duplicate
      {[](v1::Client* c) { c->set_stateless(true); }, "client.stateless"},
      {[](v1::Client* c) { c->add_languages()->set_code("Tigrinya!"); },
       "client.languages[0].code"},
      {[](v1::Client* c) { c->mutable_interpreter_language()->set_code(""); },
       "client.interpreter_language.code"},
      {[](v1::Client* c) { c->mutable_contact()->set_phone("514 555 0123"); },
       "client.contact.phone"},
      {[](v1::Client* c) { c->mutable_contact()->set_email("not-an-email"); },
       "client.contact.email"},
      {[](v1::Client* c) {
         auto* a = c->mutable_contact()->mutable_address();
         a->set_line1("1 Rue X");
         a->set_city("Montréal");
         a->set_province(v1::PROVINCE_QC);
         a->set_postal_code("12345");
       },
       "client.contact.address.postal_code"},
      {[](v1::Client* c) {
         auto* a = c->mutable_contact()->mutable_address();
         a->set_line1("1 Rue X");
         a->set_city("Montréal");
         a->set_postal_code("H2X 1Y4");
       },
       "client.contact.address.province"},
      {[](v1::Client* c) { c->set_uci("1234-567"); }, "client.uci"},
      {[](v1::Client* c) { c->set_uci("12345678901"); }, "client.uci"},
      {[](v1::Client* c) { c->set_uci("abcd-efgh"); }, "client.uci"},
      {[](v1::Client* c) { c->set_irb_file_number("MB12345"); },
       "client.irb_file_number"},
      {[](v1::Client* c) { c->mutable_arrival()->clear_mode(); },
       "client.arrival.mode"},
      {[](v1::Client* c) {
         c->mutable_arrival()->mutable_entry_date()->set_year(2099);
         c->mutable_arrival()->mutable_entry_date()->set_month(1);
         c->mutable_arrival()->mutable_entry_date()->set_day(1);
       },
       "client.arrival.entry_date"},
      {[](v1::Client* c) {
         auto* a = c->mutable_arrival();
         a->mutable_entry_date()->set_year(2024);
         a->mutable_entry_date()->set_month(5);
         a->mutable_entry_date()->set_day(10);
         a->mutable_claim_date()->set_year(2024);
         a->mutable_claim_date()->set_month(5);
         a->mutable_claim_date()->set_day(9);
       },
       "client.arrival.claim_date"},
      {[](v1::Client* c) {
         c->set_stca_exception(static_cast<v1::StcaException>(9));
       },
       "client.stca_exception"},
      {[](v1::Client* c) {
         c->add_vulnerabilities(v1::VULNERABILITY_MEDICAL);
         c->add_vulnerabilities(v1::VULNERABILITY_MEDICAL);
       },
       "client.vulnerabilities"},
      {[](v1::Client* c) {
         c->add_vulnerabilities(v1::VULNERABILITY_UNSPECIFIED);
       },
       "client.vulnerabilities"},
  };
  for (const Case& c : cases) {
    v1::Client client = Amina();
    c.break_it(&client);
    v1::Client out;
    grpc::Status status = Create(intake_, client, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.field;
    EXPECT_THAT(status.error_message(), HasSubstr(c.field))
        << status.error_message();
  }
  // Nothing was stored.
  v1::ListClientsResponse list;
  auto ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->ListClients(ctx.get(), {}, &list).ok());
  EXPECT_EQ(list.clients_size(), 0);
}

TEST_F(IntakeTest, OnlyOneFamilyNameOrGivenNameIsNeeded) {
  v1::Client mononym;
  mononym.mutable_legal_name()->set_given_names("Tesfamariam");
  v1::Client out;
  EXPECT_TRUE(Create(intake_, mononym, &out).ok());
}

TEST_F(IntakeTest, RepeatedRequestIdCreatesOnce) {
  v1::Client first, second;
  ASSERT_TRUE(Create(intake_, Amina(), &first, "intake-form-0001").ok());
  ASSERT_TRUE(Create(intake_, Amina(), &second, "intake-form-0001").ok());
  EXPECT_EQ(first.name(), second.name());
}

TEST_F(IntakeTest, StaleEtagIsAbortedAndChangesNothing) {
  v1::Client client;
  ASSERT_TRUE(Create(intake_, Amina(), &client).ok());
  v1::UpdateClientRequest update;
  *update.mutable_client() = client;
  update.mutable_client()->mutable_contact()->set_phone("+15145550123");
  update.add_update_mask("contact");
  v1::Client updated;
  auto ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->UpdateClient(ctx.get(), update, &updated).ok());
  EXPECT_EQ(updated.contact().phone(), "+15145550123");
  EXPECT_EQ(updated.etag(), "2");
  // A second writer with the old etag.
  update.mutable_client()->mutable_contact()->set_phone("+14165550199");
  ctx = server_->Context(intake_);
  grpc::Status stale = stub_->UpdateClient(ctx.get(), update, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  v1::GetClientRequest get;
  get.set_name(client.name());
  v1::Client now;
  ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->GetClient(ctx.get(), get, &now).ok());
  EXPECT_EQ(now.contact().phone(), "+15145550123");
  // Fields outside the mask are untouched; unknown mask paths are refused.
  EXPECT_EQ(now.uci(), "1234-5678");
  update.clear_update_mask();
  update.add_update_mask("name");
  update.mutable_client()->set_etag(now.etag());
  ctx = server_->Context(intake_);
  EXPECT_EQ(stub_->UpdateClient(ctx.get(), update, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IntakeTest, OpeningACaseNeedsAConflictCheckAndAWaiverForMatches) {
  v1::Client amina;
  ASSERT_TRUE(Create(intake_, Amina(), &amina).ok());
  v1::OpenCaseRequest open;
  open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
  open.mutable_case_()->set_principal_client(amina.name());
  open.mutable_case_()->set_province(v1::PROVINCE_QC);
  open.set_conflict_check("conflictChecks/doesnotexist");
  v1::Case kase;
  auto ctx = server_->Context(intake_);
  EXPECT_EQ(stub_->OpenCase(ctx.get(), open, &kase).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The check finds Amina herself: a potential conflict needing a reviewed
  // waiver.
  v1::CheckConflictsRequest check;
  *check.add_subjects()->mutable_name() = amina.legal_name();
  v1::ConflictCheck result;
  ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->CheckConflicts(ctx.get(), check, &result).ok());
  EXPECT_EQ(result.outcome(), v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT);
  ASSERT_EQ(result.matches_size(), 1);
  EXPECT_EQ(result.matches(0).client(), amina.name());
  EXPECT_EQ(result.run_by(), "users/ines");
  open.set_conflict_check(result.name());
  ctx = server_->Context(intake_);
  grpc::Status refused = stub_->OpenCase(ctx.get(), open, &kase);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("conflict_waiver_reason"));
  open.set_conflict_waiver_reason("reviewed: the match is the client herself");
  ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->OpenCase(ctx.get(), open, &kase).ok());
  EXPECT_EQ(kase.status(), v1::CASE_STATUS_INTAKE);
  EXPECT_EQ(kase.irb_region(), v1::IRB_REGION_EASTERN);  // default for Quebec
  EXPECT_THAT(kase.case_number(), ::testing::MatchesRegex("[0-9]{4}-00001"));
  ASSERT_EQ(kase.team_size(), 1);
  EXPECT_EQ(kase.team(0).user(), "users/ines");

  // Conflict checks are recorded.
  v1::ListConflictChecksResponse checks;
  ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->ListConflictChecks(ctx.get(), {}, &checks).ok());
  EXPECT_EQ(checks.conflict_checks_size(), 1);
}

TEST_F(IntakeTest, CheckingARegisteredClientDoesNotMatchTheirOwnRecord) {
  v1::Client amina;
  ASSERT_TRUE(Create(intake_, Amina(), &amina).ok());
  v1::CheckConflictsRequest check;
  v1::ConflictSubject* subject = check.add_subjects();
  *subject->mutable_name() = amina.legal_name();
  subject->set_client(amina.name());
  v1::ConflictCheck result;
  auto ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->CheckConflicts(ctx.get(), check, &result).ok());
  EXPECT_EQ(result.outcome(), v1::ConflictCheck::OUTCOME_CLEAR);
  EXPECT_EQ(result.matches_size(), 0);

  subject->set_client("cases/not-a-client");
  ctx = server_->Context(intake_);
  grpc::Status bad = stub_->CheckConflicts(ctx.get(), check, &result);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("subjects[0].client"));
}

TEST_F(IntakeTest, AdversePartiesAreFoundByLaterConflictChecks) {
  v1::Client amina;
  ASSERT_TRUE(Create(intake_, Amina(), &amina).ok());
  v1::Case kase = OpenCase(amina, "users/lena");
  v1::UpdateCaseRequest update;
  update.mutable_case_()->set_name(kase.name());
  update.mutable_case_()->set_etag(kase.etag());
  v1::RelatedParty* party = update.mutable_case_()->add_related_parties();
  party->mutable_name()->set_given_names("Yonas");
  party->mutable_name()->set_family_name("Berhe");
  party->set_role(v1::PARTY_ROLE_ADVERSE);
  party->set_relationship("spouse; alleged agent of harm");
  update.add_update_mask("related_parties");
  v1::Case updated;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(stub_->UpdateCase(ctx.get(), update, &updated).ok());

  // Later, the alleged agent of harm walks in asking for help.
  v1::CheckConflictsRequest check;
  check.add_subjects()->mutable_name()->set_given_names("Yonas Berhe");
  check.mutable_subjects(0)->mutable_name()->set_given_names("Yonas");
  check.mutable_subjects(0)->mutable_name()->set_family_name("Berhe");
  v1::ConflictCheck result;
  ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->CheckConflicts(ctx.get(), check, &result).ok());
  ASSERT_EQ(result.matches_size(), 1);
  EXPECT_EQ(result.matches(0).kind(), v1::ConflictMatch::KIND_ADVERSE_PARTY);
  EXPECT_EQ(result.matches(0).case_(), kase.name());
}

TEST_F(IntakeTest, IllegalStatusTransitionsAreRefused) {
  v1::Client amina;
  ASSERT_TRUE(Create(intake_, Amina(), &amina).ok());
  v1::Case kase = OpenCase(amina, "users/lena");
  auto transition = [&](v1::CaseStatus to, v1::Case* out) {
    v1::TransitionCaseRequest req;
    req.set_case_(kase.name());
    req.set_etag(kase.etag());
    req.set_status(to);
    auto ctx = server_->Context(lawyer_);
    grpc::Status s = stub_->TransitionCase(ctx.get(), req, out);
    if (s.ok()) kase = *out;
    return s;
  };
  v1::Case out;
  grpc::Status bad = transition(v1::CASE_STATUS_DECIDED, &out);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(bad.error_message(), HasSubstr("from intake to decided"));
  ASSERT_TRUE(transition(v1::CASE_STATUS_ACTIVE, &out).ok());
  ASSERT_TRUE(transition(v1::CASE_STATUS_AWAITING_DECISION, &out).ok());
  EXPECT_EQ(transition(v1::CASE_STATUS_ON_HOLD, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(transition(v1::CASE_STATUS_CLOSED, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // CloseCase, with a reason

  v1::CloseCaseRequest close;
  close.set_case_(kase.name());
  close.set_etag(kase.etag());
  auto ctx = server_->Context(lawyer_);
  EXPECT_EQ(stub_->CloseCase(ctx.get(), close, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no reason
  ASSERT_TRUE(transition(v1::CASE_STATUS_DECIDED, &out).ok());
  close.set_etag(kase.etag());
  close.set_reason(v1::CLOSE_REASON_ACCEPTED);
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(stub_->CloseCase(ctx.get(), close, &out).ok());
  EXPECT_EQ(out.status(), v1::CASE_STATUS_CLOSED);
  // Default retention: 6 years after closing.
  EXPECT_EQ(out.retention().destroy_after().year(),
            out.close_date().year() + 6);
}

TEST_F(IntakeTest, LawyersReachOnlyTheirOwnCasesAndClients) {
  v1::Client amina;
  ASSERT_TRUE(Create(intake_, Amina(), &amina).ok());
  v1::Case kase = OpenCase(amina, "users/lena");

  v1::GetCaseRequest get_case;
  get_case.set_name(kase.name());
  v1::Case seen;
  auto ctx = server_->Context(lawyer_);
  EXPECT_TRUE(stub_->GetCase(ctx.get(), get_case, &seen).ok());
  ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(stub_->GetCase(ctx.get(), get_case, &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::GetClientRequest get_client;
  get_client.set_name(amina.name());
  v1::Client client;
  ctx = server_->Context(lawyer_);
  EXPECT_TRUE(stub_->GetClient(ctx.get(), get_client, &client).ok());
  ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(stub_->GetClient(ctx.get(), get_client, &client).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::UpdateClientRequest update;
  *update.mutable_client() = client;
  update.add_update_mask("sex");
  ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(stub_->UpdateClient(ctx.get(), update, &client).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListCasesResponse mine, theirs;
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(stub_->ListCases(ctx.get(), {}, &mine).ok());
  EXPECT_EQ(mine.cases_size(), 1);
  ctx = server_->Context(other_lawyer_);
  ASSERT_TRUE(stub_->ListCases(ctx.get(), {}, &theirs).ok());
  EXPECT_EQ(theirs.cases_size(), 0);
  v1::ListClientsResponse their_clients;
  ctx = server_->Context(other_lawyer_);
  ASSERT_TRUE(stub_->ListClients(ctx.get(), {}, &their_clients).ok());
  EXPECT_EQ(their_clients.clients_size(), 0);

  // Assigned to the team, the second lawyer gains access.
  v1::AssignCaseRequest assign;
  assign.set_case_(kase.name());
  assign.set_etag(kase.etag());
  v1::TeamMember* m = assign.add_add();
  m->set_user("users/omar");
  m->set_role(v1::TEAM_ROLE_LAWYER);
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(stub_->AssignCase(ctx.get(), assign, &seen).ok());
  ctx = server_->Context(other_lawyer_);
  EXPECT_TRUE(stub_->GetCase(ctx.get(), get_case, &seen).ok());
}

TEST_F(IntakeTest, ListCasesPagesStablyAndFilters) {
  for (int i = 0; i < 7; ++i) {
    v1::Client c = Amina();
    c.mutable_legal_name()->set_given_names(absl::StrCat("Person", i));
    c.clear_uci();
    v1::Client created;
    ASSERT_TRUE(Create(intake_, c, &created).ok());
    OpenCase(created, i % 2 ? "users/lena" : "users/omar");
  }
  std::vector<std::string> seen;
  v1::ListCasesRequest req;
  req.set_page_size(3);
  do {
    v1::ListCasesResponse page;
    auto ctx = server_->Context(intake_);
    ASSERT_TRUE(stub_->ListCases(ctx.get(), req, &page).ok());
    for (const v1::Case& k : page.cases()) seen.push_back(k.name());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 7u);

  v1::ListCasesRequest by_member;
  by_member.set_team_member("users/lena");
  v1::ListCasesResponse lena;
  auto ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->ListCases(ctx.get(), by_member, &lena).ok());
  EXPECT_EQ(lena.cases_size(), 3);
  v1::ListCasesRequest negative;
  negative.set_page_size(-1);
  ctx = server_->Context(intake_);
  grpc::Status bad = stub_->ListCases(ctx.get(), negative, &lena);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("page_size"));
}

TEST_F(IntakeTest, FamilyLinksAreRecordedBothWays) {
  v1::Client mother, child;
  ASSERT_TRUE(Create(intake_, Amina(), &mother).ok());
  v1::Client c = Amina();
  c.mutable_legal_name()->set_given_names("Selam");
  c.set_uci("87654321");
  ASSERT_TRUE(Create(intake_, c, &child).ok());
  v1::AddFamilyLinkRequest link;
  link.set_client(mother.name());
  link.set_etag(mother.etag());
  link.mutable_link()->set_client(child.name());
  link.mutable_link()->set_relationship(v1::RELATIONSHIP_CHILD);
  v1::Client updated;
  auto ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->AddFamilyLink(ctx.get(), link, &updated).ok());
  ASSERT_EQ(updated.family_links_size(), 1);
  v1::GetClientRequest get;
  get.set_name(child.name());
  ctx = server_->Context(intake_);
  ASSERT_TRUE(stub_->GetClient(ctx.get(), get, &child).ok());
  ASSERT_EQ(child.family_links_size(), 1);
  EXPECT_EQ(child.family_links(0).client(), mother.name());
  EXPECT_EQ(child.family_links(0).relationship(), v1::RELATIONSHIP_PARENT);
  // A stale etag is refused.
  ctx = server_->Context(intake_);
  EXPECT_EQ(stub_->AddFamilyLink(ctx.get(), link, &updated).error_code(),
            grpc::StatusCode::ABORTED);
}

}  // namespace
}  // namespace clinic
