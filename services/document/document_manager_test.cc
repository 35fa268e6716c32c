// DocumentManager without a network: real SQLCipher, a real blob directory
// behind a fault-injection wrapper, a fake clock and a fake case team.
#include "services/document/document_manager.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/document/document_store.h"
#include "storage/blob/fault_injection_blob_store.h"
#include "storage/blob/local_blob_store.h"
#include "storage/crypto/key_wrap.h"
#include "storage/crypto/segmented_aead.h"
#include "storage/crypto/sha256.h"
#include "storage/file_util.h"

namespace clinic {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr size_t kSegment = 4096;
constexpr char kCase[] = "cases/case1";

Caller User(const std::string& name, v1::Role role) {
  Caller c;
  c.kind = Caller::Kind::kUser;
  c.username = name;
  c.roles = {role};
  return c;
}

// Readable text of `n` bytes (libmagic calls it text/plain); `seed` varies it.
std::string Text(size_t n, int seed = 0) {
  static const char kWords[] =
      "The claimant fled after the second arrest and crossed at Lacolle. ";
  std::string s;
  s.reserve(n);
  for (size_t i = 0; s.size() < n; ++i) {
    s.push_back(kWords[(i + static_cast<size_t>(seed)) % (sizeof(kWords) - 1)]);
  }
  return s;
}

class FakeSource : public UploadSource {
 public:
  // Produces the next chunk into `chunk`, or returns false at the end.
  using Generator = std::function<bool(std::string* chunk)>;
  FakeSource(v1::UploadMetadata metadata, Generator gen)
      : metadata_(std::move(metadata)), gen_(std::move(gen)) {}
  FakeSource(v1::UploadMetadata metadata, const std::string& content,
             size_t chunk = 1000)
      : metadata_(std::move(metadata)) {
    auto at = std::make_shared<size_t>(0);
    gen_ = [content, chunk, at](std::string* out) {
      if (*at >= content.size()) return false;
      *out = content.substr(*at, chunk);
      *at += out->size();
      return true;
    };
  }

  // Cancel after `n` chunks.
  void CancelAfter(int n) { cancel_after_ = n; }

  bool Read(v1::UploadDocumentRequest* message) override {
    message->Clear();
    if (!sent_metadata_) {
      sent_metadata_ = true;
      *message->mutable_metadata() = metadata_;
      return true;
    }
    if (cancel_after_ >= 0 && chunks_ >= cancel_after_) {
      cancelled_ = true;
      return false;
    }
    std::string chunk;
    if (!gen_(&chunk)) return false;
    ++chunks_;
    message->set_chunk(std::move(chunk));
    return true;
  }
  bool Cancelled() const override { return cancelled_; }

 private:
  v1::UploadMetadata metadata_;
  Generator gen_;
  bool sent_metadata_ = false;
  int chunks_ = 0;
  int cancel_after_ = -1;
  bool cancelled_ = false;
};

class CollectSink : public DownloadSink {
 public:
  explicit CollectSink(bool keep = true) : keep_(keep) {}
  bool Write(const v1::DownloadDocumentResponse& m) override {
    if (m.has_metadata()) metadata = m.metadata();
    if (m.payload_case() == v1::DownloadDocumentResponse::kChunk) {
      if (keep_) data += m.chunk();
      hasher.Update(m.chunk());
      bytes += static_cast<int64_t>(m.chunk().size());
      max_chunk = std::max(max_chunk, m.chunk().size());
    }
    if (m.has_trailer()) trailer = m.trailer();
    return true;
  }
  v1::Document metadata;
  std::string data;
  storage::Sha256Hasher hasher;
  int64_t bytes = 0;
  size_t max_chunk = 0;
  v1::DownloadTrailer trailer;

