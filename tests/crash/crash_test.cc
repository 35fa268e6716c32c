// Crash consistency: the real clinicd is killed with SIGKILL at random moments
// while staff register clients, record events and upload documents, then
// restarted, many times. After every restart:
//  - every write the server acknowledged is there, whole (clients read back,
//    documents download with the SHA-256 they were uploaded with);
//  - nothing half-written is visible (every listed document downloads whole);
//  - the audit chain verifies.
//
// Cycles: CRASH_CYCLES (default 5, as in CI; run 200 by hand:
//   bazel test //tests/crash:crash_test --test_env=CRASH_CYCLES=200
//   --test_timeout=3600).
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "storage/crypto/sha256.h"
#include "tests/testing/accounts.h"
#include "tests/testing/cases.h"
#include "tests/testing/deployment.h"

namespace clinic {
namespace {

using testing::Deployment;
using testing::TokenContext;

int Cycles() {
  const char* env = std::getenv("CRASH_CYCLES");
  int cycles = env != nullptr ? std::atoi(env) : 0;
  return cycles > 0 ? cycles : 5;
}

std::string Hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// What the server acknowledged, kept by the writers.
struct Acknowledged {
  std::mutex mu;
  struct Client {
    std::string name, family;
    int cycle;
  };
  std::vector<Client> clients;
  struct Document {
    std::string name, sha;
    int cycle;
  };
  std::vector<Document> documents;
  int events = 0;
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = Deployment::Start(Deployment::Kind::kAllInOne);
    ASSERT_TRUE(d.ok()) << d.status();
    d_ = *std::move(d);
    auto intake = testing::CreateUserAndSignIn(
        d_->Channel("auth"), d_->admin_token(), "ines", {v1::ROLE_INTAKE});
    auto lawyer = testing::CreateUserAndSignIn(
        d_->Channel("auth"), d_->admin_token(), "lena", {v1::ROLE_LAWYER});
    ASSERT_TRUE(intake.ok() && lawyer.ok());
    intake_ = *intake;
    lawyer_ = *lawyer;
    case_ = OpenCase();
    ASSERT_FALSE(case_.empty());
  }

  std::string OpenCase() {
    auto client = testing::RegisterClient(d_->Channel("intake"), intake_,
                                          testing::Person("Case", "Holder"));
    if (!client.ok()) return "";
    auto kase = testing::OpenCaseFor(d_->Channel("intake"), intake_, *client);
    EXPECT_TRUE(kase.ok()) << kase.status();
    return kase.ok() ? kase->name() : "";
  }

  // Writes until `stop`: clients (intake), events and documents (lawyer).
  void Write(int writer, int cycle, std::atomic<bool>& stop,
             Acknowledged& acked) {
    v1::IntakeService::Stub intake(d_->Channel("intake"));
    v1::DeadlineService::Stub deadlines(d_->Channel("deadline"));
    v1::DocumentService::Stub documents(d_->Channel("document"));
    for (int i = 0; !stop.load(); ++i) {
      const std::string tag = absl::StrCat(cycle, "x", writer, "x", i);
      switch (i % 3) {
        case 0: {
          v1::CreateClientRequest req;
          req.mutable_client()->mutable_legal_name()->set_given_names("Crash");
          req.mutable_client()->mutable_legal_name()->set_family_name(
              absl::StrCat("Writer", tag));
          v1::Client out;
          auto ctx = TokenContext(intake_);
          if (intake.CreateClient(ctx.get(), req, &out).ok()) {
            std::lock_guard<std::mutex> lock(acked.mu);
            acked.clients.push_back(
                {out.name(), out.legal_name().family_name(), cycle});
          }
          break;
        }
        case 1: {
          v1::RecordEventRequest req;
          req.mutable_event()->set_case_(case_);
          req.mutable_event()->set_type(v1::EVENT_TYPE_HEARING_SCHEDULED);
          *req.mutable_event()->mutable_date() =
              ToDate(Today(absl::Now()) + 60 + i % 30);
          req.mutable_event()->set_hearing(
              absl::StrCat(case_, "/hearings/h", tag));
          v1::RecordEventResponse out;
          auto ctx = TokenContext(lawyer_);
          if (deadlines.RecordEvent(ctx.get(), req, &out).ok()) {
            std::lock_guard<std::mutex> lock(acked.mu);
            ++acked.events;
          }
          break;
        }
        default: {
          std::string content =
              absl::StrCat("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", tag, "\n");
          content.resize(64 * 1024 + i * 7919 % 300000, 'a' + i % 26);
          v1::Document out;
          auto ctx = TokenContext(lawyer_);
          auto upload = documents.UploadDocument(ctx.get(), &out);
          v1::UploadDocumentRequest first;
          first.mutable_metadata()->set_case_(case_);
          first.mutable_metadata()->set_type(v1::DOCUMENT_TYPE_EVIDENCE);
          first.mutable_metadata()->set_title(absl::StrCat("Evidence ", tag));
          first.mutable_metadata()->set_media_type("application/pdf");
          first.mutable_metadata()->set_declared_size_bytes(content.size());
          bool sent = upload->Write(first);
          for (size_t at = 0; sent && at < content.size(); at += 100000) {
            v1::UploadDocumentRequest chunk;
            chunk.set_chunk(content.substr(at, 100000));
            sent = upload->Write(chunk);
          }
          upload->WritesDone();
          if (upload->Finish().ok()) {
            std::lock_guard<std::mutex> lock(acked.mu);
            acked.documents.push_back(
                {out.name(), Hex(storage::Sha256(content)), cycle});
          }
          break;
        }
      }
    }
  }

