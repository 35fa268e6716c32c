// DocumentService over real TLS with the intake, auth and audit services: a
// client and case opened through IntakeService, then uploads, downloads,
// tampering, cancellation, limits, crypto-shredding, key rotation and
// row-level access.
#include <dirent.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/document/document_service.h"
#include "services/intake/intake_service.h"
#include "storage/crypto/sha256.h"
#include "storage/file_util.h"
#include "tests/testing/cases.h"
#include "tests/testing/forensics.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kLimit = 4 << 20;

std::string Text(size_t n, int seed = 0) {
  static const char kWords[] =
      "Amina's narrative: the second arrest, the crossing, the hearing. ";
  std::string s;
  s.reserve(n);
  for (size_t i = 0; s.size() < n; ++i) {
    s.push_back(
        kWords[(i * 7 + static_cast<size_t>(seed)) % (sizeof(kWords) - 1)]);
  }
  return s;
}

struct Downloaded {
  grpc::Status status;
  v1::Document metadata;
  std::string data;
  int64_t trailer_bytes = -1;
};

class DocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestServer::Options options;
    options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                        IntakeServiceDefinition(), DocumentServiceDefinition()};
    options.config.mutable_document()->set_max_document_bytes(kLimit);
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    intake_ = *server_->CreateUser("ines", {v1::ROLE_INTAKE});
    lawyer_ = *server_->CreateUser("lena", {v1::ROLE_LAWYER});
    other_lawyer_ = *server_->CreateUser("omar", {v1::ROLE_LAWYER});
    case_ = OpenCase();
    ASSERT_FALSE(case_.empty());
  }

  // A client and an RPD claim in Quebec with lena as lead lawyer, through
  // IntakeService.
  std::string OpenCase() {
    auto client = testing::RegisterClient(server_->channel(), intake_,
                                          testing::Person("Amina", "Tesfay"));
    EXPECT_TRUE(client.ok()) << client.status();
    testing::CaseOptions options;
    options.province = v1::PROVINCE_QC;
    auto kase =
        testing::OpenCaseFor(server_->channel(), intake_, *client, options);
    EXPECT_TRUE(kase.ok()) << kase.status();
    return kase.ok() ? kase->name() : "";
  }

  v1::UploadMetadata Meta(const std::string& media_type = "text/plain") {
    v1::UploadMetadata md;
    md.set_case_(case_);
    md.set_type(v1::DOCUMENT_TYPE_BOC_FORM);
    md.set_title("MB4-01234 - RPD - Basis of Claim");
    md.set_language("en");
    md.set_media_type(media_type);
    return md;
  }

  grpc::Status Upload(const std::string& token, const v1::UploadMetadata& md,
                      const std::string& content, v1::Document* out,
                      size_t chunk = 256 << 10) {
    v1::DocumentService::Stub stub(server_->channel());
    auto ctx = server_->Context(token);
    auto writer = stub.UploadDocument(ctx.get(), out);
    v1::UploadDocumentRequest req;
    *req.mutable_metadata() = md;
    // As every real client does (the server requires a size or a digest).
    if (md.declared_size_bytes() == 0 && md.sha256().empty()) {
      req.mutable_metadata()->set_declared_size_bytes(
          static_cast<int64_t>(content.size()));
    }
    if (writer->Write(req)) {
      for (size_t at = 0; at < content.size(); at += chunk) {
        req.Clear();
        req.set_chunk(content.substr(at, chunk));
        if (!writer->Write(req)) break;  // the server ended the call early
      }
      writer->WritesDone();
    }
    return writer->Finish();
  }

  Downloaded Download(const std::string& token, const std::string& name,
                      int64_t offset = 0, int64_t length = 0,
                      int64_t version = 0) {
    v1::DocumentService::Stub stub(server_->channel());
    v1::DownloadDocumentRequest req;
    req.set_name(name);
    req.set_offset(offset);
    req.set_length(length);
    req.set_version(version);
    auto ctx = server_->Context(token);
    auto reader = stub.DownloadDocument(ctx.get(), req);
    Downloaded d;
    v1::DownloadDocumentResponse resp;
    while (reader->Read(&resp)) {
      if (resp.has_metadata()) d.metadata = resp.metadata();
      if (resp.payload_case() == v1::DownloadDocumentResponse::kChunk) {
        d.data += resp.chunk();
      }
      if (resp.has_trailer()) d.trailer_bytes = resp.trailer().bytes_sent();
    }
    d.status = reader->Finish();
    return d;
  }

  std::string blob_dir() const { return server_->data_dir() + "/blobs"; }

  std::vector<std::string> BlobFiles() {
    std::vector<std::string> out;
    DIR* d = ::opendir(blob_dir().c_str());
    if (d == nullptr) return out;
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
    return out;
  }

  static std::string ReadAll(const std::string& path) {
    return *storage::ReadFile(path, int64_t{1} << 30);
  }
  static void WriteAll(const std::string& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
  }

  v1::ListDocumentsResponse List(const std::string& token, grpc::Status* s) {
    v1::DocumentService::Stub stub(server_->channel());
    v1::ListDocumentsRequest req;
    req.set_case_(case_);
    v1::ListDocumentsResponse resp;
    auto ctx = server_->Context(token);
    *s = stub.ListDocuments(ctx.get(), req, &resp);
    return resp;
  }

  std::unique_ptr<testing::TestServer> server_;
  std::string intake_, lawyer_, other_lawyer_;
  std::string case_;
};