 private:
  bool keep_;
};

class DocumentManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = storage::JoinPath(::getenv("TEST_TMPDIR"), RandomId());
    ASSERT_TRUE(storage::MakeDirectories(dir_).ok());
    keyring_ = *storage::Keyring::FromMasterKey(*RandomSecret(32));
    auto local = storage::LocalBlobStore::OpenDirectory(blob_dir());
    ASSERT_TRUE(local.ok());
    local_ = *std::move(local);
    config_.set_max_document_bytes(int64_t{3} << 30);
    config_.set_segment_bytes(kSegment);
    for (const char* t : {"application/pdf", "text/plain", "image/png"}) {
      config_.add_allowed_media_types(t);
    }
    Start();
  }

  std::string blob_dir() const { return storage::JoinPath(dir_, "blobs"); }

  void Start(size_t download_chunk = 256 << 10) {
    manager_.reset();
    storage::Database::Options db_options;
    db_options.label = "document database";
    db_options.migrations = document_store::Migrations();
    auto db = storage::Database::Open(storage::JoinPath(dir_, "document.db"),
                                      keyring_->DatabaseKey("document"),
                                      std::move(db_options));
    ASSERT_TRUE(db.ok()) << db.status();
    auto faulty =
        std::make_unique<storage::FaultInjectionBlobStore>(local_.get());
    faulty_ = faulty.get();
    DocumentManager::Options options;
    options.config = config_;
    options.download_chunk_bytes = download_chunk;
    options.rotation_batch = 2;
    auto m = DocumentManager::Create(
        options, *std::move(db), std::move(faulty), *keyring_, &clock_,
        [this](const Caller& caller,
               absl::string_view name) -> absl::StatusOr<v1::CaseSummary> {
          v1::CaseSummary s;
          s.set_case_(std::string(name));
          bool ok = name == kCase &&
                    (caller.username == "lena" || caller.username == "ines");
          if (!ok)
            return absl::NotFoundError(absl::StrCat(name, " was not found"));
          return s;
        });
    ASSERT_TRUE(m.ok()) << m.status();
    manager_ = *std::move(m);
  }

  static v1::UploadMetadata Meta(const std::string& type = "text/plain") {
    v1::UploadMetadata md;
    md.set_case_(kCase);
    md.set_type(v1::DOCUMENT_TYPE_EVIDENCE);
    md.set_title("Country report");
    md.set_language("fr-CA");
    md.set_media_type(type);
    return md;
  }

  absl::StatusOr<v1::Document> Upload(const std::string& content,
                                      v1::UploadMetadata md = Meta(),
                                      const Caller& who = lena_) {
    // As every real client does (the server requires a size or a digest).
    if (md.declared_size_bytes() == 0 && md.sha256().empty()) {
      if (content.empty()) {
        md.set_sha256(storage::Sha256Hex(""));
      } else {
        md.set_declared_size_bytes(static_cast<int64_t>(content.size()));
      }
    }
    FakeSource source(std::move(md), content);
    v1::Document doc;
    CallAudit audit;
    audit.resource = [this](absl::string_view r) {
      audited_.push_back(std::string(r));
    };
    absl::Status s = manager_->Upload(who, source, audit, &doc);
    if (!s.ok()) return s;
    return doc;
  }

  absl::Status Download(const std::string& name, CollectSink* sink,
                        int64_t version = 0, int64_t offset = 0,
                        int64_t length = 0, const Caller& who = lena_) {
    v1::DownloadDocumentRequest req;
    req.set_name(name);
    req.set_version(version);
    req.set_offset(offset);
    req.set_length(length);
    return manager_->Download(who, req, CallAudit(), *sink);
  }

  std::vector<document_store::VersionRow> Versions(
      const std::string& doc_name) {
    std::string id = doc_name.substr(doc_name.rfind('/') + 1);
    std::vector<document_store::VersionRow> rows;
    EXPECT_TRUE(manager_->db()
                    .Read([&](storage::Connection& c) -> absl::Status {
                      auto r = document_store::ListVersions(c, id);
                      if (!r.ok()) return r.status();
                      rows = *r;
                      return absl::OkStatus();
                    })
                    .ok());
    return rows;
  }

  std::string BlobPath(const std::string& doc_name, int64_t version = 1) {
    for (const auto& v : Versions(doc_name)) {
      if (v.version == version) return local_->PathOf(v.blob);
    }
    return "";
  }

  std::vector<std::string> BlobDirEntries() {
    // Every entry, temporary files included.
    std::vector<std::string> out;
    DIR* d = ::opendir(blob_dir().c_str());
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
    return out;
  }

  int64_t DocumentCount() {
    int64_t n = 0;
    manager_->db()
        .Read([&](storage::Connection& c) -> absl::Status {
          auto s = c.Prepare("SELECT COUNT(*) FROM documents");
          if (!s.ok()) return s.status();
          auto row = s->Step();
          if (row.ok() && *row) n = s->ColumnInt(0);
          return absl::OkStatus();
        })
        .IgnoreError();
    return n;
  }

  static std::string ReadAll(const std::string& path) {
    return *storage::ReadFile(path, int64_t{1} << 30);
  }
  static void WriteAll(const std::string& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
  }

  std::string dir_;
  std::unique_ptr<storage::Keyring> keyring_;
  std::unique_ptr<storage::LocalBlobStore> local_;
  storage::FaultInjectionBlobStore* faulty_ = nullptr;
  v1::DocumentConfig config_;
  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  std::unique_ptr<DocumentManager> manager_;
  std::vector<std::string> audited_;
  static inline const Caller lena_ = User("lena", v1::ROLE_LAWYER);
  static inline const Caller ines_ = User("ines", v1::ROLE_INTAKE);
  static inline const Caller omar_ = User("omar", v1::ROLE_LAWYER);
};

