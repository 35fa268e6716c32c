// Master-key rotation of a real data directory: a rotation interrupted after
// every one of its durable steps in turn (as a kill there would leave it)
// resumes and ends with every database and document readable under the new
// key and none under the old; the server refuses to start mid-rotation; a
// running server keeps rotation out.
#include "services/admin/key_rotation.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/data_dir.h"
#include "services/common/server_host.h"
#include "services/deadline/deadline_service.h"
#include "services/document/document_service.h"
#include "services/intake/intake_service.h"
#include "storage/file_util.h"
#include "storage/keyring.h"
#include "storage/snapshot.h"
#include "tests/testing/cases.h"
#include "tests/testing/fake_person_matcher.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

constexpr char kServices[][9] = {"audit", "auth", "intake", "deadline",
                                 "document"};

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestServer::Options options;
    options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                        IntakeServiceDefinitionWith([] {
                          return std::make_unique<testing::FakePersonMatcher>();
                        }),
                        DeadlineServiceDefinition(),
                        DocumentServiceDefinition()};
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    intake_ = *server_->CreateUser("ines", {v1::ROLE_INTAKE});
    lawyer_ = *server_->CreateUser("lena", {v1::ROLE_LAWYER});
    // Clients, a case, and documents of a few versions.
    for (int i = 0; i < 5; ++i) {
      auto client = testing::RegisterClient(
          server_->channel(), intake_,
          testing::Person(absl::StrCat("Given", i), "Tesfay"));
      ASSERT_TRUE(client.ok()) << client.status();
      clients_.push_back(client->name());
    }
    auto client = testing::RegisterClient(server_->channel(), intake_,
                                          testing::Person("Ruth", "Alemu"));
    auto kase = testing::OpenCaseFor(server_->channel(), intake_, *client);
    ASSERT_TRUE(kase.ok()) << kase.status();
    case_ = kase->name();
    for (int i = 0; i < 7; ++i) {
      documents_.push_back(Upload(absl::StrCat("narrative ", i, "\n")));
    }
  }

  std::string Upload(const std::string& content) {
    v1::DocumentService::Stub stub(server_->channel());
    auto ctx = server_->Context(lawyer_);
    v1::Document out;
    auto writer = stub.UploadDocument(ctx.get(), &out);
    v1::UploadDocumentRequest req;
    req.mutable_metadata()->set_case_(case_);
    req.mutable_metadata()->set_type(v1::DOCUMENT_TYPE_EVIDENCE);
    req.mutable_metadata()->set_title("Evidence");
    req.mutable_metadata()->set_language("en");
    req.mutable_metadata()->set_media_type("text/plain");
    req.mutable_metadata()->set_declared_size_bytes(
        static_cast<int64_t>(content.size()));
    writer->Write(req);
    req.Clear();
    req.set_chunk(content);
    writer->Write(req);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  // Everything written in SetUp reads back through the restarted server, and
  // the audit chain verifies.
  void ExpectEverythingReadable() {
    ASSERT_TRUE(server_->Restart().ok());
    v1::IntakeService::Stub intake(server_->channel());
    for (const std::string& name : clients_) {
      v1::GetClientRequest req;
      req.set_name(name);
      v1::Client out;
      auto ctx = server_->Context(intake_);
      grpc::Status s = intake.GetClient(ctx.get(), req, &out);
      EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
    }
    v1::DocumentService::Stub documents(server_->channel());
    for (int i = 0; i < static_cast<int>(documents_.size()); ++i) {
      v1::DownloadDocumentRequest req;
      req.set_name(documents_[i]);
      auto ctx = server_->Context(lawyer_);
      auto reader = documents.DownloadDocument(ctx.get(), req);
      std::string data;
      v1::DownloadDocumentResponse chunk;
      while (reader->Read(&chunk)) data += chunk.chunk();
      grpc::Status s = reader->Finish();
      EXPECT_TRUE(s.ok()) << documents_[i] << ": " << s.error_message();
      EXPECT_EQ(data, absl::StrCat("narrative ", i, "\n"));
    }
    v1::AuditService::Stub audit(server_->channel());
    v1::VerifyChainRequest verify;
    v1::VerifyChainResponse verified;
    auto ctx = server_->Context(server_->admin_token());
    grpc::Status s = audit.VerifyChain(ctx.get(), verify, &verified);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(verified.ok()) << verified.problem();
  }

  // True if the key in `key_file` opens `service`'s database.
  bool Opens(const std::string& key_file, const std::string& service) {
    auto keyring = storage::Keyring::Load(key_file);
    if (!keyring.ok()) return false;
    DataDir dir(server_->data_dir());
    return storage::QueryInt(dir.DatabasePath(service),
                             (*keyring)->DatabaseKey(service),
                             "SELECT count(*) FROM sqlite_master")
        .ok();
  }

  // Rotation records in the running server's audit chain.
  int RotationRecords() {
    v1::AuditService::Stub audit(server_->channel());
    v1::ListAuditEventsRequest list;
    list.set_page_size(200);
    v1::ListAuditEventsResponse events;
    auto ctx = server_->Context(server_->admin_token());
    grpc::Status s = audit.ListAuditEvents(ctx.get(), list, &events);
    EXPECT_TRUE(s.ok()) << s.error_message();
    int rotations = 0;
    for (const v1::AuditEvent& e : events.events()) {
      rotations += e.method() == "clinicd rotate-master-key";
    }
    return rotations;
  }

  std::unique_ptr<testing::TestServer> server_;
  std::string intake_, lawyer_, case_;
  std::vector<std::string> clients_, documents_;
};