TEST_F(DocumentTest, MultiSegmentFileRoundTripsWithItsSha256) {
  const std::string content = Text(3 * (1 << 20) + 123);  // 49 segments
  v1::UploadMetadata md = Meta();
  md.set_sha256(storage::Sha256Hex(content));
  md.set_declared_size_bytes(static_cast<int64_t>(content.size()));
  v1::Document doc;
  grpc::Status s = Upload(lawyer_, md, content, &doc);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_THAT(doc.name(), ::testing::StartsWith(case_ + "/documents/"));
  ASSERT_EQ(doc.versions_size(), 1);
  EXPECT_EQ(doc.versions(0).sha256(), storage::Sha256Hex(content));
  EXPECT_EQ(doc.versions(0).media_type(), "text/plain");
  Downloaded d = Download(lawyer_, doc.name());
  ASSERT_TRUE(d.status.ok()) << d.status.error_message();
  // The client's own check: the SHA-256 of what arrived equals the metadata.
  EXPECT_EQ(storage::Sha256Hex(d.data), d.metadata.versions(0).sha256());
  EXPECT_EQ(d.data, content);
  EXPECT_EQ(d.trailer_bytes, static_cast<int64_t>(content.size()));
  // The blob on disk is ciphertext under a name that says nothing.
  std::vector<std::string> files = BlobFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].find(doc.name().substr(doc.name().rfind('/') + 1)),
            std::string::npos);
  std::string blob = ReadAll(blob_dir() + "/" + files[0]);
  EXPECT_EQ(blob.find(content.substr(1000, 100)), std::string::npos);
  grpc::Status ls;
  v1::ListDocumentsResponse listed = List(lawyer_, &ls);
  ASSERT_TRUE(ls.ok());
  ASSERT_EQ(listed.documents_size(), 1);
  EXPECT_EQ(listed.documents(0).name(), doc.name());
}

TEST_F(DocumentTest, TamperedBlobOnDiskIsDataLoss) {
  const std::string content = Text(2 * (1 << 20));
  v1::Document doc;
  ASSERT_TRUE(Upload(lawyer_, Meta(), content, &doc).ok());
  std::vector<std::string> files = BlobFiles();
  ASSERT_EQ(files.size(), 1u);
  const std::string path = blob_dir() + "/" + files[0];
  std::string blob = ReadAll(path);
  const size_t flip = blob.size() / 2;
  blob[flip] ^= 0x20;
  WriteAll(path, blob);
  Downloaded d = Download(lawyer_, doc.name());
  EXPECT_EQ(d.status.error_code(), grpc::StatusCode::DATA_LOSS)
      << d.status.error_message();
  // Only authenticated bytes from before the damaged segment arrived.
  EXPECT_LT(d.data.size(), flip);
  EXPECT_EQ(d.data, content.substr(0, d.data.size()));
  EXPECT_EQ(d.trailer_bytes, -1);
}