TEST_F(DocumentManagerTest, RoundTripsEmptyOneByteBoundaryAndMultiSegment) {
  for (size_t n : {size_t{0}, size_t{1}, kSegment, 3 * kSegment,
                   3 * kSegment + 5, size_t{(1 << 20) + 7}}) {
    std::string content = Text(n, static_cast<int>(n));
    auto doc = Upload(content);
    ASSERT_TRUE(doc.ok()) << n << ": " << doc.status();
    ASSERT_EQ(doc->versions_size(), 1);
    EXPECT_EQ(doc->versions(0).size_bytes(), static_cast<int64_t>(n));
    EXPECT_EQ(doc->versions(0).sha256(), storage::Sha256Hex(content));
    EXPECT_EQ(doc->versions(0).kek_version(), 1);
    EXPECT_EQ(doc->versions(0).uploaded_by(), "users/lena");
    CollectSink sink;
    ASSERT_TRUE(Download(doc->name(), &sink).ok()) << n;
    EXPECT_EQ(sink.data, content) << n;
    EXPECT_EQ(sink.trailer.bytes_sent(), static_cast<int64_t>(n));
    EXPECT_EQ(sink.metadata.versions(0).sha256(), storage::Sha256Hex(content));
    // On disk: exactly the ciphertext size, and nothing of the plaintext.
    std::string blob = ReadAll(BlobPath(doc->name()));
    EXPECT_EQ(static_cast<int64_t>(blob.size()),
              storage::SegmentedAead::CiphertextSize(n, kSegment));
    if (n >= 64) {
      EXPECT_EQ(blob.find(content.substr(0, 64)), std::string::npos);
    }
  }
}

TEST_F(DocumentManagerTest, MultiGigabyteStreamRoundTripsInBoundedMemory) {
  const int64_t kSize = (int64_t{2} << 30) + 12345;
  const std::string block = Text(1 << 20, 3);
  auto generator = [&](int64_t* left) {
    return [&, left](std::string* chunk) {
      if (*left == 0) return false;
      size_t n = static_cast<size_t>(std::min<int64_t>(*left, block.size()));
      *chunk = block.substr(0, n);
      // Make every chunk distinct so reordering would change the digest.
      std::string stamp = absl::StrCat(*left);
      chunk->replace(0, std::min(stamp.size(), n), stamp.substr(0, n));
      *left -= static_cast<int64_t>(n);
      return true;
    };
  };
  // The expected digest, from the same generator.
  int64_t left = kSize;
  auto gen = generator(&left);
  storage::Sha256Hasher expected;
  std::string chunk;
  while (gen(&chunk)) expected.Update(chunk);
  const std::string expected_hex = absl::BytesToHexString(expected.Finish());

  struct rusage before;
  ::getrusage(RUSAGE_SELF, &before);
  left = kSize;
  v1::UploadMetadata md = Meta();
  md.set_declared_size_bytes(kSize);
  FakeSource source(md, generator(&left));
  v1::Document doc;
  ASSERT_TRUE(manager_->Upload(lena_, source, CallAudit(), &doc).ok());
  EXPECT_EQ(doc.versions(0).size_bytes(), kSize);
  EXPECT_EQ(doc.versions(0).sha256(), expected_hex);
  CollectSink sink(/*keep=*/false);
  ASSERT_TRUE(Download(doc.name(), &sink).ok());
  EXPECT_EQ(sink.bytes, kSize);
  EXPECT_EQ(absl::BytesToHexString(sink.hasher.Finish()), expected_hex);
  EXPECT_LE(sink.max_chunk, size_t{1} << 20);
  struct rusage after;
  ::getrusage(RUSAGE_SELF, &after);
  // Peak resident memory grew by far less than the document (ru_maxrss is in
  // KiB): the stream never held more than a few chunks.
  std::printf("peak RSS grew by %ld KiB over a %lld-byte round trip\n",
              after.ru_maxrss - before.ru_maxrss,
              static_cast<long long>(kSize));
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024);
  ::unlink(BlobPath(doc.name()).c_str());
}

