// Backup archives offline: a data directory is archived, verified and restored;
// every flipped byte, truncation, extension or foreign key is refused; restore
// writes only into an empty directory and leaves it empty when it refuses.
#include "services/admin/backup_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/admin/backup.h"
#include "services/common/data_dir.h"
#include "storage/crypto/sha256.h"
#include "storage/database.h"
#include "storage/file_util.h"
#include "storage/keyring.h"
#include "storage/snapshot.h"

namespace clinic {
namespace backup {
namespace {

using ::testing::HasSubstr;

std::vector<storage::Migration> Schema() {
  return {storage::SqlMigration(
      1, "notes", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")};
}

class BackupArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = storage::JoinPath(
        tmp ? tmp : "/tmp",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    data_ = storage::JoinPath(root_, "data");
    ASSERT_TRUE(storage::MakeDirectories(root_).ok());
    ASSERT_TRUE(DataDir(data_).Initialize({}).ok());
    auto keyring = storage::Keyring::Load(DataDir(data_).master_key());
    ASSERT_TRUE(keyring.ok()) << keyring.status();
    keyring_ = *std::move(keyring);
    auto keys = BackupKeys::FromKeyring(*keyring_);
    ASSERT_TRUE(keys.ok());
    keys_ = *std::move(keys);
  }

  void AddDatabase(const std::string& service, int rows) {
    storage::Database::Options options;
    options.migrations = Schema();
    auto db = storage::Database::Open(DataDir(data_).DatabasePath(service),
                                      keyring_->DatabaseKey(service),
                                      std::move(options));
    ASSERT_TRUE(db.ok()) << db.status();
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE((*db)
                      ->Write([&](storage::Connection& c) -> absl::Status {
                        auto s =
                            c.Prepare("INSERT INTO notes (body) VALUES (?1)");
                        if (!s.ok()) return s.status();
                        return s->BindText(1, absl::StrCat("note ", i)).Run();
                      })
                      .ok());
    }
  }

  void AddBlob(const std::string& name, const std::string& bytes) {
    ASSERT_TRUE(storage::WriteFileAtomically(
                    storage::JoinPath(DataDir(data_).blob_dir(), name), bytes)
                    .ok());
  }

  // Archives the data directory into `name` under root_.
  std::string Archive(const std::string& name) {
    BackupSource source;
    source.data_dir = data_;
    source.keyring = keyring_.get();
    source.server_version = "test";
    std::string path = storage::JoinPath(root_, name);
    auto manifest = CreateBackupFile(source, path);
    EXPECT_TRUE(manifest.ok()) << manifest.status();
    return path;
  }

  // Removes the TLS material so that archives stay small (byte-flip tests).
  void DropTls() {
    std::string tls = DataDir(data_).tls_dir();
    for (const char* f : {"ca.crt", "ca.key", "server.crt", "server.key",
                          "client.crt", "client.key"}) {
      ::unlink(storage::JoinPath(tls, f).c_str());
    }
  }

  std::string root_;
  std::string data_;
  std::unique_ptr<storage::Keyring> keyring_;
  std::unique_ptr<BackupKeys> keys_;
};

TEST_F(BackupArchiveTest, RestoredDirectoryHoldsTheSameDataAndServesReady) {
  AddDatabase("intake", 50);
  AddDatabase("hearing", 3);
  AddBlob("abc123", std::string(700000, 'z'));
  AddBlob("def456", "");
  const std::string archive = Archive("backup.clinic");

  auto verified = VerifyBackup(archive, *keys_);
  ASSERT_TRUE(verified.ok()) << verified.status();
  std::vector<std::string> paths;
  for (const auto& f : verified->files()) paths.push_back(f.path());
  EXPECT_THAT(paths, ::testing::IsSupersetOf({"db/hearing.db", "db/intake.db",
                                              "blobs/abc123", "blobs/def456",
                                              "tls/ca.crt", "tls/server.key"}));
  EXPECT_EQ(verified->key_id(), keys_->key_id());
  EXPECT_EQ(verified->server_version(), "test");

  // The archive itself reveals nothing: no plaintext of the blobs or PEM.
  auto raw = storage::ReadFile(archive, 64 << 20);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->find(std::string(64, 'z')), std::string::npos);
  EXPECT_EQ(raw->find("BEGIN"), std::string::npos);

