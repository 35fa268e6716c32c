// The retention sweep end to end, through the real services over TLS: a closed
// case past its retention period loses its documents (a saved copy of a blob
// cannot be decrypted with anything the server still holds) and its clients'
// records; a client still on another case is kept; a case under legal hold
// survives; the case's deadlines and hearings go too; the dry run lists exactly
// what the real run destroys; what remains is the audit record; and the
// scheduled sweep does the same on its own.
#include <dirent.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clinic/v1/admin.grpc.pb.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/admin/admin_service.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/deadline/deadline_service.h"
#include "services/document/document_service.h"
#include "services/hearing/hearing_service.h"
#include "services/intake/intake_service.h"
#include "storage/file_util.h"
#include "tests/testing/cases.h"
#include "tests/testing/forensics.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kNarrative[] =
    "Basis of claim narrative: persecution in the home region, flight via "
    "the United States.\n";

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  return out;
}

class RetentionTest : public ::testing::Test {
 protected:
  void StartServer(absl::Duration sweep_interval) {
    testing::TestServer::Options options;
    options.services = {
        AuditServiceDefinition(),    AuthServiceDefinition(),
        IntakeServiceDefinition(),   DocumentServiceDefinition(),
        DeadlineServiceDefinition(), HearingServiceDefinition(),
        AdminServiceDefinition()};
    options.config.mutable_retention()->mutable_sweep_interval()->set_seconds(
        absl::ToInt64Seconds(sweep_interval));
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->CreateUser("ines", {v1::ROLE_INTAKE}).ok());
    ASSERT_TRUE(server_->CreateUser("lena", {v1::ROLE_LAWYER}).ok());
    SignIn();
  }

  // Fresh tokens (after the clock moves years ahead, old ones have expired).
  void SignIn() {
    auto intake = server_->Login("ines", testing::kTestPassword);
    auto lawyer = server_->Login("lena", testing::kTestPassword);
    auto admin = server_->Login("admin", testing::kTestPassword);
    ASSERT_TRUE(intake.ok() && lawyer.ok()) << intake.status();
    intake_ = intake->access_token();
    lawyer_ = lawyer->access_token();
    admin_ = admin.ok() ? admin->access_token() : server_->admin_token();
  }

  v1::Client Register(const std::string& given, const std::string& family) {
    auto client = testing::RegisterClient(server_->channel(), intake_,
                                          testing::Person(given, family));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *client : v1::Client();
  }

  v1::Case Open(const v1::Client& client) {
    auto kase = testing::OpenCaseFor(server_->channel(), intake_, client);
    EXPECT_TRUE(kase.ok()) << kase.status();
    return kase.ok() ? *kase : v1::Case();
  }

  v1::Case Close(const v1::Case& kase) {
    v1::IntakeService::Stub stub(server_->channel());
    v1::CloseCaseRequest req;
    req.set_case_(kase.name());
    req.set_etag(kase.etag());
    req.set_reason(v1::CLOSE_REASON_ACCEPTED);
    v1::Case out;
    auto ctx = server_->Context(lawyer_);
    grpc::Status s = stub.CloseCase(ctx.get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::Case Update(v1::Case kase, const std::string& field) {
    v1::IntakeService::Stub stub(server_->channel());
    v1::UpdateCaseRequest req;
    *req.mutable_case_() = kase;
    req.add_update_mask(field);
    v1::Case out;
    auto ctx = server_->Context(lawyer_);
    grpc::Status s = stub.UpdateCase(ctx.get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  v1::Document Upload(const v1::Case& kase, const std::string& content) {
    v1::DocumentService::Stub stub(server_->channel());
    auto ctx = server_->Context(lawyer_);
    v1::Document out;
    auto writer = stub.UploadDocument(ctx.get(), &out);
    v1::UploadDocumentRequest req;
    v1::UploadMetadata* md = req.mutable_metadata();
    md->set_case_(kase.name());
    md->set_type(v1::DOCUMENT_TYPE_BOC_FORM);
    md->set_title("Basis of Claim");
    md->set_language("en");
    md->set_media_type("text/plain");
    md->set_declared_size_bytes(static_cast<int64_t>(content.size()));
    writer->Write(req);
    req.Clear();
    req.set_chunk(content);
    writer->Write(req);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // A referral (which starts the Basis of Claim deadline) and a hearing.
  // The hearing is on 12 January 2027 plus `days_later` days.
  void RecordDeadlinesAndHearing(const v1::Case& kase, int days_later) {
    v1::DeadlineService::Stub deadlines(server_->channel());
    v1::RecordEventRequest event;
    event.mutable_event()->set_case_(kase.name());
    event.mutable_event()->set_type(v1::EVENT_TYPE_CLAIM_REFERRED);
    *event.mutable_event()->mutable_date() = kase.open_date();
    v1::RecordEventResponse recorded;
    auto ctx = server_->Context(lawyer_);
    grpc::Status s = deadlines.RecordEvent(ctx.get(), event, &recorded);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::HearingService::Stub hearings(server_->channel());
    v1::ScheduleHearingRequest schedule;
    schedule.set_case_(kase.name());
    v1::Hearing* h = schedule.mutable_hearing();
    h->set_division(v1::IRB_DIVISION_RPD);
    h->set_kind(v1::HEARING_KIND_MERITS);
    // Tuesday 12 January 2027, 09:30 in Toronto.
    h->mutable_start_time()->set_seconds(1799764200 + days_later * 86400);
    h->mutable_duration()->set_seconds(3 * 3600);
    h->set_time_zone("America/Toronto");
    h->set_mode(v1::HEARING_MODE_VIDEO);
    h->set_video_link("https://irb.example/room/1");
    h->set_counsel("users/lena");
    h->set_interpreter_language("ti");
    v1::ScheduleHearingResponse scheduled;
    ctx = server_->Context(lawyer_);
    s = hearings.ScheduleHearing(ctx.get(), schedule, &scheduled);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Rows of `table` about case `kase` in `service`'s database (server
  // stopped).
  int64_t RowsAbout(const std::string& service, const std::string& table,
                    const v1::Case& kase) {
    auto n = testing::QueryServiceDatabase(
        server_->data_dir(), service,
        absl::StrCat("SELECT count(*) FROM ", table, " WHERE case_id = '",
                     kase.name().substr(6), "'"));
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? *n : -1;
  }

  grpc::Status Sweep(bool dry_run, v1::RunRetentionSweepResponse* out) {
    v1::AdminService::Stub stub(server_->channel());
    v1::RunRetentionSweepRequest req;
    req.set_dry_run(dry_run);
    auto ctx = server_->Context(admin_);
    return stub.RunRetentionSweep(ctx.get(), req, out);
  }

  grpc::StatusCode GetCase(const std::string& name) {
    v1::IntakeService::Stub stub(server_->channel());
    v1::GetCaseRequest req;
    req.set_name(name);
    v1::Case out;
    auto ctx = server_->Context(intake_);
    return stub.GetCase(ctx.get(), req, &out).error_code();
  }

  grpc::StatusCode GetClient(const std::string& name) {
    v1::IntakeService::Stub stub(server_->channel());
    v1::GetClientRequest req;
    req.set_name(name);
    v1::Client out;
    auto ctx = server_->Context(intake_);
    return stub.GetClient(ctx.get(), req, &out).error_code();
  }

  // Names of the clients a name search finds.
  std::vector<std::string> Search(const std::string& query) {
    v1::IntakeService::Stub stub(server_->channel());
    v1::SearchClientsRequest req;
    req.set_query(query);
    v1::SearchClientsResponse resp;
    auto ctx = server_->Context(intake_);
    grpc::Status s = stub.SearchClients(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> names;
    for (const auto& r : resp.results()) names.push_back(r.client().name());
    return names;
  }

  std::vector<v1::AuditEvent> AuditEventsFor(const std::string& resource) {
    v1::AuditService::Stub stub(server_->channel());
    v1::ListAuditEventsRequest req;
    req.set_resource(resource);
    req.set_page_size(200);
    v1::ListAuditEventsResponse resp;
    auto ctx = server_->Context(admin_);
    grpc::Status s = stub.ListAuditEvents(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.events().begin(), resp.events().end()};
  }

  std::string blob_dir() const { return server_->data_dir() + "/blobs"; }

  std::unique_ptr<testing::TestServer> server_;
  std::string intake_, lawyer_, admin_;
};

TEST_F(RetentionTest, ExpiredCaseIsDestroyedHeldCaseSurvivesDryRunMatches) {
  StartServer(absl::ZeroDuration());
  // Expired: Amanuel's case, with Selam as a dependant who also has an open
  // case of her own. Held: Dawit's case. Open: Selam's.
  v1::Client amanuel = Register("Amanuel", "Gebremedhin");
  v1::Client selam = Register("Selam", "Gebremedhin");
  v1::Client dawit = Register("Dawit", "Haile");
  v1::Case expired = Open(amanuel);
  v1::Case held = Open(dawit);
  v1::Case open = Open(selam);
  expired.add_dependant_clients(selam.name());
  expired = Update(expired, "dependant_clients");
  // Dawit is Amanuel's brother; a later check of a prospective client with a
  // similar name matched Amanuel's record.
  v1::IntakeService::Stub intake(server_->channel());
  {
    v1::AddFamilyLinkRequest link;
    link.set_client(dawit.name());
    link.set_etag(dawit.etag());
    link.mutable_link()->set_client(amanuel.name());
    link.mutable_link()->set_relationship(v1::RELATIONSHIP_SIBLING);
    auto ctx = server_->Context(intake_);
    grpc::Status linked = intake.AddFamilyLink(ctx.get(), link, &dawit);
    ASSERT_TRUE(linked.ok()) << linked.error_message();
  }
  v1::ConflictCheck later_check;
  {
    v1::CheckConflictsRequest check;
    *check.add_subjects()->mutable_name() = amanuel.legal_name();
    auto ctx = server_->Context(intake_);
    ASSERT_TRUE(intake.CheckConflicts(ctx.get(), check, &later_check).ok());
    ASSERT_GE(later_check.matches_size(), 1);
  }
  RecordDeadlinesAndHearing(expired, 0);
  RecordDeadlinesAndHearing(held, 1);
  v1::Document doc = Upload(expired, kNarrative);
  // A copy of the expired case's blob, as an old backup of the blob store
  // would hold it.
  std::vector<std::string> blobs = Files(blob_dir());
  ASSERT_EQ(blobs.size(), 1u);
  const std::string saved_blob =
      *storage::ReadFile(blob_dir() + "/" + blobs[0], 1 << 20);
  Upload(held, kNarrative);
  ASSERT_EQ(Files(blob_dir()).size(), 2u);
  expired = Close(expired);
  held = Close(held);
  held.mutable_retention()->set_legal_hold(true);
  held.mutable_retention()->set_legal_hold_reason(
      "Federal Court judicial review pending");
  held = Update(held, "retention");

  // Nothing is due yet.
  v1::RunRetentionSweepResponse dry, real;
  ASSERT_TRUE(Sweep(true, &dry).ok());
  EXPECT_THAT(dry.destroyed(), IsEmpty());

  // Six years (the default class) and a few days later.
  server_->clock().Advance(absl::Hours(24 * (6 * 365 + 4)));
  SignIn();
  grpc::Status s = Sweep(true, &dry);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(dry.destroyed_size(), 1);
  EXPECT_EQ(dry.destroyed(0).case_(), expired.name());
  EXPECT_EQ(dry.destroyed(0).documents(), 1);
  EXPECT_THAT(dry.held(), ElementsAre(held.name()));
  // The dry run destroyed nothing.
  EXPECT_EQ(GetCase(expired.name()), grpc::StatusCode::OK);
  EXPECT_EQ(Files(blob_dir()).size(), 2u);

  s = Sweep(false, &real);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(real.destroyed_size(), 1);
  // Same case, class, dates and documents as the dry run listed; the real run
  // also counts the clients it erased (Amanuel; Selam is kept).
  v1::RetentionAction listed = dry.destroyed(0);
  listed.set_clients(1);
  EXPECT_EQ(real.destroyed(0).SerializeAsString(), listed.SerializeAsString());
  EXPECT_THAT(real.held(), ElementsAre(held.name()));

  EXPECT_EQ(GetCase(expired.name()), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetClient(amanuel.name()), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetClient(selam.name()), grpc::StatusCode::OK);
  EXPECT_EQ(GetCase(open.name()), grpc::StatusCode::OK);
  EXPECT_EQ(GetCase(held.name()), grpc::StatusCode::OK);
  EXPECT_EQ(Files(blob_dir()).size(), 1u);

  // Dawit's record no longer links to Amanuel; the later check keeps only
  // that a record matched.
  {
    v1::GetClientRequest get;
    get.set_name(dawit.name());
    auto ctx = server_->Context(intake_);
    ASSERT_TRUE(intake.GetClient(ctx.get(), get, &dawit).ok());
    EXPECT_THAT(dawit.family_links(), IsEmpty());
    v1::GetConflictCheckRequest get_check;
    get_check.set_name(later_check.name());
    v1::ConflictCheck redacted;
    ctx = server_->Context(intake_);
    ASSERT_TRUE(intake.GetConflictCheck(ctx.get(), get_check, &redacted).ok());
    int amanuel_matches = 0;
    for (const v1::ConflictMatch& m : redacted.matches()) {
      if (m.client() != amanuel.name()) continue;
      ++amanuel_matches;
      EXPECT_FALSE(m.has_matched_name());
      EXPECT_THAT(m.reasons(), ElementsAre(HasSubstr("destroyed")));
    }
    EXPECT_EQ(amanuel_matches, 1);
  }

  // Amanuel is no longer found by name; Selam still is.
  EXPECT_THAT(Search("Amanuel Gebremedhin"),
              ::testing::Not(::testing::Contains(amanuel.name())));
  EXPECT_THAT(Search("Selam Gebremedhin"), ::testing::Contains(selam.name()));

  // What remains is the audit record: which case, by which rule, when.
  bool recorded = false;
  for (const v1::AuditEvent& e : AuditEventsFor(expired.name())) {
    if (e.method() != "/clinic.v1.IntakeService/EraseCase") continue;
    recorded = true;
    EXPECT_EQ(e.status_code(), 0);
    EXPECT_THAT(e.reason(), HasSubstr(expired.case_number()));
    EXPECT_THAT(e.reason(), HasSubstr("class standard"));
    EXPECT_THAT(e.resources(), ::testing::Contains(amanuel.name()));
    EXPECT_EQ(e.reason().find("Amanuel"), std::string::npos);
  }
  EXPECT_TRUE(recorded);

  // With everything the server still holds, the saved blob stays sealed.
  server_->host().Shutdown(absl::Seconds(5));
  auto after = testing::TryEveryStoredKey(
      server_->data_dir(), doc.name().substr(doc.name().rfind('/') + 1), 1,
      saved_blob);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->keys_for_document, 0);
  EXPECT_EQ(after->keys_tried, 1);  // the held case's document
  EXPECT_EQ(after->keys_that_open, 0);
  // The expired case's deadlines, events and hearings are gone; the held
  // case's are not.
  for (const char* table : {"events", "deadlines"}) {
    EXPECT_EQ(RowsAbout("deadline", table, expired), 0) << table;
    EXPECT_GT(RowsAbout("deadline", table, held), 0) << table;
  }
  EXPECT_EQ(RowsAbout("hearing", "hearings", expired), 0);
  EXPECT_EQ(RowsAbout("hearing", "hearings", held), 1);
}

TEST_F(RetentionTest, OnlyServicesMayEraseOrShred) {
  StartServer(absl::ZeroDuration());
  v1::Case kase = Close(Open(Register("Yonas", "Tesfay")));
  v1::IntakeService::Stub intake(server_->channel());
  v1::EraseCaseRequest erase;
  erase.set_case_(kase.name());
  erase.set_reason("retention sweep: by hand");
  v1::EraseCaseResponse erased;
  v1::DocumentService::Stub documents(server_->channel());
  v1::ShredCaseDocumentsRequest shred;
  shred.set_case_(kase.name());
  shred.set_reason("retention sweep: by hand");
  v1::ShredCaseDocumentsResponse shredded;
  for (const std::string& token : {admin_, lawyer_, intake_}) {
    auto ctx = server_->Context(token);
    EXPECT_EQ(intake.EraseCase(ctx.get(), erase, &erased).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    ctx = server_->Context(token);
    EXPECT_EQ(
        documents.ShredCaseDocuments(ctx.get(), shred, &shredded).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(GetCase(kase.name()), grpc::StatusCode::OK);
}

TEST_F(RetentionTest, ScheduledSweepDestroysWhatIsDueAndRecordsIt) {
  StartServer(absl::Seconds(1));
  v1::Case kase = Open(Register("Hiwet", "Kidane"));
  Upload(kase, kNarrative);
  kase = Close(kase);
  server_->clock().Advance(absl::Hours(24 * (6 * 365 + 4)));
  SignIn();
  for (int i = 0; i < 100 && GetCase(kase.name()) == grpc::StatusCode::OK; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(GetCase(kase.name()), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(Files(blob_dir()), IsEmpty());
  // The server's own audit record of the run names the case. (The run is
  // recorded after the erasure; give it a moment.)
  bool recorded = false;
  for (int i = 0; i < 50 && !recorded; ++i) {
    for (const v1::AuditEvent& e : AuditEventsFor(kase.name())) {
      recorded = recorded || (e.peer() == "scheduler" &&
                              e.reason() == "scheduled retention sweep");
    }
    if (!recorded) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(recorded);
}

}  // namespace
}  // namespace clinic