TEST_F(DocumentManagerTest, EveryTamperingIsDataLossBeforeBadBytesAreSent) {
  Start(/*download_chunk=*/kSegment);  // one segment per message
  const std::string content = Text(5 * kSegment + 100, 1);
  auto doc = Upload(content);
  ASSERT_TRUE(doc.ok());
  auto other = Upload(Text(5 * kSegment + 100, 2));
  ASSERT_TRUE(other.ok());
  const std::string path = BlobPath(doc->name());
  const std::string original = ReadAll(path);
  const std::string foreign = ReadAll(BlobPath(other->name()));
  const size_t h = storage::SegmentedAead::kHeaderBytes;
  const size_t full = kSegment + storage::SegmentedAead::kTagBytes;

  struct Tamper {
    const char* what;
    std::string blob;
    size_t good_bytes;  // plaintext that may be sent before the failure
  };
  std::string flipped = original;
  flipped[h + 2 * full + 7] ^= 1;
  std::string swapped =
      original.substr(0, h) + original.substr(h + full, full) +
      original.substr(h, full) + original.substr(h + 2 * full);
  std::string spliced = original.substr(0, h + full) +
                        foreign.substr(h + full, full) +
                        original.substr(h + 2 * full);
  std::string header = original;
  header[3] ^= 1;
  std::string tag = original;
  tag[h + full - 1] ^= 1;
  std::vector<Tamper> cases = {
      {"flipped byte in segment 2", flipped, 2 * kSegment},
      {"segments 0 and 1 swapped", swapped, 0},
      {"segment 1 from another document", spliced, kSegment},
      {"header altered", header, 0},
      {"tag of segment 0 altered", tag, 0},
      {"truncated at a segment boundary", original.substr(0, h + 5 * full), 0},
      {"truncated by one byte", original.substr(0, original.size() - 1), 0},
      {"extended by a segment", original + original.substr(h, full), 0},
      {"another document's blob", foreign, 0},
  };
  for (const Tamper& t : cases) {
    WriteAll(path, t.blob);
    CollectSink sink;
    absl::Status s = Download(doc->name(), &sink);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << t.what << ": " << s;
    EXPECT_LE(sink.data.size(), t.good_bytes) << t.what;
    EXPECT_EQ(sink.data, content.substr(0, sink.data.size())) << t.what;
    EXPECT_EQ(sink.trailer.bytes_sent(), 0) << t.what;
  }
  WriteAll(path, original);
  CollectSink sink;
  ASSERT_TRUE(Download(doc->name(), &sink).ok());
  EXPECT_EQ(sink.data, content);

  // A wrapped key moved to another row does not unwrap.
  ASSERT_TRUE(manager_->db()
                  .Write([&](storage::Connection& c) -> absl::Status {
                    auto mine = Versions(doc->name());
                    auto theirs = Versions(other->name());
                    return document_store::UpdateWrappedKey(
                        c, mine[0].document_id, 1, theirs[0].kek_version,
                        theirs[0].wrapped_key);
                  })
                  .ok());
  CollectSink after;
  EXPECT_EQ(Download(doc->name(), &after).code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(after.data.empty());
}

TEST_F(DocumentManagerTest, OversizedUploadIsRefusedAndLeavesNothing) {
  config_.set_max_document_bytes(10000);
  Start();
  auto doc = Upload(Text(10001));
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(doc.status().message(), HasSubstr("10000"));
  v1::UploadMetadata md = Meta();
  md.set_declared_size_bytes(20000);
  doc = Upload("small", md);
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(doc.status().message(),
              HasSubstr("metadata.declared_size_bytes"));
  EXPECT_THAT(BlobDirEntries(), IsEmpty());
  EXPECT_EQ(DocumentCount(), 0);
  EXPECT_TRUE(Upload(Text(10000)).ok());
}

TEST_F(DocumentManagerTest, ContentThatIsNotTheDeclaredTypeIsRefused) {
  auto doc = Upload(Text(5000), Meta("application/pdf"));
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(doc.status().message(), HasSubstr("metadata.media_type"));
  // A type outside the allowed list is refused before any content.
  doc = Upload("%PDF-1.4", Meta("application/x-msdownload"));
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(doc.status().message(), HasSubstr("metadata.media_type"));
  EXPECT_THAT(BlobDirEntries(), IsEmpty());
  EXPECT_EQ(DocumentCount(), 0);
  auto pdf = Upload("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
                    Meta("application/pdf"));
  ASSERT_TRUE(pdf.ok()) << pdf.status();
  EXPECT_EQ(pdf->versions(0).media_type(), "application/pdf");
}

TEST_F(DocumentManagerTest, CancelledUploadLeavesNothing) {
  v1::UploadMetadata md = Meta();
  md.set_declared_size_bytes(50000);
  FakeSource source(md, Text(50000), 1000);
  source.CancelAfter(20);
  v1::Document doc;
  EXPECT_EQ(manager_->Upload(lena_, source, CallAudit(), &doc).code(),
            absl::StatusCode::kCancelled);
  EXPECT_THAT(BlobDirEntries(), IsEmpty());
  EXPECT_EQ(DocumentCount(), 0);
}

TEST_F(DocumentManagerTest, StorageFailuresLeaveNothing) {
  faulty_->FailAfterBytes(20000);
  auto doc = Upload(Text(50000));
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kResourceExhausted);
  faulty_->FailAfterBytes(-1);
  faulty_->FailCommit(true);
  doc = Upload(Text(50000));
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInternal);
  faulty_->FailCommit(false);
  v1::UploadMetadata md = Meta();
  md.set_sha256(std::string(64, 'a'));
  doc = Upload(Text(50000), md);
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(BlobDirEntries(), IsEmpty());
  EXPECT_EQ(DocumentCount(), 0);
  md.set_sha256(storage::Sha256Hex(Text(50000)));
  EXPECT_TRUE(Upload(Text(50000), md).ok());
}