TEST_F(KeyRotationTest, InterruptedAfterEveryStepResumesAndEverythingReads) {
  server_->host().Shutdown(absl::Seconds(5));
  DataDir dir(server_->data_dir());
  const std::string pristine = dir.root() + ".pristine";
  ASSERT_EQ(
      std::system(absl::StrCat("cp -a ", dir.root(), " ", pristine).c_str()),
      0);
  const std::string old_key = *storage::ReadFile(dir.master_key(), 4096);
  // For every durable step k: a rotation killed after step k, resumed and
  // killed again after one more step, then resumed to the end. A tiny re-wrap
  // batch makes the document keys several steps.
  KeyRotationOptions options;
  options.rewrap_batch = 2;
  int boundaries = 0;
  for (int k = 1;; ++k) {
    ASSERT_EQ(std::system(absl::StrCat("rm -rf ", dir.root(), " && cp -a ",
                                       pristine, " ", dir.root())
                              .c_str()),
              0);
    options.stop_after_steps = k;
    auto first = RotateMasterKey(dir.root(), &server_->clock(), options);
    if (first.ok()) break;  // k is past the last step
    ASSERT_EQ(first.status().code(), absl::StatusCode::kAborted)
        << first.status();
    ++boundaries;
    // Mid-rotation the server refuses to start, saying how to finish.
    EXPECT_THAT(std::string(dir.CheckReady().message()),
                HasSubstr("clinicd rotate-master-key"));
    // A kill inside a database's re-encryption leaves a partial copy.
    ASSERT_TRUE(storage::WriteFileAtomically(
                    dir.DatabasePath("intake") + ".rekey", "partial", 0600)
                    .ok());
    options.stop_after_steps = 1;
    auto second = RotateMasterKey(dir.root(), &server_->clock(), options);
    if (!second.ok()) {
      ASSERT_EQ(second.status().code(), absl::StatusCode::kAborted);
      options.stop_after_steps = -1;
      second = RotateMasterKey(dir.root(), &server_->clock(), options);
    }
    ASSERT_TRUE(second.ok()) << "after step " << k << ": " << second.status();
    EXPECT_TRUE(second->resumed);
    EXPECT_FALSE(storage::PathExists(dir.next_master_key()));
    EXPECT_FALSE(storage::PathExists(dir.DatabasePath("intake") + ".rekey"));
    EXPECT_NE(*storage::ReadFile(dir.master_key(), 4096), old_key);
    EXPECT_EQ(*storage::ReadFile(second->retired_key_file, 4096), old_key);
    EXPECT_EQ(*storage::FileMode(second->retired_key_file) & 0777, 0600u);
    for (const char* service : kServices) {
      EXPECT_TRUE(Opens(dir.master_key(), service)) << service;
      EXPECT_FALSE(Opens(second->retired_key_file, service)) << service;
    }
    ExpectEverythingReadable();
    // However often it was resumed, one rotation is one record.
    EXPECT_EQ(RotationRecords(), 1) << "interrupted after step " << k;
    server_->host().Shutdown(absl::Seconds(5));
  }
  // The new key, every database, four re-wrap batches and the audit record.
  EXPECT_GE(boundaries, 10);
}

TEST_F(KeyRotationTest, UninterruptedRotationRewrapsEveryDocumentKey) {
  server_->host().Shutdown(absl::Seconds(5));
  auto report = RotateMasterKey(server_->data_dir(), &server_->clock());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->resumed);
  EXPECT_EQ(report->document_keys_rewrapped, 7);
  EXPECT_GE(report->databases_rekeyed, 5);
  EXPECT_EQ(report->databases_already_rekeyed, 0);
  ExpectEverythingReadable();
  // The rotation is in the audit chain.
  EXPECT_EQ(RotationRecords(), 1);
}

TEST_F(KeyRotationTest, RefusedWhileAServerServesTheDirectory) {
  auto report = RotateMasterKey(server_->data_dir(), &server_->clock());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("stop it"));
  DataDir dir(server_->data_dir());
  EXPECT_FALSE(storage::PathExists(dir.next_master_key()));
}

}  // namespace
}  // namespace clinic
