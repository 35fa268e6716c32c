// Backups end to end: a server under write load is backed up through
// AdminService.CreateBackup; the archive verifies offline, restores into an
// empty directory, and a server started on the restored directory serves every
// write acknowledged before the backup began, the documents, and an intact
// audit chain. Tampered archives and non-empty targets are refused.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "clinic/v1/admin.grpc.pb.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/admin/admin_service.h"
#include "services/admin/backup_archive.h"
#include "services/admin/restore.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/config.h"
#include "services/common/data_dir.h"
#include "services/common/server_host.h"
#include "services/common/tls.h"
#include "services/document/document_service.h"
#include "services/intake/intake_service.h"
#include "storage/file_util.h"
#include "storage/keyring.h"
#include "tests/testing/accounts.h"
#include "tests/testing/fake_person_matcher.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

std::vector<ServiceDefinition> Services() {
  return {AuditServiceDefinition(), AuthServiceDefinition(),
          IntakeServiceDefinitionWith(
              [] { return std::make_unique<testing::FakePersonMatcher>(); }),
          DocumentServiceDefinition(), AdminServiceDefinition()};
}

v1::Client NewClient(int i) {
  v1::Client c;
  c.mutable_legal_name()->set_given_names(absl::StrCat("Given", i));
  c.mutable_legal_name()->set_family_name("Tesfay");
  c.mutable_birth_date()->set_year(1990);
  c.add_citizenships("ER");
  c.mutable_arrival()->set_mode(v1::ENTRY_MODE_IRREGULAR_CROSSING);
  c.mutable_arrival()->set_place("Lacolle");
  return c;
}

std::string Text(size_t n) {
  std::string out;
  out.reserve(n);
  for (size_t i = 0; out.size() < n; ++i) {
    absl::StrAppend(&out, "line ", i, " of the basis of claim narrative\n");
  }
  out.resize(n);
  return out;
}

// GET /metrics from the loopback metrics endpoint on `port`.
std::string ScrapeMetrics(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) ==
      0) {
    const std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
    ::send(fd, request.data(), request.size(), 0);
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
      response.append(buffer, n);
  }
  ::close(fd);
  return response;
}