TEST_F(DocumentManagerTest, CrashLeftoversAreSweptAtStartUp) {
  auto kept = Upload(Text(9000));
  ASSERT_TRUE(kept.ok());
  // A writer killed mid-upload, and a blob committed just before the process
  // died (no metadata row).
  faulty_->SimulateCrash(true);
  {
    auto w = faulty_->Create("crashedupload");
    ASSERT_TRUE((*w)->Append("ciphertext...").ok());
  }
  faulty_->SimulateCrash(false);
  auto orphan = local_->Create("orphanblob");
  ASSERT_TRUE((*orphan)->Append("ciphertext").ok());
  ASSERT_TRUE((*orphan)->Commit().ok());
  EXPECT_EQ(BlobDirEntries().size(), 3u);
  Start();  // restart
  std::vector<std::string> left = BlobDirEntries();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(local_->PathOf(left[0]), BlobPath(kept->name()));
  CollectSink sink;
  ASSERT_TRUE(Download(kept->name(), &sink).ok());
  EXPECT_EQ(sink.data, Text(9000));
}

TEST_F(DocumentManagerTest, NewVersionsKeepOldOnesReadableUntilDeleted) {
  auto doc = Upload(Text(5000, 1));
  ASSERT_TRUE(doc.ok());
  v1::UploadMetadata md;
  md.set_document(doc->name());
  md.set_media_type("text/plain");
  clock_.Advance(absl::Minutes(1));
  auto v2 = Upload(Text(7000, 2), md);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->current_version(), 2);
  EXPECT_EQ(v2->versions_size(), 2);
  EXPECT_EQ(v2->title(), "Country report");
  EXPECT_NE(v2->etag(), doc->etag());
  CollectSink one, two;
  ASSERT_TRUE(Download(doc->name(), &one, 1).ok());
  ASSERT_TRUE(Download(doc->name(), &two).ok());
  EXPECT_EQ(one.data, Text(5000, 1));
  EXPECT_EQ(two.data, Text(7000, 2));
  // Intake staff add documents, not versions of existing ones.
  EXPECT_EQ(Upload(Text(10), md, ines_).status().code(),
            absl::StatusCode::kPermissionDenied);

  v1::DeleteDocumentRequest del;
  del.set_name(doc->name());
  del.set_version(1);
  del.set_reason("superseded by the certified copy");
  del.set_etag(doc->etag());
  v1::DeleteDocumentResponse deleted;
  EXPECT_EQ(manager_->Delete(lena_, del, CallAudit(), &deleted).code(),
            absl::StatusCode::kAborted);
  del.set_etag(v2->etag());
  ASSERT_TRUE(manager_->Delete(lena_, del, CallAudit(), &deleted).ok());
  EXPECT_THAT(deleted.versions(), ElementsAre(1));
  CollectSink gone, still;
  EXPECT_EQ(Download(doc->name(), &gone, 1).code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(Download(doc->name(), &still, 2).ok());
  EXPECT_EQ(still.data, Text(7000, 2));
  EXPECT_EQ(BlobDirEntries().size(), 1u);
}

