// A document server killed (SIGKILL) in the middle of an upload leaves nothing
// behind once it is started again: the split deployment runs each service as
// its own process, so the document process alone dies while the others serve.
#include <dirent.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"
#include "tests/testing/accounts.h"
#include "tests/testing/deployment.h"

namespace clinic {
namespace {

using testing::Deployment;
using testing::TokenContext;

std::string Text(size_t n) {
  static const char kWords[] = "Evidence of the claimant's persecution. ";
  std::string s;
  while (s.size() < n) s.append(kWords);
  s.resize(n);
  return s;
}

std::vector<std::string> Entries(const std::string& dir) {
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

int TempFiles(const std::string& dir) {
  int n = 0;
  for (const std::string& e : Entries(dir)) n += absl::StartsWith(e, ".tmp-");
  return n;
}

TEST(DocumentCrashTest, KilledServerMidUploadLeavesNoTraceAfterRestart) {
  auto started = Deployment::Start(Deployment::Kind::kSplit);
  ASSERT_TRUE(started.ok()) << started.status();
  std::unique_ptr<Deployment> d = *std::move(started);
  auto intake = testing::CreateUserAndSignIn(
      d->Channel("auth"), d->admin_token(), "ines", {v1::ROLE_INTAKE});
  auto lawyer = testing::CreateUserAndSignIn(
      d->Channel("auth"), d->admin_token(), "lena", {v1::ROLE_LAWYER});
  ASSERT_TRUE(intake.ok() && lawyer.ok());

  // A client and a case with lena on the team.
  v1::IntakeService::Stub intake_stub(d->Channel("intake"));
  v1::CreateClientRequest create;
  create.mutable_client()->mutable_legal_name()->set_given_names("Amina");
  create.mutable_client()->mutable_legal_name()->set_family_name("Tesfay");
  create.mutable_client()->mutable_birth_date()->set_year(1990);
  create.mutable_client()->mutable_arrival()->set_mode(
      v1::ENTRY_MODE_IRREGULAR_CROSSING);
  create.mutable_client()->mutable_arrival()->set_place("Lacolle");
  v1::Client client;
  ASSERT_TRUE(
      intake_stub.CreateClient(TokenContext(*intake).get(), create, &client)
          .ok());
  v1::CheckConflictsRequest check;
  *check.add_subjects()->mutable_name() = client.legal_name();
  v1::ConflictCheck conflicts;
  ASSERT_TRUE(
      intake_stub.CheckConflicts(TokenContext(*intake).get(), check, &conflicts)
          .ok());
  v1::OpenCaseRequest open;
  open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
  open.mutable_case_()->set_principal_client(client.name());
  open.mutable_case_()->set_province(v1::PROVINCE_QC);
  open.set_conflict_check(conflicts.name());
  if (conflicts.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
    open.set_conflict_waiver_reason(
        "reviewed: the match is the client herself");
  }
  v1::TeamMember* member = open.add_team();
  member->set_user("users/lena");
  member->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
  v1::Case kase;
  grpc::Status s =
      intake_stub.OpenCase(TokenContext(*intake).get(), open, &kase);
  ASSERT_TRUE(s.ok()) << s.error_message();

  v1::UploadMetadata md;
  md.set_case_(kase.name());
  md.set_type(v1::DOCUMENT_TYPE_EVIDENCE);
  md.set_title("Police summons");
  md.set_media_type("text/plain");
  const std::string blobs = storage::JoinPath(d->root(), "document/blobs");

  // One document that must survive.
  {
    v1::DocumentService::Stub stub(d->Channel("document"));
    v1::Document kept;
    auto ctx = TokenContext(*lawyer);
    auto writer = stub.UploadDocument(ctx.get(), &kept);
    v1::UploadDocumentRequest req;
    *req.mutable_metadata() = md;
    req.mutable_metadata()->set_declared_size_bytes(100000);
    ASSERT_TRUE(writer->Write(req));
    req.Clear();
    req.set_chunk(Text(100000));
    ASSERT_TRUE(writer->Write(req));
    writer->WritesDone();
    s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_EQ(Entries(blobs).size(), 1u);

  // An upload the server dies in the middle of: once 48 MiB have been
  // accepted, flow control guarantees the server has read (and written to a
  // temporary file) most of them.
  {
    v1::DocumentService::Stub stub(d->Channel("document"));
    v1::Document never;
    auto ctx = TokenContext(*lawyer);
    auto writer = stub.UploadDocument(ctx.get(), &never);
    v1::UploadDocumentRequest req;
    *req.mutable_metadata() = md;
    req.mutable_metadata()->set_declared_size_bytes(64 << 20);
    ASSERT_TRUE(writer->Write(req));
    const std::string chunk = Text(1 << 20);
    for (int i = 0; i < 48; ++i) {
      req.Clear();
      req.set_chunk(chunk);
      ASSERT_TRUE(writer->Write(req));
    }
    EXPECT_EQ(TempFiles(blobs), 1);  // what the crash will leave behind
    ASSERT_TRUE(d->Kill("document").ok());
    EXPECT_FALSE(writer->Finish().ok());
  }
  EXPECT_EQ(TempFiles(blobs), 1);

  ASSERT_TRUE(d->Restart("document").ok());
  EXPECT_EQ(TempFiles(blobs), 0);
  EXPECT_EQ(Entries(blobs).size(), 1u);
  v1::DocumentService::Stub stub(d->Channel("document"));
  v1::ListDocumentsRequest list;
  list.set_case_(kase.name());
  v1::ListDocumentsResponse listed;
  s = stub.ListDocuments(TokenContext(*lawyer).get(), list, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(listed.documents_size(), 1);
  EXPECT_EQ(listed.documents(0).title(), "Police summons");
  EXPECT_EQ(listed.documents(0).versions(0).size_bytes(), 100000);
}

}  // namespace
}  // namespace clinic