// Also the shutdown right after the cancellation: the handler may only now be
// starting (its case check calls the intake service in-process), which once
// crashed gRPC mid-shutdown (see services/common/call_gate.h).
TEST_F(DocumentTest, CancelledUploadLeavesNothing) {
  v1::DocumentService::Stub stub(server_->channel());
  auto ctx = server_->Context(lawyer_);
  v1::Document out;
  auto writer = stub.UploadDocument(ctx.get(), &out);
  v1::UploadDocumentRequest req;
  *req.mutable_metadata() = Meta();
  // More than is sent before the cancellation: the upload is under way.
  req.mutable_metadata()->set_declared_size_bytes(8 * (256 << 10));
  ASSERT_TRUE(writer->Write(req));
  for (int i = 0; i < 4; ++i) {
    req.Clear();
    req.set_chunk(Text(256 << 10, i));
    ASSERT_TRUE(writer->Write(req));
  }
  ctx->TryCancel();
  EXPECT_EQ(writer->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // Stopping the server waits for the handler to finish its cleanup.
  server_->host().Shutdown(absl::Seconds(5));
  EXPECT_THAT(BlobFiles(), IsEmpty());
  ASSERT_TRUE(server_->Restart().ok());
  grpc::Status s;
  v1::ListDocumentsResponse listed = List(lawyer_, &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(listed.documents_size(), 0);
}

TEST_F(DocumentTest, OversizedUploadIsResourceExhaustedAndLeavesNothing) {
  v1::Document doc;
  grpc::Status s = Upload(lawyer_, Meta(), Text(kLimit + 1), &doc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  v1::UploadMetadata md = Meta();
  md.set_declared_size_bytes(kLimit + 1);
  s = Upload(lawyer_, md, "short", &doc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("metadata.declared_size_bytes"));
  EXPECT_THAT(BlobFiles(), IsEmpty());
  grpc::Status ls;
  EXPECT_EQ(List(lawyer_, &ls).documents_size(), 0);
}

TEST_F(DocumentTest, ContentOfAnotherTypeThanDeclaredIsRefused) {
  v1::Document doc;
  grpc::Status s = Upload(lawyer_, Meta("application/pdf"), Text(10000), &doc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("metadata.media_type"));
  std::string png(
      "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 29);
  s = Upload(lawyer_, Meta("text/plain"), png, &doc);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("image/png"));
  EXPECT_THAT(BlobFiles(), IsEmpty());
}

TEST_F(DocumentTest, DeletedDocumentsSavedBlobCannotBeDecrypted) {
  const std::string content = Text(300000, 5);
  v1::Document doc, survivor;
  ASSERT_TRUE(Upload(lawyer_, Meta(), content, &doc).ok());
  std::vector<std::string> files = BlobFiles();
  ASSERT_EQ(files.size(), 1u);
  const std::string path = blob_dir() + "/" + files[0];
  const std::string saved = ReadAll(path);
  ASSERT_TRUE(Upload(lawyer_, Meta(), Text(1000, 6), &survivor).ok());

  v1::DocumentService::Stub stub(server_->channel());
  v1::DeleteDocumentRequest del;
  del.set_name(doc.name());
  del.set_reason("client asked that the file be destroyed");
  del.set_etag(doc.etag());
  v1::DeleteDocumentResponse deleted;
  auto ctx = server_->Context(lawyer_);
  grpc::Status s = stub.DeleteDocument(ctx.get(), del, &deleted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(deleted.versions_size(), 1);
  EXPECT_FALSE(storage::PathExists(path));
  Downloaded gone = Download(lawyer_, doc.name());
  EXPECT_EQ(gone.status.error_code(), grpc::StatusCode::NOT_FOUND);

  // With everything the server holds (master key, database), no key opens the
  // saved copy: its wrapped data key no longer exists.
  server_->host().Shutdown(absl::Seconds(5));
  const std::string doc_id = doc.name().substr(doc.name().rfind('/') + 1);
  auto search =
      testing::TryEveryStoredKey(server_->data_dir(), doc_id, 1, saved);
  ASSERT_TRUE(search.ok()) << search.status();
  EXPECT_EQ(search->keys_for_document, 0);
  EXPECT_EQ(search->keys_tried, 1);  // the survivor's
  EXPECT_EQ(search->keys_that_open, 0);
  // Restoring the copy does not bring the document back.
  WriteAll(path, saved);
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_FALSE(storage::PathExists(path));
  EXPECT_EQ(Download(lawyer_, doc.name()).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Download(lawyer_, survivor.name()).status.ok());
}

TEST_F(DocumentTest, RotationRewrapsAndDocumentsStayReadable) {
  v1::Document a, b;
  ASSERT_TRUE(Upload(lawyer_, Meta(), Text(200000, 1), &a).ok());
  ASSERT_TRUE(Upload(intake_, Meta(), Text(300, 2), &b).ok());
  v1::DocumentService::Stub stub(server_->channel());
  v1::RotateKeysResponse rotated;
  auto ctx = server_->Context(lawyer_);
  EXPECT_EQ(stub.RotateKeys(ctx.get(), v1::RotateKeysRequest(), &rotated)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ctx = server_->Context(server_->admin_token());
  grpc::Status s =
      stub.RotateKeys(ctx.get(), v1::RotateKeysRequest(), &rotated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(rotated.kek_version(), 2);
  EXPECT_EQ(rotated.rewrapped(), 2);
  EXPECT_EQ(rotated.remaining(), 0);
  Downloaded da = Download(lawyer_, a.name());
  Downloaded db = Download(lawyer_, b.name());
  ASSERT_TRUE(da.status.ok()) << da.status.error_message();
  ASSERT_TRUE(db.status.ok());
  EXPECT_EQ(da.data, Text(200000, 1));
  EXPECT_EQ(db.data, Text(300, 2));
  EXPECT_EQ(da.metadata.versions(0).kek_version(), 2);
  // Still readable after a restart (KEKs are derived, never stored).
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_EQ(Download(lawyer_, a.name()).data, Text(200000, 1));
}

TEST_F(DocumentTest, LawyerOutsideTheCaseTeamGetsNotFound) {
  v1::Document doc;
  ASSERT_TRUE(Upload(intake_, Meta(), Text(5000), &doc).ok());
  v1::DocumentService::Stub stub(server_->channel());
  v1::GetDocumentRequest get;
  get.set_name(doc.name());
  v1::Document got;
  auto ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(stub.GetDocument(ctx.get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Download(other_lawyer_, doc.name()).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::Status s;
  List(other_lawyer_, &s);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::Document refused;
  EXPECT_EQ(Upload(other_lawyer_, Meta(), Text(10), &refused).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Intake staff added it but may not read it back.
  EXPECT_EQ(Download(intake_, doc.name()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The case team may.
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(stub.GetDocument(ctx.get(), get, &got).ok());
  EXPECT_EQ(got.versions(0).uploaded_by(), "users/ines");
}

TEST_F(DocumentTest, RangedDownloadSendsExactlyTheRange) {
  const std::string content = Text(5 * (64 << 10) + 999, 3);
  v1::Document doc;
  ASSERT_TRUE(Upload(lawyer_, Meta(), content, &doc).ok());
  const int64_t seg = 64 << 10;
  struct Range {
    int64_t offset, length;
  };
  for (Range r :
       std::vector<Range>{{seg - 3, 10},
                          {2 * seg, seg},
                          {12345, 3 * seg + 17},
                          {static_cast<int64_t>(content.size()) - 5, 0}}) {
    Downloaded d = Download(lawyer_, doc.name(), r.offset, r.length);
    ASSERT_TRUE(d.status.ok()) << d.status.error_message();
    std::string want =
        content.substr(r.offset, r.length == 0 ? std::string::npos : r.length);
    EXPECT_EQ(d.data, want) << r.offset;
    EXPECT_EQ(d.trailer_bytes, static_cast<int64_t>(want.size()));
  }
  Downloaded beyond =
      Download(lawyer_, doc.name(), static_cast<int64_t>(content.size()) + 1);
  EXPECT_EQ(beyond.status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
}

TEST_F(DocumentTest, CrashLeftoversAreGoneAfterRestart) {
  v1::Document doc;
  ASSERT_TRUE(Upload(lawyer_, Meta(), Text(70000), &doc).ok());
  // What a server killed mid-upload leaves: a temporary file being written,
  // or a blob committed just before the metadata.
  server_->host().Shutdown(absl::Seconds(5));
  WriteAll(blob_dir() + "/.tmp-killedupload", Text(5000));
  WriteAll(blob_dir() + "/committedbutnometadata", Text(5000));
  ASSERT_EQ(BlobFiles().size(), 3u);
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_EQ(BlobFiles().size(), 1u);
  grpc::Status s;
  EXPECT_EQ(List(lawyer_, &s).documents_size(), 1);
  EXPECT_EQ(Download(lawyer_, doc.name()).data, Text(70000));
}

TEST_F(DocumentTest, NewVersionKeepsTheOldOneReadable) {
  v1::Document v1doc, v2doc;
  ASSERT_TRUE(Upload(lawyer_, Meta(), Text(1000, 1), &v1doc).ok());
  v1::UploadMetadata md;
  md.set_document(v1doc.name());
  md.set_media_type("text/plain");
  grpc::Status s = Upload(lawyer_, md, Text(2000, 2), &v2doc);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(v2doc.current_version(), 2);
  EXPECT_EQ(Download(lawyer_, v1doc.name(), 0, 0, 1).data, Text(1000, 1));
  EXPECT_EQ(Download(lawyer_, v1doc.name()).data, Text(2000, 2));
}

TEST_F(DocumentTest, UploadDownloadAndDeleteAreAuditedByVersionNeverContent) {
  const std::string content = Text(5000, 9);
  v1::Document doc;
  ASSERT_TRUE(Upload(intake_, Meta(), content, &doc).ok());
  ASSERT_TRUE(Download(lawyer_, doc.name()).status.ok());
  v1::DocumentService::Stub stub(server_->channel());
  v1::DeleteDocumentRequest del;
  del.set_name(doc.name());
  del.set_reason("duplicate of the certified copy");
  del.set_etag(doc.etag());
  v1::DeleteDocumentResponse deleted;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(stub.DeleteDocument(ctx.get(), del, &deleted).ok());

  v1::AuditService::Stub audit(server_->channel());
  v1::ListAuditEventsRequest req;
  req.set_resource(doc.name());
  req.set_page_size(100);
  v1::ListAuditEventsResponse resp;
  ctx = server_->Context(server_->admin_token());
  grpc::Status s = audit.ListAuditEvents(ctx.get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string version = doc.name() + "/versions/1";
  std::map<std::string, const v1::AuditEvent*> by_method;
  for (const v1::AuditEvent& e : resp.events()) {
    by_method[e.method()] = &e;
    std::string serialized = e.SerializeAsString();
    EXPECT_EQ(serialized.find(content.substr(0, 40)), std::string::npos);
    EXPECT_EQ(serialized.find(doc.title()), std::string::npos);
  }
  for (const char* method : {"/clinic.v1.DocumentService/UploadDocument",
                             "/clinic.v1.DocumentService/DownloadDocument",
                             "/clinic.v1.DocumentService/DeleteDocument"}) {
    ASSERT_TRUE(by_method.count(method)) << method;
    EXPECT_THAT(by_method[method]->resources(), ::testing::Contains(version))
        << method;
  }
  EXPECT_EQ(by_method["/clinic.v1.DocumentService/UploadDocument"]->user(),
            "users/ines");
  EXPECT_THAT(by_method["/clinic.v1.DocumentService/DeleteDocument"]->reason(),
              HasSubstr("duplicate of the certified copy"));
}

}  // namespace
}  // namespace clinic