TEST_F(DocumentManagerTest, DeletionMakesASavedCiphertextUndecryptable) {
  const std::string content = Text(3 * kSegment, 4);
  auto doc = Upload(content);
  ASSERT_TRUE(doc.ok());
  auto survivor = Upload(Text(100, 5));
  ASSERT_TRUE(survivor.ok());
  const std::string path = BlobPath(doc->name());
  const std::string saved = ReadAll(path);
  const std::string doc_id = doc->name().substr(doc->name().rfind('/') + 1);

  v1::DeleteDocumentRequest del;
  del.set_name(doc->name());
  del.set_reason("client withdrew consent");
  del.set_etag(doc->etag());
  v1::DeleteDocumentResponse deleted;
  ASSERT_TRUE(manager_->Delete(lena_, del, CallAudit(), &deleted).ok());
  EXPECT_FALSE(storage::PathExists(path));
  EXPECT_TRUE(Versions(doc->name()).empty());

  // Every wrapped key the service still holds, under every KEK version it can
  // derive, fails to open the saved ciphertext.
  storage::KeyWrapper wrapper(*keyring_);
  std::vector<document_store::VersionRow> rows;
  ASSERT_TRUE(manager_->db()
                  .Read([&](storage::Connection& c) -> absl::Status {
                    auto s = c.Prepare(
                        "SELECT document_id, version, kek_version, wrapped_key "
                        "FROM versions");
                    if (!s.ok()) return s.status();
                    while (*s->Step()) {
                      document_store::VersionRow r;
                      r.document_id = s->ColumnText(0);
                      r.version = s->ColumnInt(1);
                      r.kek_version = static_cast<int>(s->ColumnInt(2));
                      r.wrapped_key = s->ColumnBlob(3);
                      rows.push_back(r);
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);  // the survivor only
  int attempts = 0;
  for (const auto& row : rows) {
    for (int kek = 1; kek <= 3; ++kek) {
      for (const std::string& context :
           {absl::StrCat(row.document_id, "/", row.version),
            absl::StrCat(doc_id, "/1")}) {
        auto key = wrapper.Unwrap(kek, row.wrapped_key, context);
        if (!key.ok()) continue;
        ++attempts;
        auto dec = storage::SegmentDecryptor::Create(
            *key, storage::SegmentBinding{doc_id, 1},
            absl::string_view(saved).substr(
                0, storage::SegmentedAead::kHeaderBytes),
            static_cast<int64_t>(saved.size()));
        ASSERT_TRUE(dec.ok());
        std::string out;
        EXPECT_EQ((*dec)
                      ->DecryptSegment(0,
                                       absl::string_view(saved).substr(
                                           (*dec)->SegmentOffset(0),
                                           (*dec)->SegmentCiphertextBytes(0)),
                                       &out)
                      .code(),
                  absl::StatusCode::kDataLoss);
        EXPECT_TRUE(out.empty());
      }
    }
  }
  EXPECT_EQ(attempts, 1);  // the survivor's own key, which is not this one
  // Putting the copy back does not resurrect anything: the start-up sweep
  // removes it as an orphan.
  WriteAll(path, saved);
  Start();
  EXPECT_FALSE(storage::PathExists(path));
  CollectSink sink;
  EXPECT_EQ(Download(doc->name(), &sink).code(), absl::StatusCode::kNotFound);
}

TEST_F(DocumentManagerTest,
       RotationRewrapsEveryKeyAndResumesAfterInterruption) {
  std::vector<v1::Document> docs;
  for (int i = 0; i < 5; ++i) {
    auto d = Upload(Text(1000 + i, i));
    ASSERT_TRUE(d.ok());
    docs.push_back(*d);
  }
  std::vector<std::string> blobs_before;
  for (const auto& d : docs)
    blobs_before.push_back(ReadAll(BlobPath(d.name())));
  v1::RotateKeysResponse r;
  // Interrupted after one key: the next call finishes the same rotation.
  ASSERT_TRUE(manager_->RotateKeys(omar_, CallAudit(), &r, 1).ok());
  EXPECT_EQ(r.kek_version(), 2);
  EXPECT_EQ(r.rewrapped(), 1);
  EXPECT_EQ(r.remaining(), 4);
  ASSERT_TRUE(manager_->RotateKeys(omar_, CallAudit(), &r, 3).ok());
  EXPECT_EQ(r.kek_version(), 2);
  EXPECT_EQ(r.rewrapped(), 3);
  EXPECT_EQ(r.remaining(), 1);
  // A new upload in the middle of a rotation is wrapped by the new KEK.
  auto fresh = Upload(Text(10, 9));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->versions(0).kek_version(), 2);
  ASSERT_TRUE(manager_->RotateKeys(omar_, CallAudit(), &r).ok());
  EXPECT_EQ(r.kek_version(), 2);
  EXPECT_EQ(r.rewrapped(), 1);
  EXPECT_EQ(r.remaining(), 0);
  for (size_t i = 0; i < docs.size(); ++i) {
    EXPECT_EQ(Versions(docs[i].name())[0].kek_version, 2);
    // Blobs were not re-encrypted.
    EXPECT_EQ(ReadAll(BlobPath(docs[i].name())), blobs_before[i]);
    CollectSink sink;
    ASSERT_TRUE(Download(docs[i].name(), &sink).ok());
    EXPECT_EQ(sink.data, Text(1000 + i, static_cast<int>(i)));
  }
  // The next call starts a new rotation.
  ASSERT_TRUE(manager_->RotateKeys(omar_, CallAudit(), &r).ok());
  EXPECT_EQ(r.kek_version(), 3);
  EXPECT_EQ(r.rewrapped(), 6);
  EXPECT_EQ(r.remaining(), 0);
}

TEST_F(DocumentManagerTest, RangedDownloadsReturnExactlyTheRange) {
  const std::string content = Text(5 * kSegment + 321, 7);
  auto doc = Upload(content);
  ASSERT_TRUE(doc.ok());
  struct Range {
    int64_t offset, length;
  };
  const int64_t size = static_cast<int64_t>(content.size());
  for (Range r : std::vector<Range>{{0, 1},
                                    {kSegment - 1, 2},
                                    {kSegment, kSegment},
                                    {100, 3 * kSegment},
                                    {size - 10, 0},
                                    {size - 10, 100},
                                    {size, 0},
                                    {12345, 0}}) {
    CollectSink sink;
    ASSERT_TRUE(Download(doc->name(), &sink, 0, r.offset, r.length).ok())
        << r.offset;
    std::string want =
        content.substr(r.offset, r.length == 0 ? std::string::npos : r.length);
    EXPECT_EQ(sink.data, want) << r.offset << "+" << r.length;
    EXPECT_EQ(sink.trailer.bytes_sent(), static_cast<int64_t>(want.size()));
  }
  CollectSink sink;
  absl::Status s = Download(doc->name(), &sink, 0, size + 1);
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(s.message(), HasSubstr("offset"));
}

TEST_F(DocumentManagerTest, OnlyTheCaseTeamSeesDocuments) {
  auto doc = Upload(Text(100), Meta(), ines_);  // intake may upload
  ASSERT_TRUE(doc.ok()) << doc.status();
  CollectSink sink;
  EXPECT_EQ(Download(doc->name(), &sink, 0, 0, 0, omar_).code(),
            absl::StatusCode::kNotFound);
  v1::GetDocumentRequest get;
  get.set_name(doc->name());
  v1::Document out;
  EXPECT_EQ(manager_->Get(omar_, get, CallAudit(), &out).code(),
            absl::StatusCode::kNotFound);
  v1::ListDocumentsRequest list;
  list.set_case_(kCase);
  v1::ListDocumentsResponse listed;
  EXPECT_EQ(manager_->List(omar_, list, CallAudit(), &listed).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Upload(Text(100), Meta(), omar_).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(manager_->Get(lena_, get, CallAudit(), &out).ok());
  EXPECT_EQ(out.versions(0).uploaded_by(), "users/ines");
  // A document name under another case is not found even for the team.
  get.set_name("cases/case1/documents/nosuchdocument");
  EXPECT_EQ(manager_->Get(lena_, get, CallAudit(), &out).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DocumentManagerTest, UploadAuditsTheDocumentVersion) {
  auto doc = Upload(Text(100));
  ASSERT_TRUE(doc.ok());
  EXPECT_THAT(audited_, ElementsAre(doc->name() + "/versions/1"));
}

TEST_F(DocumentManagerTest, ListPagesNewestFirstAndFilters) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    v1::UploadMetadata md = Meta();
    if (i % 2 == 1) md.set_type(v1::DOCUMENT_TYPE_MEDICAL);
    auto d = Upload(Text(10 + i, i), md);
    ASSERT_TRUE(d.ok());
    names.push_back(d->name());
    clock_.Advance(absl::Seconds(1));
  }
  v1::ListDocumentsRequest req;
  req.set_case_(kCase);
  req.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    v1::ListDocumentsResponse resp;
    ASSERT_TRUE(manager_->List(lena_, req, CallAudit(), &resp).ok());
    for (const auto& d : resp.documents()) seen.push_back(d.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_THAT(seen,
              ElementsAre(names[4], names[3], names[2], names[1], names[0]));
  req.Clear();
  req.set_case_(kCase);
  req.set_type(v1::DOCUMENT_TYPE_MEDICAL);
  v1::ListDocumentsResponse medical;
  ASSERT_TRUE(manager_->List(lena_, req, CallAudit(), &medical).ok());
  ASSERT_EQ(medical.documents_size(), 2);
  EXPECT_EQ(medical.documents(0).name(), names[3]);
}

TEST_F(DocumentManagerTest, TranslationsNeedASourceInTheSameCase) {
  auto source = Upload(Text(100));
  ASSERT_TRUE(source.ok());
  v1::UploadMetadata md = Meta();
  md.set_type(v1::DOCUMENT_TYPE_TRANSLATION);
  md.mutable_translation()->set_source_document(source->name());
  md.mutable_translation()->set_translator_name("Certified Translator");
  md.mutable_translation()->set_declaration(
      "I declare this is a true translation.\nSigned.");
  auto t = Upload(Text(120, 3), md);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->translation().source_document(), source->name());
  md.mutable_translation()->set_source_document(
      "cases/case1/documents/missingdoc");
  auto missing = Upload(Text(120, 3), md);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("metadata.translation.source_document"));
}

TEST_F(DocumentManagerTest, EveryInvalidFieldIsNamed) {
  struct Case {
    std::function<void(v1::UploadMetadata*)> break_it;
    const char* field;
  };
  std::vector<Case> cases = {
      {[](v1::UploadMetadata* m) { m->clear_case_(); }, "metadata.case"},
      {[](v1::UploadMetadata* m) { m->set_case_("clients/x"); },
       "metadata.case"},
      {[](v1::UploadMetadata* m) {
         m->set_type(v1::DOCUMENT_TYPE_UNSPECIFIED);
       },
       "metadata.type"},
      {[](v1::UploadMetadata* m) {
         m->set_type(static_cast<v1::DocumentType>(99));
       },
       "metadata.type"},
      {[](v1::UploadMetadata* m) { m->clear_title(); }, "metadata.title"},
      {[](v1::UploadMetadata* m) { m->set_title(std::string(201, 't')); },
       "metadata.title"},
      {[](v1::UploadMetadata* m) { m->set_language("french!"); },
       "metadata.language"},
      {[](v1::UploadMetadata* m) { m->clear_media_type(); },
       "metadata.media_type"},
      {[](v1::UploadMetadata* m) { m->set_declared_size_bytes(-1); },
       "metadata.declared_size_bytes"},
      {[](v1::UploadMetadata* m) { m->set_sha256("ABC"); }, "metadata.sha256"},
      {[](v1::UploadMetadata* m) {
         m->set_type(v1::DOCUMENT_TYPE_TRANSLATION);
       },
       "metadata.translation"},
      {[](v1::UploadMetadata* m) {
         m->mutable_translation()->set_source_document("x");
       },
       "metadata.translation"},
      {[](v1::UploadMetadata* m) { m->set_document("cases/case1/docs/x"); },
       "metadata.document"},
  };
  for (const Case& c : cases) {
    v1::UploadMetadata md = Meta();
    c.break_it(&md);
    auto doc = Upload("text", md);
    EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument)
        << c.field;
    EXPECT_THAT(doc.status().message(), HasSubstr(c.field));
  }
  // Chunks: the first message must be metadata, chunks at most 1 MiB.
  class Raw : public UploadSource {
   public:
    explicit Raw(std::vector<v1::UploadDocumentRequest> m) : m_(std::move(m)) {}
    bool Read(v1::UploadDocumentRequest* out) override {
      if (i_ >= m_.size()) return false;
      *out = m_[i_++];
      return true;
    }
    bool Cancelled() const override { return false; }

   private:
    std::vector<v1::UploadDocumentRequest> m_;
    size_t i_ = 0;
  };
  v1::UploadDocumentRequest chunk, meta, big;
  chunk.set_chunk("abc");
  *meta.mutable_metadata() = Meta();
  meta.mutable_metadata()->set_declared_size_bytes(3);
  big.set_chunk(std::string((1 << 20) + 1, 'a'));
  v1::Document out;
  for (auto [messages, field] : std::vector<
           std::pair<std::vector<v1::UploadDocumentRequest>, const char*>>{
           {{chunk}, "metadata"},
           {{}, "metadata"},
           {{meta, meta}, "chunk"},
           {{meta, big}, "chunk"}}) {
    Raw raw(messages);
    absl::Status s = manager_->Upload(lena_, raw, CallAudit(), &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(s.message(), HasSubstr(field));
  }
  // Download, Delete, List.
  CollectSink sink;
  EXPECT_THAT(Download("cases/case1", &sink).message(), HasSubstr("name"));
  EXPECT_THAT(Download("cases/case1/documents/d", &sink, -1).message(),
              HasSubstr("version"));
  EXPECT_THAT(Download("cases/case1/documents/d", &sink, 0, -1).message(),
              HasSubstr("offset"));
  EXPECT_THAT(Download("cases/case1/documents/d", &sink, 0, 0, -1).message(),
              HasSubstr("length"));
  v1::DeleteDocumentRequest del;
  del.set_name("cases/case1/documents/d");
  del.set_etag("1");
  del.set_reason("no");
  v1::DeleteDocumentResponse deleted;
  absl::Status s = manager_->Delete(lena_, del, CallAudit(), &deleted);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("reason"));
  del.set_reason("duplicate upload");
  del.clear_etag();
  EXPECT_THAT(manager_->Delete(lena_, del, CallAudit(), &deleted).message(),
              HasSubstr("etag"));
  v1::ListDocumentsRequest list;
  v1::ListDocumentsResponse listed;
  EXPECT_THAT(manager_->List(lena_, list, CallAudit(), &listed).message(),
              HasSubstr("case"));
  list.set_case_(kCase);
  list.set_page_size(-1);
  EXPECT_THAT(manager_->List(lena_, list, CallAudit(), &listed).message(),
              HasSubstr("page_size"));
  list.set_page_size(0);
  list.set_page_token("garbage!");
  EXPECT_THAT(manager_->List(lena_, list, CallAudit(), &listed).message(),
              HasSubstr("page_token"));
  EXPECT_THAT(BlobDirEntries(), IsEmpty());
}

}  // namespace
}  // namespace clinic