  const std::string target = storage::JoinPath(root_, "restored");
  auto restored = RestoreBackup(archive, DataDir(data_).master_key(), target);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE(DataDir(target).CheckReady().ok())
      << DataDir(target).CheckReady();
  EXPECT_EQ(*storage::ReadFile(DataDir(target).master_key()),
            *storage::ReadFile(DataDir(data_).master_key()));
  EXPECT_EQ(*storage::ReadFile(storage::JoinPath(target, "blobs/abc123")),
            std::string(700000, 'z'));
  EXPECT_EQ(*storage::ReadFile(storage::JoinPath(target, "tls/server.crt")),
            *storage::ReadFile(storage::JoinPath(data_, "tls/server.crt")));
  auto count = storage::QueryInt(DataDir(target).DatabasePath("intake"),
                                 keyring_->DatabaseKey("intake"),
                                 "SELECT count(*) FROM notes");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 50);
  // No staging folder is left behind.
  auto entries = storage::IsEmptyDirectory(storage::JoinPath(data_, "run"));
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(*entries);
}

TEST_F(BackupArchiveTest, EveryFlippedByteIsRefusedByVerify) {
  DropTls();
  AddDatabase("intake", 2);
  AddBlob("abc", std::string(300, 'q'));
  const std::string archive = Archive("small.clinic");
  ASSERT_TRUE(VerifyBackup(archive, *keys_).ok());
  auto bytes = storage::ReadFile(archive);
  ASSERT_TRUE(bytes.ok());
  int fd = ::open(archive.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  int accepted = 0;
  for (size_t i = 0; i < bytes->size(); ++i) {
    char flipped = static_cast<char>((*bytes)[i] ^ 0x01);
    ASSERT_EQ(::pwrite(fd, &flipped, 1, i), 1);
    auto result = VerifyBackup(archive, *keys_);
    absl::Status sealed = VerifyBackupSeal(archive, keys_->key_id());
    EXPECT_FALSE(sealed.ok()) << i;
    if (result.ok()) {
      ++accepted;
    } else {
      EXPECT_TRUE(result.status().code() == absl::StatusCode::kDataLoss ||
                  result.status().code() ==
                      absl::StatusCode::kFailedPrecondition)
          << i << ": " << result.status();
    }
    ASSERT_EQ(::pwrite(fd, &(*bytes)[i], 1, i), 1);
  }
  ::close(fd);
  EXPECT_EQ(accepted, 0) << "of " << bytes->size() << " bytes";
  EXPECT_TRUE(VerifyBackup(archive, *keys_).ok());
}

TEST_F(BackupArchiveTest, TamperedArchiveIsRefusedByRestoreWhichWritesNothing) {
  DropTls();
  AddDatabase("intake", 2);
  const std::string archive = Archive("tampered.clinic");
  auto bytes = storage::ReadFile(archive);
  ASSERT_TRUE(bytes.ok());
  for (size_t at : {size_t{5}, size_t{40}, kHeaderBytes + 3, bytes->size() / 2,
                    bytes->size() - 1}) {
    std::string bad = *bytes;
    bad[at] ^= 0x80;
    std::string path = storage::JoinPath(root_, absl::StrCat("bad", at));
    ASSERT_TRUE(storage::WriteFileAtomically(path, bad).ok());
    std::string target = storage::JoinPath(root_, absl::StrCat("target", at));
    ASSERT_TRUE(storage::MakeDirectories(target).ok());
    auto result = RestoreBackup(path, DataDir(data_).master_key(), target);
    EXPECT_FALSE(result.ok()) << at;
    EXPECT_TRUE(*storage::IsEmptyDirectory(target)) << at;
  }
}

TEST_F(BackupArchiveTest, TruncatedOrExtendedArchiveIsRefused) {
  DropTls();
  AddDatabase("intake", 2);
  const std::string archive = Archive("cut.clinic");
  auto bytes = storage::ReadFile(archive);
  ASSERT_TRUE(bytes.ok());
  const size_t n = bytes->size();
  for (size_t keep : {size_t{0}, size_t{10}, kHeaderBytes, kHeaderBytes + 19,
                      n / 2, n - 17, n - 1}) {
    std::string path = storage::JoinPath(root_, absl::StrCat("cut", keep));
    ASSERT_TRUE(
        storage::WriteFileAtomically(path, bytes->substr(0, keep)).ok());
    auto result = VerifyBackup(path, *keys_);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss) << keep;
  }
  std::string path = storage::JoinPath(root_, "cut-end");
  ASSERT_TRUE(storage::WriteFileAtomically(path, bytes->substr(0, n - 1)).ok());
  EXPECT_THAT(std::string(VerifyBackup(path, *keys_).status().message()),
              HasSubstr("truncated"));

  std::string longer = storage::JoinPath(root_, "longer");
  ASSERT_TRUE(storage::WriteFileAtomically(longer, *bytes + "x").ok());
  EXPECT_EQ(VerifyBackup(longer, *keys_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(BackupArchiveTest, RestoreIntoNonEmptyDirectoryIsRefused) {
  AddDatabase("intake", 2);
  const std::string archive = Archive("b.clinic");
  const std::string target = storage::JoinPath(root_, "busy");
  ASSERT_TRUE(storage::MakeDirectories(target).ok());
  ASSERT_TRUE(
      storage::WriteFileAtomically(storage::JoinPath(target, "keep"), "x")
          .ok());
  auto result = RestoreBackup(archive, DataDir(data_).master_key(), target);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("not an empty"));
  EXPECT_EQ(*storage::ReadFile(storage::JoinPath(target, "keep")), "x");
  EXPECT_FALSE(storage::PathExists(storage::JoinPath(target, "db")));
  EXPECT_FALSE(storage::PathExists(storage::JoinPath(target, "master.key")));
}

TEST_F(BackupArchiveTest, ArchiveOfAnotherMasterKeyIsRefusedNamingBothKeys) {
  AddDatabase("intake", 1);
  const std::string archive = Archive("k.clinic");
  auto other =
      storage::Keyring::FromMasterKey(SecretBytes(std::string(32, 'k')));
  ASSERT_TRUE(other.ok());
  auto other_keys = BackupKeys::FromKeyring(**other);
  ASSERT_TRUE(other_keys.ok());
  auto result = VerifyBackup(archive, **other_keys);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr((*other_keys)->key_id()));
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(keys_->key_id()));
}

TEST_F(BackupArchiveTest, SealVerifiesWithoutTheMasterKeyGivenTheKeyId) {
  AddDatabase("intake", 1);
  const std::string archive = Archive("sealed.clinic");
  EXPECT_TRUE(VerifyBackupSeal(archive, keys_->key_id()).ok());
  absl::Status other = VerifyBackupSeal(archive, "0123456789abcdef");
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(other.message()), HasSubstr("0123456789abcdef"));