// A server started on an existing (restored) data directory.
struct RestoredServer {
  FakeClock clock{absl::FromUnixSeconds(1795000000)};
  std::unique_ptr<ServerHost> host;
  std::shared_ptr<grpc::Channel> channel;
};

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestServer::Options options;
    options.services = Services();
    options.config.mutable_metrics()->set_listen_address("127.0.0.1:0");
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    intake_ = *server_->CreateUser("ines", {v1::ROLE_INTAKE});
    lawyer_ = *server_->CreateUser("lena", {v1::ROLE_LAWYER});
  }

  absl::StatusOr<v1::Client> CreateClient(int i) {
    v1::IntakeService::Stub stub(server_->channel());
    v1::CreateClientRequest req;
    *req.mutable_client() = NewClient(i);
    req.set_request_id(absl::StrCat("load-request-", i));
    v1::Client out;
    auto ctx = server_->Context(intake_);
    grpc::Status s = stub.CreateClient(ctx.get(), req, &out);
    if (!s.ok()) return absl::InternalError(s.error_message());
    return out;
  }

  // Opens a case for `client` with lena as lead lawyer.
  std::string OpenCase(const v1::Client& client) {
    v1::IntakeService::Stub intake(server_->channel());
    v1::CheckConflictsRequest check;
    *check.add_subjects()->mutable_name() = client.legal_name();
    v1::ConflictCheck result;
    auto ctx = server_->Context(intake_);
    grpc::Status s = intake.CheckConflicts(ctx.get(), check, &result);
    EXPECT_TRUE(s.ok()) << s.error_message();
    v1::OpenCaseRequest open;
    open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
    open.mutable_case_()->set_principal_client(client.name());
    open.mutable_case_()->set_province(v1::PROVINCE_QC);
    open.set_conflict_check(result.name());
    if (result.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
      open.set_conflict_waiver_reason("reviewed: not the same person");
    }
    v1::TeamMember* member = open.add_team();
    member->set_user("users/lena");
    member->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
    v1::Case kase;
    ctx = server_->Context(intake_);
    s = intake.OpenCase(ctx.get(), open, &kase);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return kase.name();
  }

  std::string Upload(const std::string& kase, const std::string& content) {
    v1::DocumentService::Stub stub(server_->channel());
    auto ctx = server_->Context(lawyer_);
    v1::Document doc;
    auto writer = stub.UploadDocument(ctx.get(), &doc);
    v1::UploadDocumentRequest req;
    v1::UploadMetadata* md = req.mutable_metadata();
    md->set_case_(kase);
    md->set_type(v1::DOCUMENT_TYPE_BOC_FORM);
    md->set_title("Basis of Claim");
    md->set_language("en");
    md->set_media_type("text/plain");
    md->set_declared_size_bytes(static_cast<int64_t>(content.size()));
    writer->Write(req);
    for (size_t at = 0; at < content.size(); at += 256 << 10) {
      req.Clear();
      req.set_chunk(content.substr(at, 256 << 10));
      writer->Write(req);
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    EXPECT_TRUE(s.ok()) << s.error_message();
    return doc.name();
  }

  static std::string Download(const std::shared_ptr<grpc::Channel>& channel,
                              const std::string& token, const std::string& name,
                              grpc::Status* status) {
    v1::DocumentService::Stub stub(channel);
    v1::DownloadDocumentRequest req;
    req.set_name(name);
    auto ctx = testing::TokenContext(token);
    auto reader = stub.DownloadDocument(ctx.get(), req);
    std::string data;
    v1::DownloadDocumentResponse resp;
    while (reader->Read(&resp)) {
      if (resp.payload_case() == v1::DownloadDocumentResponse::kChunk) {
        data += resp.chunk();
      }
    }
    *status = reader->Finish();
    return data;
  }

  // Streams a backup into `path`; returns the manifest.
  absl::StatusOr<v1::BackupManifest> Backup(const std::string& token,
                                            const std::string& path,
                                            int* messages = nullptr) {
    v1::AdminService::Stub stub(server_->channel());
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(120));
    auto reader = stub.CreateBackup(&ctx, v1::CreateBackupRequest());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    v1::CreateBackupResponse resp;
    v1::BackupManifest manifest;
    int count = 0;
    int64_t last_done = -1;
    while (reader->Read(&resp)) {
      ++count;
      EXPECT_GE(resp.bytes_done(), last_done);
      EXPECT_LE(resp.bytes_done(), resp.bytes_total());
      last_done = resp.bytes_done();
      if (resp.has_manifest()) manifest = resp.manifest();
      out.write(resp.archive_chunk().data(),
                static_cast<std::streamsize>(resp.archive_chunk().size()));
    }
    out.close();
    grpc::Status s = reader->Finish();
    if (messages != nullptr) *messages = count;
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                          s.error_message());
    }
    return manifest;
  }

  absl::StatusOr<std::unique_ptr<RestoredServer>> StartOn(
      const std::string& dir) {
    auto restored = std::make_unique<RestoredServer>();
    ServerHost::Options options;
    options.config.set_data_dir(dir);
    options.config.set_listen_address("127.0.0.1:0");
    options.config.mutable_auth()->set_scrypt_log2_n(10);
    ApplyConfigDefaults(&options.config);
    options.services = Services();
    options.clock = &restored->clock;
    auto host = ServerHost::Start(std::move(options));
    if (!host.ok()) return host.status();
    restored->host = *std::move(host);
    auto ca = storage::ReadFile(dir + "/tls/ca.crt", 1 << 20);
    if (!ca.ok()) return ca.status();
    restored->channel = grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", restored->host->port()),
        MakeChannelCredentials(*ca, nullptr), grpc::ChannelArguments());
    return restored;
  }

  std::string TempPath(const std::string& name) {
    return storage::JoinPath(testing::NewTempDir("backup"), name);
  }

  std::unique_ptr<testing::TestServer> server_;
  std::string intake_, lawyer_;
};

