// Encrypted document upload and download throughput through the real
// DocumentService (TLS on loopback, auth, audit, SQLCipher, libmagic, SHA-256,
// AES-256-GCM segments, fsync), beside the limits measured in the same run:
//
//   transport  a bare gRPC service (no auth, no audit, no crypto) receiving or
//              sending the same bytes in the same messages over the same TLS
//              loopback;
//   aes-gcm    OpenSSL's raw AES-256-GCM on the same segment size;
//   disk       a plain durable copy of the same bytes to the same disk
//              (write, fsync, rename, fsync of the directory).
//
// Ratios are against the lowest of those limits. Peak resident memory is
// printed after the 1 MiB and after the 256 MiB runs: it should not grow with
// document size.
//
//   bazel run --config=opt //tests/bench:document_benchmark -- [large MiB,
//   default 256] [--dynamic_malloc]
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/memory_policy.h"
#include "clients/clinic_client.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/server_resources.h"
#include "services/common/tls.h"
#include "services/document/content_sniffer.h"
#include "services/document/document_service.h"
#include "services/intake/intake_service.h"
#include "storage/crypto/sha256.h"
#include "storage/file_util.h"
#include "tests/bench/load.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

// The content generator's block; uploads send it in kUploadChunkBytes chunks.
constexpr size_t kChunk = 1 << 20;
constexpr size_t kSegment = 64 << 10;

void Die(const std::string& what) {
  std::fprintf(stderr, "benchmark failed: %s\n", what.c_str());
  std::exit(1);
}

// One MiB of text (libmagic: text/plain), reused for every chunk.
const std::string& Block() {
  static const std::string* block = [] {
    auto* s = new std::string;
    const char kWords[] = "Country conditions evidence, page after page. ";
    while (s->size() < kChunk) s->append(kWords);
    s->resize(kChunk);
    return s;
  }();
  return *block;
}

double MBps(int64_t bytes, absl::Duration d) {
  return static_cast<double>(bytes) / 1e6 / absl::ToDoubleSeconds(d);
}

// ---- The bare transport baseline --------------------------------------------

class BareService final : public v1::DocumentService::Service {
 public:
  grpc::Status UploadDocument(grpc::ServerContext*,
                              grpc::ServerReader<v1::UploadDocumentRequest>* r,
                              v1::Document* resp) override {
    v1::UploadDocumentRequest req;
    int64_t bytes = 0;
    while (r->Read(&req)) bytes += static_cast<int64_t>(req.chunk().size());
    resp->set_current_version(bytes);
    return grpc::Status::OK;
  }
  grpc::Status DownloadDocument(
      grpc::ServerContext*, const v1::DownloadDocumentRequest* req,
      grpc::ServerWriter<v1::DownloadDocumentResponse>* w) override {
    v1::DownloadDocumentResponse resp;
    resp.mutable_metadata()->set_name(req->name());
    w->Write(resp);
    for (int64_t sent = 0; sent < req->length();) {
      size_t n = static_cast<size_t>(
          std::min<int64_t>(req->length() - sent, 256 << 10));
      resp.Clear();
      resp.set_chunk(Block().data(), n);
      if (!w->Write(resp)) break;
      sent += static_cast<int64_t>(n);
    }
    resp.Clear();
    resp.mutable_trailer()->set_bytes_sent(req->length());
    w->Write(resp);
    return grpc::Status::OK;
  }
};

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::minutes(10));
  return ctx;
}

// Mean time the content check (libmagic) takes on `head`.
double SniffMs(ContentSniffer& sniffer, absl::string_view head) {
  const int reps = 20;
  absl::Time start = absl::Now();
  for (int i = 0; i < reps; ++i) {
    if (!sniffer.Detect(head).ok()) Die("libmagic failed");
  }
  return absl::ToDoubleMilliseconds(absl::Now() - start) / reps;
}

