// A clinic's whole day, end to end, against the real binaries: once with the
// all-in-one clinicd, once with every service in its own process (mutual TLS
// between them). Every step goes through authentication, authorization and
// audit; the day ends with the administrator exporting the audit log and
// verifying it offline, finding every step in it.
//
// The split deployment also shows that losing one service process makes only
// the calls that need it fail (UNAVAILABLE, with a message saying what is
// down), and that restarting it loses nothing.
#include <signal.h>

#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/proto_time.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/export_verifier.h"
#include "services/common/validation.h"
#include "tests/testing/accounts.h"
#include "tests/testing/deployment.h"

namespace clinic {
namespace {

using testing::Deployment;
using ::testing::HasSubstr;
using testing::TokenContext;

// Progress with elapsed time, to see where a slow day spends it.
void Step(const char* what) {
  static const absl::Time start = absl::Now();
  std::cerr << absl::StrFormat(
      "[%6.1f s] %s\n", absl::ToDoubleSeconds(absl::Now() - start), what);
}

// What the day's calls share: the deployment and the people's tokens.
class ClinicDayTest : public ::testing::TestWithParam<Deployment::Kind> {
 protected:
  void SetUp() override {
    start_ = absl::Now() - absl::Minutes(1);
    Step("starting");
    auto deployment = Deployment::Start(GetParam());
    Step("started");
    ASSERT_TRUE(deployment.ok()) << deployment.status();
    d_ = *std::move(deployment);
  }

  template <typename Stub>
  std::unique_ptr<typename Stub::Stub> StubFor(const std::string& service) {
    return std::make_unique<typename Stub::Stub>(d_->Channel(service));
  }