TEST_F(BackupTest, BackupUnderWriteLoadRestoresEveryAcknowledgedWrite) {
  // Documents (blobs) and a case exist before the backup.
  auto first = CreateClient(0);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string kase = OpenCase(*first);
  const std::string big = Text(3 * (1 << 20) + 77);
  const std::string small = Text(1000);
  const std::string doc_big = Upload(kase, big);
  const std::string doc_small = Upload(kase, small);

  // Writers keep creating clients during the backup.
  absl::Mutex mu;
  std::vector<std::pair<std::string, bool>> acked;  // name, before backup
  std::atomic<bool> backup_started{false};
  std::atomic<bool> stop{false};
  std::atomic<int> next{1};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&] {
      while (!stop.load()) {
        auto client = CreateClient(next.fetch_add(1));
        // Read the flag after the acknowledgement: true means the backup may
        // already have begun.
        bool before = !backup_started.load();
        if (!client.ok()) {
          failures.fetch_add(1);
          continue;
        }
        absl::MutexLock lock(&mu);
        acked.emplace_back(client->name(), before);
      }
    });
  }
  // And a lawyer keeps uploading documents (blobs + document rows).
  struct Doc {
    std::string name, content;
    bool before;
  };
  std::vector<Doc> docs;
  writers.emplace_back([&] {
    for (int i = 0; !stop.load(); ++i) {
      std::string content = absl::StrCat("document ", i, "\n", Text(2000));
      std::string name = Upload(kase, content);
      bool before = !backup_started.load();
      if (name.empty()) {
        failures.fetch_add(1);
        continue;
      }
      absl::MutexLock lock(&mu);
      docs.push_back({name, content, before});
    }
  });
  auto acked_count = [&] {
    absl::MutexLock lock(&mu);
    return docs.size() < 3 ? 0 : acked.size();
  };
  while (acked_count() < 30) std::this_thread::yield();

  const std::string archive = TempPath("server.clinic");
  backup_started.store(true);
  int messages = 0;
  auto manifest = Backup(server_->admin_token(), archive, &messages);
  const size_t at_end = acked_count();
  while (acked_count() < at_end + 30) std::this_thread::yield();  // and after
  stop.store(true);
  for (auto& t : writers) t.join();
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(messages, 3);  // header, data, manifest
  EXPECT_GT(manifest->audit_sequence(), 0);
  EXPECT_EQ(manifest->audit_hash().size(), 32u);

  // Verify offline with the server's master key.
  auto keyring =
      storage::Keyring::Load(DataDir(server_->data_dir()).master_key());
  ASSERT_TRUE(keyring.ok());
  auto keys = backup::BackupKeys::FromKeyring(**keyring);
  ASSERT_TRUE(keys.ok());
  auto verified = backup::VerifyBackup(archive, **keys);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->SerializeAsString(), manifest->SerializeAsString());
  int blobs = 0;
  for (const auto& f : verified->files())
    blobs += f.path().rfind("blobs/", 0) == 0;
  EXPECT_GE(blobs, 2);

  // Restore elsewhere and serve.
  const std::string target = testing::NewTempDir("restored");
  auto restored_manifest = backup::RestoreServer(
      archive, DataDir(server_->data_dir()).master_key(), target);
  ASSERT_TRUE(restored_manifest.ok()) << restored_manifest.status();
  auto restored = StartOn(target);
  ASSERT_TRUE(restored.ok()) << restored.status();
  auto channel = (*restored)->channel;

  v1::IntakeService::Stub intake(channel);
  int before = 0;
  int after_present = 0;
  for (const auto& [name, was_before] : acked) {
    v1::GetClientRequest get;
    get.set_name(name);
    v1::Client client;
    auto ctx = testing::TokenContext(intake_);
    grpc::Status s = intake.GetClient(ctx.get(), get, &client);
    if (was_before) {
      ++before;
      EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
    } else if (s.ok()) {
      ++after_present;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND)
          << s.error_message();
    }
  }
  EXPECT_GE(before, 30);
  // Some writes acknowledged after the backup began are absent from it.
  EXPECT_LT(after_present, static_cast<int>(acked.size()) - before);

  grpc::Status s;
  EXPECT_EQ(Download(channel, lawyer_, doc_big, &s), big);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(Download(channel, lawyer_, doc_small, &s), small);
  EXPECT_TRUE(s.ok()) << s.error_message();
  int docs_before = 0;
  for (const Doc& doc : docs) {
    std::string data = Download(channel, lawyer_, doc.name, &s);
    if (doc.before) {
      ++docs_before;
      EXPECT_TRUE(s.ok()) << doc.name << ": " << s.error_message();
      EXPECT_EQ(data, doc.content) << doc.name;
    } else if (s.ok()) {
      EXPECT_EQ(data, doc.content) << doc.name;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND)
          << s.error_message();
    }
  }
  EXPECT_GE(docs_before, 3);

  // The restored audit chain verifies and continues from the archived head.
  v1::AuditService::Stub audit(channel);
  v1::VerifyChainResponse chain;
  auto ctx = testing::TokenContext(server_->admin_token());
  s = audit.VerifyChain(ctx.get(), v1::VerifyChainRequest(), &chain);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(chain.ok());
  EXPECT_GE(chain.events_checked(), manifest->audit_sequence() + 1);
  // The event right after the archived head records the restore.
  v1::ListAuditEventsRequest list;
  list.set_method("clinicd restore");
  v1::ListAuditEventsResponse events;
  ctx = testing::TokenContext(server_->admin_token());
  s = audit.ListAuditEvents(ctx.get(), list, &events);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(events.events_size(), 1);
  EXPECT_EQ(events.events(0).sequence(), manifest->audit_sequence() + 1);
  EXPECT_EQ(events.events(0).previous_hash(), manifest->audit_hash());
  (*restored)->host->Shutdown(absl::Seconds(5));
}