// Uploads `bytes` in chunks as clinicctl sends them; the elapsed time.
absl::Duration TimeUpload(v1::DocumentService::Stub& stub,
                          const std::string& token,
                          const v1::UploadMetadata& md, int64_t bytes,
                          std::string* name) {
  auto ctx = Ctx(token);
  v1::Document doc;
  absl::Time start = absl::Now();
  auto writer = stub.UploadDocument(ctx.get(), &doc);
  v1::UploadDocumentRequest req;
  *req.mutable_metadata() = md;
  req.mutable_metadata()->set_declared_size_bytes(bytes);
  writer->Write(req);
  for (int64_t sent = 0; sent < bytes;) {
    size_t n =
        static_cast<size_t>(std::min<int64_t>(bytes - sent, kUploadChunkBytes));
    req.Clear();
    req.set_chunk(Block().data(), n);
    if (!writer->Write(req)) break;
    sent += static_cast<int64_t>(n);
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  absl::Duration elapsed = absl::Now() - start;
  if (!s.ok()) Die("upload: " + s.error_message());
  if (name != nullptr) *name = doc.name();
  return elapsed;
}

absl::Duration TimeDownload(v1::DocumentService::Stub& stub,
                            const std::string& token, const std::string& name,
                            int64_t length, int64_t expect) {
  auto ctx = Ctx(token);
  v1::DownloadDocumentRequest req;
  req.set_name(name);
  req.set_length(length);
  absl::Time start = absl::Now();
  auto reader = stub.DownloadDocument(ctx.get(), req);
  v1::DownloadDocumentResponse resp;
  int64_t got = 0;
  while (reader->Read(&resp)) {
    if (resp.payload_case() == v1::DownloadDocumentResponse::kChunk) {
      got += static_cast<int64_t>(resp.chunk().size());
    }
  }
  grpc::Status s = reader->Finish();
  absl::Duration elapsed = absl::Now() - start;
  if (!s.ok()) Die("download: " + s.error_message());
  if (got != expect) Die("download: short");
  return elapsed;
}

// ---- Raw limits
// ----------------------------------------------------------------

absl::Duration TimeAesGcm(int64_t bytes) {
  unsigned char key[32] = {1}, iv[12] = {2}, tag[16];
  std::string out(kSegment + 16, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, nullptr);
  absl::Time start = absl::Now();
  for (int64_t done = 0; done < bytes; done += kSegment) {
    iv[0] = static_cast<unsigned char>(done >> 16);
    int len = 0;
    EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(ctx, reinterpret_cast<unsigned char*>(&out[0]), &len,
                      reinterpret_cast<const unsigned char*>(Block().data()) +
                          (done % kChunk),
                      static_cast<int>(kSegment));
    EVP_EncryptFinal_ex(ctx, nullptr, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag);
  }
  absl::Duration d = absl::Now() - start;
  EVP_CIPHER_CTX_free(ctx);
  return d;
}

absl::Duration TimeSha256(int64_t bytes) {
  storage::Sha256Hasher h;
  absl::Time start = absl::Now();
  for (int64_t done = 0; done < bytes; done += kChunk) h.Update(Block());
  h.Finish();
  return absl::Now() - start;
}

// A durable plain copy, as the blob store makes it: a temporary file written,
// fsynced, renamed, and the directory fsynced.
absl::Duration TimeDiskCopy(const std::string& dir, int64_t bytes) {
  std::string temp = dir + "/plain-copy.tmp", path = dir + "/plain-copy";
  absl::Time start = absl::Now();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) Die("open " + temp);
  for (int64_t done = 0; done < bytes; done += kChunk) {
    size_t n = static_cast<size_t>(std::min<int64_t>(bytes - done, kChunk));
    if (::write(fd, Block().data(), n) != static_cast<ssize_t>(n)) {
      Die("write " + temp);
    }
  }
  ::fsync(fd);
  ::close(fd);
  ::rename(temp.c_str(), path.c_str());
  if (!storage::SyncDirectory(dir).ok()) Die("fsync " + dir);
  absl::Duration d = absl::Now() - start;
  ::unlink(path.c_str());
  return d;
}

// ---- Setup
// -----------------------------------------------------------------------