  // The document's bytes, or why not.
  absl::StatusOr<std::string> Download(const std::string& name) {
    v1::DocumentService::Stub documents(d_->Channel("document"));
    v1::DownloadDocumentRequest req;
    req.set_name(name);
    auto ctx = TokenContext(lawyer_);
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(30));
    auto reader = documents.DownloadDocument(ctx.get(), req);
    v1::DownloadDocumentResponse part;
    std::string bytes;
    while (reader->Read(&part)) bytes += part.chunk();
    grpc::Status status = reader->Finish();
    if (!status.ok()) {
      return absl::InternalError(
          absl::StrCat(name, ": ", status.error_message()));
    }
    return bytes;
  }

  void VerifyEverything(int cycle, bool thorough, Acknowledged& acked) {
    SCOPED_TRACE(absl::StrCat("after crash ", cycle));
    v1::IntakeService::Stub intake(d_->Channel("intake"));
    std::lock_guard<std::mutex> lock(acked.mu);
    for (const auto& [name, family, written_in] : acked.clients) {
      if (written_in != cycle && !thorough) continue;
      v1::GetClientRequest get;
      get.set_name(name);
      v1::Client client;
      auto ctx = TokenContext(intake_);
      grpc::Status status = intake.GetClient(ctx.get(), get, &client);
      ASSERT_TRUE(status.ok()) << name << " lost: " << status.error_message();
      EXPECT_EQ(client.legal_name().family_name(), family);
    }
    // Every acknowledged document is listed with its hash; the bytes of this
    // cycle's are read back whole, and every document's every tenth crash
    // and after the last (reading them all each time grows quadratically).
    std::map<std::string, std::string> listed_sha;
    v1::DocumentService::Stub documents(d_->Channel("document"));
    v1::ListDocumentsRequest list;
    list.set_case_(case_);
    list.set_page_size(200);
    do {
      v1::ListDocumentsResponse listed;
      auto ctx = TokenContext(lawyer_);
      ASSERT_TRUE(documents.ListDocuments(ctx.get(), list, &listed).ok());
      for (const v1::Document& doc : listed.documents()) {
        ASSERT_FALSE(doc.versions().empty()) << doc.name();
        listed_sha[doc.name()] = doc.versions(doc.versions_size() - 1).sha256();
      }
      list.set_page_token(listed.next_page_token());
    } while (!list.page_token().empty());
    std::set<std::string> acknowledged;
    for (const auto& doc : acked.documents) {
      acknowledged.insert(doc.name);
      ASSERT_EQ(listed_sha[doc.name], doc.sha) << doc.name << " lost";
      if (doc.cycle == cycle || thorough) {
        auto bytes = Download(doc.name);
        ASSERT_TRUE(bytes.ok()) << bytes.status();
        EXPECT_EQ(Hex(storage::Sha256(*bytes)), doc.sha) << doc.name;
      }
    }
    // Nothing half-written: a document committed whose answer was lost in the
    // crash is whole too.
    for (const auto& [name, sha] : listed_sha) {
      if (acknowledged.count(name) || name.empty()) continue;
      auto bytes = Download(name);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      EXPECT_EQ(Hex(storage::Sha256(*bytes)), sha) << name;
    }
    v1::AuditService::Stub audit(d_->Channel("audit"));
    v1::VerifyChainResponse chain;
    auto ctx = TokenContext(d_->admin_token());
    ASSERT_TRUE(
        audit.VerifyChain(ctx.get(), v1::VerifyChainRequest(), &chain).ok());
    EXPECT_TRUE(chain.ok())
        << "audit chain broken at " << chain.first_bad_sequence();
  }

  std::unique_ptr<Deployment> d_;
  std::string intake_, lawyer_, case_;
};

TEST_F(CrashTest, KilledAtRandomLosesNoAcknowledgedWrite) {
  std::mt19937 random(20261123);
  Acknowledged acked;
  const int cycles = Cycles();
  for (int cycle = 1; cycle <= cycles; ++cycle) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
      writers.emplace_back([&, w, cycle] { Write(w, cycle, stop, acked); });
    }
    absl::SleepFor(absl::Milliseconds(100 + random() % 900));
    ASSERT_TRUE(d_->Kill("intake").ok());
    stop = true;
    for (std::thread& t : writers) t.join();
    ASSERT_TRUE(d_->Restart("intake").ok()) << "cycle " << cycle;
    VerifyEverything(cycle, cycle % 10 == 0 || cycle == cycles, acked);
    if (::testing::Test::HasFatalFailure()) return;
  }
  std::lock_guard<std::mutex> lock(acked.mu);
  std::printf(
      "%d crashes: %zu clients, %d events, %zu documents acknowledged "
      "and found intact\n",
      cycles, acked.clients.size(), acked.events, acked.documents.size());
  EXPECT_GT(acked.clients.size() + acked.documents.size(), 0u);
}

}  // namespace
}  // namespace clinic