TEST_F(BackupTest, FlippedByteIsRefusedByVerifyAndRestore) {
  const std::string archive = TempPath("flip.clinic");
  ASSERT_TRUE(Backup(server_->admin_token(), archive).ok());
  auto bytes = storage::ReadFile(archive, 256 << 20);
  ASSERT_TRUE(bytes.ok());
  auto keyring =
      storage::Keyring::Load(DataDir(server_->data_dir()).master_key());
  auto keys = backup::BackupKeys::FromKeyring(**keyring);
  for (size_t at : {size_t{0}, size_t{30}, size_t{100}, bytes->size() / 3,
                    bytes->size() / 2, bytes->size() - 40, bytes->size() - 1}) {
    std::string bad = *bytes;
    bad[at] ^= 0x04;
    const std::string path = TempPath(absl::StrCat("bad", at));
    ASSERT_TRUE(storage::WriteFileAtomically(path, bad).ok());
    auto verified = backup::VerifyBackup(path, **keys);
    EXPECT_FALSE(verified.ok()) << at;
    const std::string target = testing::NewTempDir("target");
    auto restored = backup::RestoreBackup(
        path, DataDir(server_->data_dir()).master_key(), target);
    EXPECT_FALSE(restored.ok()) << at;
    EXPECT_TRUE(*storage::IsEmptyDirectory(target)) << at;
  }
}