std::string OpenCase(testing::TestServer& server, const std::string& intake) {
  v1::IntakeService::Stub stub(server.channel());
  v1::CreateClientRequest create;
  create.mutable_client()->mutable_legal_name()->set_given_names("Bench");
  create.mutable_client()->mutable_legal_name()->set_family_name("Mark");
  create.mutable_client()->mutable_birth_date()->set_year(1980);
  create.mutable_client()->mutable_arrival()->set_mode(
      v1::ENTRY_MODE_IRREGULAR_CROSSING);
  create.mutable_client()->mutable_arrival()->set_place("Lacolle");
  v1::Client client;
  grpc::Status s = stub.CreateClient(Ctx(intake).get(), create, &client);
  if (!s.ok()) Die("CreateClient: " + s.error_message());
  v1::CheckConflictsRequest check;
  *check.add_subjects()->mutable_name() = client.legal_name();
  v1::ConflictCheck result;
  s = stub.CheckConflicts(Ctx(intake).get(), check, &result);
  if (!s.ok()) Die("CheckConflicts: " + s.error_message());
  v1::OpenCaseRequest open;
  open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
  open.mutable_case_()->set_principal_client(client.name());
  open.mutable_case_()->set_province(v1::PROVINCE_QC);
  open.set_conflict_check(result.name());
  if (result.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
    open.set_conflict_waiver_reason("benchmark: reviewed, no conflict");
  }
  v1::TeamMember* m = open.add_team();
  m->set_user("users/lena");
  m->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
  v1::Case kase;
  s = stub.OpenCase(Ctx(intake).get(), open, &kase);
  if (!s.ok()) Die("OpenCase: " + s.error_message());
  return kase.name();
}

void DeleteDocument(v1::DocumentService::Stub& stub, const std::string& token,
                    const std::string& name) {
  v1::GetDocumentRequest get;
  get.set_name(name);
  v1::Document doc;
  grpc::Status s = stub.GetDocument(Ctx(token).get(), get, &doc);
  if (!s.ok()) Die("get: " + s.error_message());
  v1::DeleteDocumentRequest del;
  del.set_name(name);
  del.set_reason("benchmark clean-up");
  del.set_etag(doc.etag());
  v1::DeleteDocumentResponse resp;
  s = stub.DeleteDocument(Ctx(token).get(), del, &resp);
  if (!s.ok()) Die("delete: " + s.error_message());
}

// Throughput of the median run: a shared machine's hiccups land in single
// runs, and a sum or mean would carry them into the figure.
double MedianMBps(int64_t bytes, std::vector<absl::Duration> runs) {
  std::sort(runs.begin(), runs.end());
  return MBps(bytes, runs[runs.size() / 2]);
}

// The median over runs of (service's throughput / lowest limit), each run's
// service transfer against the bare transfer right beside it: the two sides of
// a ratio then see the same moment of a shared machine whose speed drifts.
double MedianRatio(int64_t bytes, const std::vector<absl::Duration>& service,
                   const std::vector<absl::Duration>& bare,
                   double other_limits) {
  std::vector<double> ratios;
  for (size_t i = 0; i < service.size(); ++i) {
    ratios.push_back(MBps(bytes, service[i]) /
                     std::min(MBps(bytes, bare[i]), other_limits));
  }
  std::sort(ratios.begin(), ratios.end());
  return ratios[ratios.size() / 2];
}

}  // namespace
}  // namespace clinic