  // A seal re-made with another key over the same bytes is refused by the
  // full check, and by the seal check pinned to the real key id.
  auto bytes = storage::ReadFile(archive);
  ASSERT_TRUE(bytes.ok());
  auto impostor_ring =
      storage::Keyring::FromMasterKey(SecretBytes(std::string(32, 'i')));
  auto impostor = BackupKeys::FromKeyring(**impostor_ring);
  std::string forged = bytes->substr(0, bytes->size() - kSealBytes);
  const std::string digest = storage::Sha256(forged);
  forged += std::string(kSealMagic) + (*impostor)->public_key() + digest +
            (*impostor)->Sign(absl::StrCat(
                absl::string_view("clinic.v1.BackupSeal\0", 21), digest));
  const std::string path = storage::JoinPath(root_, "forged.clinic");
  ASSERT_TRUE(storage::WriteFileAtomically(path, forged).ok());
  EXPECT_EQ(VerifyBackupSeal(path, keys_->key_id()).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyBackup(path, *keys_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(BackupArchiveTest, ManifestSignatureCoversEveryField) {
  AddDatabase("intake", 1);
  auto manifest = VerifyBackup(Archive("s.clinic"), *keys_);
  ASSERT_TRUE(manifest.ok());
  EXPECT_TRUE(storage::Ed25519Verify(keys_->public_key(),
                                     ManifestSigningInput(*manifest),
                                     manifest->signature()));
  v1::BackupManifest altered = *manifest;
  altered.set_audit_sequence(altered.audit_sequence() + 1);
  EXPECT_FALSE(storage::Ed25519Verify(keys_->public_key(),
                                      ManifestSigningInput(altered),
                                      manifest->signature()));
}

TEST(ArchivePathTest, OnlyDataDirectoryPathsAreAllowed) {
  EXPECT_TRUE(IsValidArchivePath("db/intake.db"));
  EXPECT_TRUE(IsValidArchivePath("blobs/0a1b2c"));
  EXPECT_TRUE(IsValidArchivePath("tls/server.key"));
  for (const char* bad :
       {"", "db", "db/", "db/../x.db", "db/intake.db-wal", "blobs/../../etc",
        "blobs/a/b", "tls/..", "tls/.hidden", "master.key", "/etc/passwd",
        "run/x"}) {
    EXPECT_FALSE(IsValidArchivePath(bad)) << bad;
  }
}

}  // namespace
}  // namespace backup
}  // namespace clinic