TEST_F(BackupTest, RestoreIntoNonEmptyDirectoryIsRefused) {
  const std::string archive = TempPath("ok.clinic");
  ASSERT_TRUE(Backup(server_->admin_token(), archive).ok());
  const std::string target = testing::NewTempDir("occupied");
  ASSERT_TRUE(storage::WriteFileAtomically(target + "/notes.txt", "mine").ok());
  auto restored = backup::RestoreBackup(
      archive, DataDir(server_->data_dir()).master_key(), target);
  EXPECT_EQ(restored.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(restored.status().message()),
              HasSubstr("not an empty directory"));
  EXPECT_EQ(*storage::ReadFile(target + "/notes.txt"), "mine");
  EXPECT_FALSE(storage::PathExists(target + "/master.key"));
}

TEST_F(BackupTest, OnlyAdministratorsMayCreateBackups) {
  auto result = Backup(lawyer_, TempPath("denied.clinic"));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(BackupTest, StatusAndMetricsCountRpcsAndSizesWithoutClientData) {
  auto client = CreateClient(7);
  ASSERT_TRUE(client.ok()) << client.status();
  v1::IntakeService::Stub intake(server_->channel());
  v1::GetClientRequest missing;
  missing.set_name("clients/doesnotexist");
  v1::Client out;
  auto ctx = server_->Context(intake_);
  EXPECT_EQ(intake.GetClient(ctx.get(), missing, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::AdminService::Stub admin(server_->channel());
  v1::ServerStatus status;
  ctx = server_->Context(server_->admin_token());
  grpc::Status s =
      admin.GetServerStatus(ctx.get(), v1::GetServerStatusRequest(), &status);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(status.version(), kClinicServerVersion);
  EXPECT_GT(status.rpcs_served(), 3);
  EXPECT_GE(status.rpcs_failed(), 1);
  EXPECT_GT(status.audit_chain_length(), 0);
  bool saw_intake = false;
  for (const auto& svc : status.services()) {
    if (svc.service() != "intake") continue;
    saw_intake = true;
    EXPECT_TRUE(svc.serving());
    EXPECT_GT(svc.database_bytes(), 0);
    EXPECT_GT(svc.schema_version(), 0);
  }
  EXPECT_TRUE(saw_intake);
  bool saw_get = false;
  for (const auto& rpc : status.rpcs()) {
    if (rpc.method() != "/clinic.v1.IntakeService/GetClient") continue;
    saw_get = true;
    EXPECT_GE(rpc.calls(), 1);
    EXPECT_GE(rpc.errors().at("NOT_FOUND"), 1);
    EXPECT_GT(rpc.p50_ms(), 0);
  }
  EXPECT_TRUE(saw_get);
  // Counts and names of methods only: no client's name anywhere.
  EXPECT_EQ(status.DebugString().find("Tesfay"), std::string::npos);

  auto port_text = storage::ReadFile(server_->data_dir() + "/run/metrics.port");
  ASSERT_TRUE(port_text.ok()) << port_text.status();
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(*port_text), &port));
  std::string metrics = ScrapeMetrics(port);
  EXPECT_THAT(metrics, HasSubstr("HTTP/1.0 200 OK"));
  EXPECT_THAT(metrics, HasSubstr("clinic_rpc_calls_total{method=\"/clinic.v1."
                                 "IntakeService/CreateClient\",code=\"OK\"} "));
  EXPECT_THAT(metrics, HasSubstr("code=\"NOT_FOUND\"} 1\n"));
  EXPECT_THAT(metrics, HasSubstr("clinic_database_bytes{service=\"intake\"}"));
  EXPECT_THAT(metrics, HasSubstr("clinic_rpc_latency_seconds_bucket{"));
  // The co-hosted audit log's queue is reported (empty once calls are done).
  EXPECT_THAT(metrics, HasSubstr("clinic_audit_queue_depth 0\n"));
  EXPECT_EQ(metrics.find("Tesfay"), std::string::npos);
}

TEST_F(BackupTest, RetentionSweepRefusesBadDatesAndNonAdministrators) {
  v1::AdminService::Stub admin(server_->channel());
  v1::RunRetentionSweepRequest req;
  req.set_dry_run(true);
  req.mutable_as_of()->set_year(2026);
  req.mutable_as_of()->set_month(2);
  req.mutable_as_of()->set_day(30);
  v1::RunRetentionSweepResponse resp;
  auto ctx = server_->Context(server_->admin_token());
  grpc::Status s = admin.RunRetentionSweep(ctx.get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("as_of"));

  // A future date previews; it cannot make a real sweep destroy early.
  req.mutable_as_of()->set_year(2040);
  req.mutable_as_of()->set_day(1);
  ctx = server_->Context(server_->admin_token());
  EXPECT_TRUE(admin.RunRetentionSweep(ctx.get(), req, &resp).ok());
  req.set_dry_run(false);
  ctx = server_->Context(server_->admin_token());
  s = admin.RunRetentionSweep(ctx.get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("dry_run"));

  ctx = server_->Context(lawyer_);
  EXPECT_EQ(admin.RunRetentionSweep(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(BackupTest, ClinicdCommandsCreateVerifyAndRestoreWhileServing) {
  ASSERT_TRUE(CreateClient(3).ok());
  const std::string clinicd = testing::RunfilePath("services/clinicd/clinicd");
  const std::string dir = testing::NewTempDir("cli");
  const std::string archive = dir + "/cli.clinic";
  // The server in this process keeps serving its directory meanwhile.
  auto created = testing::Run({clinicd, "backup", "create", "--data_dir",
                               server_->data_dir(), "-o", archive});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->exit_code, 0) << created->output;
  EXPECT_THAT(created->output, HasSubstr("audit head"));

  auto verified = testing::Run({clinicd, "backup", "verify", archive,
                                "--data_dir", server_->data_dir()});
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->exit_code, 0) << verified->output;
  EXPECT_THAT(verified->output, HasSubstr("OK: every file"));
  // Without the master key, knowing only the backup key id.
  auto keyring =
      storage::Keyring::Load(DataDir(server_->data_dir()).master_key());
  auto keys = backup::BackupKeys::FromKeyring(**keyring);
  auto sealed = testing::Run(
      {clinicd, "backup", "verify", archive, "--key_id", (*keys)->key_id()});
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->exit_code, 0) << sealed->output;

  auto bytes = storage::ReadFile(archive, 256 << 20);
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[bad.size() / 2] ^= 0x10;
  ASSERT_TRUE(storage::WriteFileAtomically(dir + "/bad.clinic", bad).ok());
  auto refused = testing::Run({clinicd, "backup", "verify", dir + "/bad.clinic",
                               "--data_dir", server_->data_dir()});
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->exit_code, 1);
  EXPECT_THAT(refused->output, HasSubstr("tampered with; refusing it"));
  auto refused_seal =
      testing::Run({clinicd, "backup", "verify", dir + "/bad.clinic",
                    "--key_id", (*keys)->key_id()});
  ASSERT_TRUE(refused_seal.ok());
  EXPECT_EQ(refused_seal->exit_code, 1);
  EXPECT_THAT(refused_seal->output, HasSubstr("does not match its seal"));

  const std::string master_key = DataDir(server_->data_dir()).master_key();
  auto restored = testing::Run({clinicd, "restore", archive, "--data_dir",
                                dir + "/new", "--master_key", master_key});
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->exit_code, 0) << restored->output;
  EXPECT_TRUE(DataDir(dir + "/new").CheckReady().ok());

  auto again = testing::Run({clinicd, "restore", archive, "--data_dir",
                             dir + "/new", "--master_key", master_key});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->exit_code, 1);
  EXPECT_THAT(again->output, HasSubstr("not an empty directory"));
}

}  // namespace
}  // namespace clinic