  std::string CreateStaff(const std::string& username, v1::Role role) {
    auto token = testing::CreateUserAndSignIn(
        d_->Channel("auth"), d_->admin_token(), username, {role});
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  v1::Client Register(const std::string& token, const std::string& given,
                      const std::string& family, int birth_year) {
    auto intake = StubFor<v1::IntakeService>("intake");
    v1::CreateClientRequest req;
    v1::Client* c = req.mutable_client();
    c->mutable_legal_name()->set_given_names(given);
    c->mutable_legal_name()->set_family_name(family);
    c->mutable_birth_date()->set_year(birth_year);
    c->add_citizenships("CO");
    c->mutable_arrival()->set_mode(v1::ENTRY_MODE_IRREGULAR_CROSSING);
    c->mutable_arrival()->set_place("Lacolle, QC (Roxham Road)");
    v1::Client created;
    auto ctx = TokenContext(token);
    grpc::Status status = intake->CreateClient(ctx.get(), req, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  // A PDF-looking file of `size` bytes (libmagic reads the header).
  static std::string Pdf(size_t size, char fill) {
    std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< >>\nendobj\n";
    pdf.resize(size, fill);
    return pdf;
  }

  grpc::Status Upload(const std::string& token, const std::string& case_name,
                      v1::DocumentType type, const std::string& title,
                      const std::string& content, v1::Document* out) {
    auto documents = StubFor<v1::DocumentService>("document");
    auto ctx = TokenContext(token);
    auto writer = documents->UploadDocument(ctx.get(), out);
    v1::UploadDocumentRequest first;
    first.mutable_metadata()->set_case_(case_name);
    first.mutable_metadata()->set_type(type);
    first.mutable_metadata()->set_title(title);
    first.mutable_metadata()->set_media_type("application/pdf");
    first.mutable_metadata()->set_declared_size_bytes(content.size());
    bool sent = writer->Write(first);
    for (size_t at = 0; sent && at < content.size(); at += 256 * 1024) {
      v1::UploadDocumentRequest chunk;
      chunk.set_chunk(content.substr(at, 256 * 1024));
      sent = writer->Write(chunk);
    }
    writer->WritesDone();
    return writer->Finish();
  }

  absl::Time start_;
  std::unique_ptr<Deployment> d_;
};

TEST_P(ClinicDayTest, AClinicsDay) {
  SCOPED_TRACE(d_->KindName());
  Step("The administrator creates the day's a");
  // The administrator creates the day's accounts.
  const std::string intake_token = CreateStaff("ines", v1::ROLE_INTAKE);
  const std::string lawyer_token = CreateStaff("lena", v1::ROLE_LAWYER);
  const std::string outsider_token = CreateStaff("omar", v1::ROLE_LAWYER);
  ASSERT_FALSE(intake_token.empty() || lawyer_token.empty() ||
               outsider_token.empty());

  Step("Intake registers a mother");
  // Intake registers a mother and her son who crossed at Lacolle.
  auto intake = StubFor<v1::IntakeService>("intake");
  v1::Client mother = Register(intake_token, "María José", "Rodríguez", 1988);
  v1::Client son = Register(intake_token, "Mateo", "Rodríguez", 2015);
  ASSERT_FALSE(mother.name().empty() || son.name().empty());
  {
    v1::AddFamilyLinkRequest link;
    link.set_client(mother.name());
    link.set_etag(mother.etag());
    link.mutable_link()->set_client(son.name());
    link.mutable_link()->set_relationship(v1::RELATIONSHIP_CHILD);
    auto ctx = TokenContext(intake_token);
    grpc::Status status = intake->AddFamilyLink(ctx.get(), link, &mother);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  Step("A conflict check on both");
  // A conflict check on both, then the claim opens with Lena on the team.
  v1::ConflictCheck check;
  {
    v1::CheckConflictsRequest req;
    *req.add_subjects()->mutable_name() = mother.legal_name();
    *req.add_subjects()->mutable_name() = son.legal_name();
    auto ctx = TokenContext(intake_token);
    grpc::Status status = intake->CheckConflicts(ctx.get(), req, &check);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::Case kase;
  {
    v1::OpenCaseRequest open;
    open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
    open.mutable_case_()->set_principal_client(mother.name());
    open.mutable_case_()->add_dependant_clients(son.name());
    open.mutable_case_()->set_province(v1::PROVINCE_QC);
    open.set_conflict_check(check.name());
    if (check.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
      open.set_conflict_waiver_reason("reviewed: the matches are the family");
    }
    v1::TeamMember* member = open.add_team();
    member->set_user("users/lena");
    member->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
    auto ctx = TokenContext(intake_token);
    grpc::Status status = intake->OpenCase(ctx.get(), open, &kase);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  Step("The referral is recorded");
  // The referral is recorded; the Basis of Claim deadline appears for Lena.
  auto deadlines = StubFor<v1::DeadlineService>("deadline");
  const absl::CivilDay today = Today(absl::Now());
  {
    v1::RecordEventRequest req;
    req.mutable_event()->set_case_(kase.name());
    req.mutable_event()->set_type(v1::EVENT_TYPE_CLAIM_REFERRED);
    *req.mutable_event()->mutable_date() = ToDate(today - 3);
    v1::RecordEventResponse resp;
    auto ctx = TokenContext(intake_token);
    grpc::Status status = deadlines->RecordEvent(ctx.get(), req, &resp);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::string boc_name;
  {
    v1::ListUpcomingDeadlinesRequest req;
    req.set_due_within_days(60);
    v1::ListUpcomingDeadlinesResponse resp;
    auto ctx = TokenContext(lawyer_token);
    grpc::Status status =
        deadlines->ListUpcomingDeadlines(ctx.get(), req, &resp);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::Deadline& dl : resp.deadlines()) {
      if (dl.rule_id() == "rpd.boc.poe.45d") boc_name = dl.name();
    }
    ASSERT_FALSE(boc_name.empty()) << "the BOC deadline is not in Lena's list";
  }

  Step("Lena uploads");
  // Lena uploads the BOC narrative and the identity documents.
  const std::string narrative = Pdf(3 * 1024 * 1024 + 17, 'n');
  v1::Document boc_doc, passport;
  {
    grpc::Status status =
        Upload(lawyer_token, kase.name(), v1::DOCUMENT_TYPE_BOC_FORM,
               "BOC narrative – María José Rodríguez", narrative, &boc_doc);
    ASSERT_TRUE(status.ok()) << status.error_message();
    status = Upload(lawyer_token, kase.name(), v1::DOCUMENT_TYPE_IDENTITY,
                    "Passport, Colombia", Pdf(200 * 1024, 'p'), &passport);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  Step("She schedules the hearing");
  // She schedules the hearing from the notice to appear and sees the
  // disclosure deadline that follows from it.
  auto hearings = StubFor<v1::HearingService>("hearing");
  v1::Hearing hearing;
  {
    const absl::TimeZone montreal = [] {
      absl::TimeZone tz;
      absl::LoadTimeZone("America/Toronto", &tz);
      return tz;
    }();
    absl::CivilDay day = today + 56;
    while (absl::GetWeekday(day) != absl::Weekday::tuesday) ++day;
    v1::ScheduleHearingRequest req;
    req.set_case_(kase.name());
    v1::Hearing* h = req.mutable_hearing();
    h->set_division(v1::IRB_DIVISION_RPD);
    h->set_kind(v1::HEARING_KIND_MERITS);
    *h->mutable_start_time() = ToProtoTime(absl::FromCivil(
        absl::CivilMinute(day.year(), day.month(), day.day(), 9, 30),
        montreal));
    *h->mutable_duration() = ToProtoDuration(absl::Hours(3));
    h->set_time_zone("America/Toronto");
    h->set_mode(v1::HEARING_MODE_IN_PERSON);
    h->set_location("IRB Montréal, Guy-Favreau Complex, 200 René-Lévesque W");
    h->set_interpreter_language("es");
    h->set_counsel("users/lena");
    *h->mutable_notice_to_appear_received() = ToDate(today - 1);
    v1::ScheduleHearingResponse resp;
    auto ctx = TokenContext(lawyer_token);
    grpc::Status status = hearings->ScheduleHearing(ctx.get(), req, &resp);
    ASSERT_TRUE(status.ok()) << status.error_message();
    hearing = resp.hearing();
  }
  {
    v1::ListDeadlinesRequest req;
    req.set_case_(kase.name());
    v1::ListDeadlinesResponse resp;
    auto ctx = TokenContext(lawyer_token);
    grpc::Status status = deadlines->ListDeadlines(ctx.get(), req, &resp);
    ASSERT_TRUE(status.ok()) << status.error_message();
    bool disclosure = false;
    for (const v1::Deadline& dl : resp.deadlines()) {
      disclosure |= dl.rule_id() == "rpd.hearing.disclosure" &&
                    dl.hearing() == hearing.name();
    }
    EXPECT_TRUE(disclosure) << "no disclosure deadline for " << hearing.name();
  }

  Step("She downloads");
  // She downloads the narrative back, byte for byte.
  auto documents = StubFor<v1::DocumentService>("document");
  {
    v1::DownloadDocumentRequest req;
    req.set_name(boc_doc.name());
    auto ctx = TokenContext(lawyer_token);
    auto reader = documents->DownloadDocument(ctx.get(), req);
    v1::DownloadDocumentResponse part;
    std::string received;
    while (reader->Read(&part)) {
      if (part.has_chunk()) received += part.chunk();
    }
    grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(received.size(), narrative.size());
    EXPECT_TRUE(received == narrative);
  }

  Step("The BOC is filed");
  // The BOC is filed: she marks the deadline met.
  {
    v1::GetDeadlineRequest get;
    get.set_name(boc_name);
    v1::Deadline boc;
    auto ctx = TokenContext(lawyer_token);
    ASSERT_TRUE(deadlines->GetDeadline(ctx.get(), get, &boc).ok());
    v1::CompleteDeadlineRequest done;
    done.set_name(boc_name);
    done.set_etag(boc.etag());
    done.set_filed_description("BOC form and narrative, filed by e-mail");
    *done.mutable_filed_date() = ToDate(today);
    ctx = TokenContext(lawyer_token);
    grpc::Status status = deadlines->CompleteDeadline(ctx.get(), done, &boc);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(boc.status(), v1::DEADLINE_STATUS_COMPLETED);
  }

  Step("Omar, a lawyer");
  // Omar, a lawyer outside the team, is refused everything.
  {
    std::vector<std::pair<std::string, grpc::Status>> refused;
    v1::GetCaseRequest get_case;
    get_case.set_name(kase.name());
    v1::Case c;
    auto ctx = TokenContext(outsider_token);
    refused.emplace_back("GetCase", intake->GetCase(ctx.get(), get_case, &c));
    v1::GetClientRequest get_client;
    get_client.set_name(mother.name());
    v1::Client cl;
    ctx = TokenContext(outsider_token);
    refused.emplace_back("GetClient",
                         intake->GetClient(ctx.get(), get_client, &cl));
    v1::ListDeadlinesRequest list;
    list.set_case_(kase.name());
    v1::ListDeadlinesResponse dls;
    ctx = TokenContext(outsider_token);
    refused.emplace_back("ListDeadlines",
                         deadlines->ListDeadlines(ctx.get(), list, &dls));
    v1::ListDocumentsRequest docs;
    docs.set_case_(kase.name());
    v1::ListDocumentsResponse listed;
    ctx = TokenContext(outsider_token);
    refused.emplace_back("ListDocuments",
                         documents->ListDocuments(ctx.get(), docs, &listed));
    v1::DownloadDocumentRequest download;
    download.set_name(boc_doc.name());
    ctx = TokenContext(outsider_token);
    auto reader = documents->DownloadDocument(ctx.get(), download);
    v1::DownloadDocumentResponse part;
    std::string leaked;
    while (reader->Read(&part)) leaked += part.chunk();
    refused.emplace_back("DownloadDocument", reader->Finish());
    EXPECT_TRUE(leaked.empty());
    v1::GetHearingRequest get_hearing;
    get_hearing.set_name(hearing.name());
    v1::Hearing hr;
    ctx = TokenContext(outsider_token);
    refused.emplace_back("GetHearing",
                         hearings->GetHearing(ctx.get(), get_hearing, &hr));
    for (const auto& [what, status] : refused) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
          << what << ": " << status.error_message();
    }
  }

  Step("The administrator exports");
  // The administrator exports the day's audit log and verifies it offline.
  auto audit = StubFor<v1::AuditService>("audit");
  std::string exported;
  {
    v1::ExportAuditRequest req;
    *req.mutable_start_time() = ToProtoTime(start_);
    *req.mutable_end_time() = ToProtoTime(absl::Now() + absl::Minutes(5));
    auto ctx = TokenContext(d_->admin_token());
    auto reader = audit->ExportAudit(ctx.get(), req);
    v1::ExportAuditResponse part;
    while (reader->Read(&part)) {
      if (part.has_jsonl()) exported += part.jsonl();
      if (part.has_manifest()) {
        exported += audit::ManifestToJsonLine(part.manifest());
      }
    }
    grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::GetAuditPublicKeyResponse key;
  {
    v1::GetAuditPublicKeyRequest req;
    auto ctx = TokenContext(d_->admin_token());
    ASSERT_TRUE(audit->GetAuditPublicKey(ctx.get(), req, &key).ok());
  }
  std::istringstream in(exported);
  auto report = audit::VerifyExport(in, key.public_key());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->problem << " at line " << report->bad_line;
  for (const char* step : {"/clinic.v1.AuthService/CreateUser",
                           "/clinic.v1.IntakeService/CreateClient",
                           "/clinic.v1.IntakeService/AddFamilyLink",
                           "/clinic.v1.IntakeService/CheckConflicts",
                           "/clinic.v1.IntakeService/OpenCase",
                           "/clinic.v1.DeadlineService/RecordEvent",
                           "/clinic.v1.DeadlineService/ListUpcomingDeadlines",
                           "/clinic.v1.DocumentService/UploadDocument",
                           "/clinic.v1.HearingService/ScheduleHearing",
                           "/clinic.v1.DocumentService/DownloadDocument",
                           "/clinic.v1.DeadlineService/CompleteDeadline"}) {
    EXPECT_THAT(exported, HasSubstr(absl::StrCat("\"method\":\"", step, "\"")))
        << step;
  }
  // Omar's refusals are there too, and no client's name is.
  EXPECT_THAT(exported, HasSubstr("\"user\":\"users/omar\""));
  EXPECT_FALSE(absl::StrContains(exported, "Rodr"));
}

// Only a split deployment has one service to lose.
class SplitClinicTest : public ClinicDayTest {};

TEST_P(SplitClinicTest, LosingOneServiceStopsOnlyWhatNeedsIt) {
  const std::string intake_token = CreateStaff("ines", v1::ROLE_INTAKE);
  const std::string lawyer_token = CreateStaff("lena", v1::ROLE_LAWYER);
  auto intake = StubFor<v1::IntakeService>("intake");
  v1::Client client = Register(intake_token, "Amina", "Tesfay", 1990);
  ASSERT_FALSE(client.name().empty());

  ASSERT_TRUE(d_->Kill("intake").ok());
  // The deadline service needs intake to know who may see a case: it says
  // so.
  auto deadlines = StubFor<v1::DeadlineService>("deadline");
  v1::ListDeadlinesRequest list;
  list.set_case_("cases/abcdefgh");
  v1::ListDeadlinesResponse listed;
  auto ctx = TokenContext(lawyer_token);
  grpc::Status status = deadlines->ListDeadlines(ctx.get(), list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("intake service"));
  // Calls that do not need intake go on: who am I, holidays.
  auto auth = StubFor<v1::AuthService>("auth");
  v1::GetCurrentUserRequest me;
  v1::User user;
  ctx = TokenContext(lawyer_token);
  EXPECT_TRUE(auth->GetCurrentUser(ctx.get(), me, &user).ok());
  v1::ListHolidaysRequest holidays;
  holidays.set_calendar("QC");
  holidays.set_year(2027);
  v1::ListHolidaysResponse days;
  ctx = TokenContext(lawyer_token);
  EXPECT_TRUE(deadlines->ListHolidays(ctx.get(), holidays, &days).ok());

  ASSERT_TRUE(d_->Restart("intake").ok());
  intake = std::make_unique<v1::IntakeService::Stub>(d_->Channel("intake"));
  v1::GetClientRequest get;
  get.set_name(client.name());
  v1::Client again;
  ctx = TokenContext(intake_token);
  status = intake->GetClient(ctx.get(), get, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again.legal_name().family_name(), "Tesfay");
}

INSTANTIATE_TEST_SUITE_P(Split, SplitClinicTest,
                         ::testing::Values(Deployment::Kind::kSplit));

INSTANTIATE_TEST_SUITE_P(
    Deployments, ClinicDayTest,
    ::testing::Values(Deployment::Kind::kAllInOne, Deployment::Kind::kSplit),
    [](const ::testing::TestParamInfo<Deployment::Kind>& param_info) {
      return param_info.param == Deployment::Kind::kSplit ? "Split"
                                                          : "AllInOne";
    });

}  // namespace
}  // namespace clinic