int main(int argc, char** argv) {
  using namespace clinic;  // NOLINT
  bench::ActLikeServerBinaries();
  const int64_t large = int64_t{argc > 1 ? std::atoi(argv[1]) : 256} << 20;
  // The servers' allocation policy (base/memory_policy.h), so that the
  // figures are production's; "--dynamic_malloc" keeps glibc's default, to
  // show what the policy costs and saves.
  if (argc <= 2 || std::string(argv[2]) != "--dynamic_malloc") {
    UseServerMemoryPolicy();
  }

  testing::TestServer::Options options;
  options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                      IntakeServiceDefinition(), DocumentServiceDefinition()};
  options.config.mutable_document()->set_max_document_bytes(
      std::max<int64_t>(large, int64_t{512} << 20));
  auto started = testing::TestServer::Start(std::move(options));
  if (!started.ok()) Die(started.status().ToString());
  std::unique_ptr<testing::TestServer> server = *std::move(started);
  std::string intake = *server->CreateUser("ines", {v1::ROLE_INTAKE});
  std::string lawyer = *server->CreateUser("lena", {v1::ROLE_LAWYER});
  const std::string kase = OpenCase(*server, intake);

  // The bare baseline, same certificate, same loopback.
  TlsFiles files(server->data_dir() + "/tls");
  auto creds = LoadServerCredentials(files, false);
  if (!creds.ok()) Die(creds.status().ToString());
  BareService bare;
  grpc::ServerBuilder builder;
  int bare_port = 0;
  builder.AddListeningPort("127.0.0.1:0", *creds, &bare_port);
  builder.SetMaxReceiveMessageSize(4 << 20);
  builder.RegisterService(&bare);
  ConfigureServerResources(builder);
  std::unique_ptr<grpc::Server> bare_server = builder.BuildAndStart();
  std::string ca = *storage::ReadFile(files.ca_certificate);
  // Throughput is measured with gRPC's default client (as clinicctl uses it),
  // for the service and the bare baseline alike.
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  v1::DocumentService::Stub bare_stub(
      grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", bare_port),
                                MakeChannelCredentials(ca, nullptr), args));
  v1::DocumentService::Stub stub(server->channel());
  // Memory is measured with the client's receive windows fixed like the
  // servers' (server_resources.h): the client shares this process, and
  // otherwise the peak resident memory printed below mostly measured how far
  // gRPC grew the client's download buffers in a given run (62-89 MiB at
  // 1 GiB).
  grpc::ChannelArguments fixed_window = args;
  fixed_window.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  fixed_window.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
                      kStreamWindowBytes);
  v1::DocumentService::Stub memory_stub(grpc::CreateCustomChannel(
      server->address(), MakeChannelCredentials(ca, nullptr), fixed_window));

  v1::UploadMetadata md;
  md.set_case_(kase);
  md.set_type(v1::DOCUMENT_TYPE_COUNTRY_CONDITIONS);
  md.set_title("Country conditions package");
  md.set_media_type("text/plain");

  std::printf(
      "Document upload/download, TLS loopback, %zu KiB upload chunks, %zu "
      "KiB segments\n\n",
      kUploadChunkBytes >> 10, kSegment >> 10);
  // libmagic's cost depends on the content: its text rules run regular
  // expressions over the head, which is what the uploads below send.
  {
    auto sniffer = ContentSniffer::Create();
    if (!sniffer.ok()) Die(sniffer.status().ToString());
    const std::string text = Block().substr(0, ContentSniffer::kSniffBytes);
    const std::string pdf = "%PDF-1.7\n" + text.substr(9);
    std::printf(
        "Content check per upload (libmagic, %zu KiB head): text %.2f ms, "
        "PDF %.2f ms\n\n",
        ContentSniffer::kSniffBytes >> 10, SniffMs(**sniffer, text),
        SniffMs(**sniffer, pdf));
  }
  // Warm-up (connections, TLS sessions, page cache).
  TimeUpload(stub, lawyer, md, 1 << 20, nullptr);
  TimeUpload(bare_stub, "", md, 1 << 20, nullptr);

  // Fixed cost per call: a 1-byte upload, and a unary GetDocument (auth, case
  // check through intake, database read, audit).
  {
    const int reps = 50;
    absl::Duration enc, plain, get;
    std::string name;
    for (int i = 0; i < reps; ++i) {
      enc += TimeUpload(stub, lawyer, md, 1, &name);
      plain += TimeUpload(bare_stub, "", md, 1, nullptr);
      v1::GetDocumentRequest req;
      req.set_name(name);
      v1::Document doc;
      auto ctx = Ctx(lawyer);
      absl::Time start = absl::Now();
      grpc::Status s = stub.GetDocument(ctx.get(), req, &doc);
      get += absl::Now() - start;
      if (!s.ok()) Die("get: " + s.error_message());
    }
    std::printf("Fixed cost per call (mean of %d)\n", reps);
    std::printf("  1-byte encrypted upload  %7.2f ms\n",
                absl::ToDoubleMilliseconds(enc / reps));
    std::printf("  1-byte bare upload       %7.2f ms\n",
                absl::ToDoubleMilliseconds(plain / reps));
    std::printf("  GetDocument              %7.2f ms\n\n",
                absl::ToDoubleMilliseconds(get / reps));
  }

  const std::vector<int64_t> sizes = {int64_t{1} << 20, large};
  auto reps_for = [](int64_t size) { return size <= (8 << 20) ? 21 : 5; };
  std::vector<double> rss(sizes.size());

  // Phase 1: the service alone, smallest documents first, so that the peak
  // resident memory after each size belongs to the service's path only (the
  // client is in this process too). Documents are deleted after each run.
  for (size_t k = 0; k < sizes.size(); ++k) {
    const int64_t size = sizes[k];
    for (int i = 0; i < reps_for(size); ++i) {
      std::string name;
      TimeUpload(memory_stub, lawyer, md, size, &name);
      TimeDownload(memory_stub, lawyer, name, 0, size);
      DeleteDocument(memory_stub, lawyer, name);
    }
    rss[k] = bench::PeakRssMiB();
  }

  // Phase 2: throughput against the limits, on the same bytes. Each encrypted
  // transfer alternates with a bare one, so that a ratio's two sides see the
  // same drift in a shared machine's speed.
  for (size_t k = 0; k < sizes.size(); ++k) {
    const int64_t size = sizes[k];
    const int reps = reps_for(size);
    std::vector<absl::Duration> up, bup, down, bdown, copy;
    for (int i = 0; i < reps; ++i) {
      std::string name;
      up.push_back(TimeUpload(stub, lawyer, md, size, &name));
      bup.push_back(TimeUpload(bare_stub, "", md, size, nullptr));
      down.push_back(TimeDownload(stub, lawyer, name, 0, size));
      bdown.push_back(TimeDownload(bare_stub, "", "x", size, size));
      DeleteDocument(stub, lawyer, name);
      copy.push_back(TimeDiskCopy(server->data_dir(), size));
    }
    const double upload = MedianMBps(size, up);
    const double bare_up = MedianMBps(size, bup);
    const double download = MedianMBps(size, down);
    const double bare_down = MedianMBps(size, bdown);
    const int64_t raw = std::max<int64_t>(size, 64 << 20);
    const double aes = MBps(raw, TimeAesGcm(raw));
    const double sha = MBps(raw, TimeSha256(raw));
    const double disk = MedianMBps(size, copy);
    const double up_limit = std::min({bare_up, aes, disk});
    const double down_limit = std::min({bare_down, aes});
    std::printf("%lld MiB document (median of %d runs)\n",
                static_cast<long long>(size >> 20), reps);
    std::printf("  encrypted upload     %9.1f MB/s\n", upload);
    std::printf("  bare gRPC upload     %9.1f MB/s   (transport limit)\n",
                bare_up);
    std::printf("  encrypted download   %9.1f MB/s\n", download);
    std::printf("  bare gRPC download   %9.1f MB/s   (transport limit)\n",
                bare_down);
    std::printf(
        "  raw AES-256-GCM      %9.1f MB/s   (OpenSSL, %zu KiB "
        "segments, %lld MiB)\n",
        aes, kSegment >> 10, static_cast<long long>(raw >> 20));
    std::printf("  raw SHA-256          %9.1f MB/s   (for reference)\n", sha);
    std::printf(
        "  plain disk copy      %9.1f MB/s   (same bytes: write, fsync, "
        "rename, fsync dir)\n",
        disk);
    std::printf(
        "  upload   / lowest limit (%.1f) = %5.1f%%   (median of runs, each "
        "against the bare run beside it)\n",
        up_limit, 100.0 * MedianRatio(size, up, bup, std::min(aes, disk)));
    std::printf("  download / lowest limit (%.1f) = %5.1f%%\n", down_limit,
                100.0 * MedianRatio(size, down, bdown, aes));
    std::printf(
        "  peak RSS after the service's runs up to this size: %.1f "
        "MiB\n\n",
        rss[k]);
  }
  bare_server->Shutdown();
  const std::string dir = server->data_dir();
  server.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
