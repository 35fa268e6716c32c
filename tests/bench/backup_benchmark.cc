// Backup and restore throughput (MB/s of snapshot data) beside a plain copy of
// the same files measured in the same run:
//
//   copy     read every database, blob and TLS file and write it to a new
//            directory, fsync each file (what `cp` + `sync` would do);
//   rpc      AdminService.CreateBackup over TLS on loopback (the path
//            `clinicctl backup create` takes), the stream written to a file;
//   backup   CreateBackupFile: online snapshot of each database (SQLite backup
//            API through SQLCipher: decrypt + re-encrypt every page), blobs
//            pinned by hard link, everything SHA-256'd and AES-256-GCM
//            encrypted into one archive, fsync;
//   verify   VerifyBackup: decrypt, hash and check the whole archive;
//   restore  RestoreBackup: verify, then decrypt again and write every file
//            (fsync each) into an empty directory.
//
// Peak resident memory is printed after each step: it should not grow with
// the archive size (everything streams).
//
//   bazel run --config=opt //tests/bench:backup_benchmark -- [database MiB,
//   default 64] [blob MiB, default 192]
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/random.h"
#include "clinic/v1/admin.grpc.pb.h"
#include "services/admin/admin_service.h"
#include "services/admin/backup.h"
#include "services/admin/backup_archive.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/data_dir.h"
#include "storage/database.h"
#include "storage/file_util.h"
#include "storage/keyring.h"
#include "tests/bench/load.h"
#include "tests/testing/accounts.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

void Die(const std::string& what) {
  std::fprintf(stderr, "benchmark failed: %s\n", what.c_str());
  std::exit(1);
}

void Check(const absl::Status& s, const std::string& what) {
  if (!s.ok()) Die(absl::StrCat(what, ": ", s.ToString()));
}

double MBps(int64_t bytes, absl::Duration d) {
  return static_cast<double>(bytes) / 1e6 / absl::ToDoubleSeconds(d);
}

// Copies every regular file under `from` (one level of folders) to `to`,
// fsyncing each; returns the bytes copied.
int64_t PlainCopy(const std::string& from, const std::string& to) {
  int64_t total = 0;
  std::string buffer(1 << 20, '\0');
  for (const char* sub : {"db", "blobs", "tls"}) {
    std::string src_dir = storage::JoinPath(from, sub);
    std::string dst_dir = storage::JoinPath(to, sub);
    Check(storage::MakeDirectories(dst_dir), "mkdir");
    std::vector<std::string> names;
    if (DIR* d = ::opendir(src_dir.c_str())) {
      while (struct dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') names.push_back(e->d_name);
      }
      ::closedir(d);
    }
    for (const std::string& name : names) {
      int in = ::open(storage::JoinPath(src_dir, name).c_str(), O_RDONLY);
      int out = ::open(storage::JoinPath(dst_dir, name).c_str(),
                       O_WRONLY | O_CREAT | O_EXCL, 0600);
      if (in < 0 || out < 0) Die("plain copy open");
      while (true) {
        ssize_t n = ::read(in, &buffer[0], buffer.size());
        if (n <= 0) break;
        if (::write(out, buffer.data(), n) != n) Die("plain copy write");
        total += n;
      }
      ::fsync(out);
      ::close(in);
      ::close(out);
    }
  }
  return total;
}

int Main(int argc, char** argv) {
  bench::ActLikeServerBinaries();
  const int64_t db_mib = argc > 1 ? std::atoll(argv[1]) : 64;
  const int64_t blob_mib = argc > 2 ? std::atoll(argv[2]) : 192;
  const std::string root = testing::NewTempDir("backup-bench");
  testing::TestServer::Options server_options;
  server_options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                             AdminServiceDefinition()};
  auto server = testing::TestServer::Start(std::move(server_options));
  if (!server.ok()) Die(server.status().ToString());
  const std::string data = (*server)->data_dir();
  auto keyring = storage::Keyring::Load(DataDir(data).master_key());
  if (!keyring.ok()) Die(keyring.status().ToString());

  // A database of ~db_mib MiB and blob_mib blobs of 1 MiB of random bytes
  // (blobs are ciphertext: incompressible).
  {
    storage::Database::Options options;
    options.label = "intake database";
    options.migrations = {storage::SqlMigration(
        1, "rows", "CREATE TABLE rows (id INTEGER PRIMARY KEY, v BLOB);")};
    auto db = storage::Database::Open(DataDir(data).DatabasePath("intake"),
                                      (*keyring)->DatabaseKey("intake"),
                                      std::move(options));
    if (!db.ok()) Die(db.status().ToString());
    auto row = RandomBytes(4000);
    for (int64_t batch = 0; batch < db_mib * 256 / 1000 + 1; ++batch) {
      Check((*db)->Write([&](storage::Connection& c) -> absl::Status {
        for (int i = 0; i < 1000; ++i) {
          auto insert = c.Prepare("INSERT INTO rows (v) VALUES (?1)");
          if (!insert.ok()) return insert.status();
          absl::Status s = insert->BindBlob(1, *row).Run();
          if (!s.ok()) return s;
        }
        return absl::OkStatus();
      }),
            "fill database");
    }
  }
  for (int64_t i = 0; i < blob_mib; ++i) {
    auto bytes = RandomBytes(1 << 20);
    Check(
        storage::WriteFileAtomically(storage::JoinPath(DataDir(data).blob_dir(),
                                                       absl::StrCat("blob", i)),
                                     *bytes),
        "blob");
  }
  std::printf("data: %lld MiB database, %lld MiB of blobs\n",
              static_cast<long long>(db_mib), static_cast<long long>(blob_mib));

  absl::Time t0 = absl::Now();
  int64_t copied = PlainCopy(data, storage::JoinPath(root, "copy1"));
  absl::Duration copy1 = absl::Now() - t0;

  backup::BackupSource source;
  source.data_dir = data;
  source.keyring = keyring->get();
  source.server_version = "bench";
  const std::string archive = storage::JoinPath(root, "bench.clinic");
  t0 = absl::Now();
  auto manifest = backup::CreateBackupFile(source, archive);
  absl::Duration backup_time = absl::Now() - t0;
  if (!manifest.ok()) Die(manifest.status().ToString());
  int64_t snapshot_bytes = 0;
  for (const auto& f : manifest->files()) snapshot_bytes += f.size_bytes();
  double rss_backup = bench::PeakRssMiB();

  // The same backup through the RPC, as an administrator would take it.
  const std::string rpc_archive = storage::JoinPath(root, "rpc.clinic");
  t0 = absl::Now();
  {
    v1::AdminService::Stub stub((*server)->channel());
    auto ctx = testing::TokenContext((*server)->admin_token());
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::minutes(30));
    auto reader = stub.CreateBackup(ctx.get(), v1::CreateBackupRequest());
    int out = ::open(rpc_archive.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (out < 0) Die("rpc archive");
    v1::CreateBackupResponse resp;
    while (reader->Read(&resp)) {
      const std::string& chunk = resp.archive_chunk();
      if (!chunk.empty() && ::write(out, chunk.data(), chunk.size()) !=
                                static_cast<ssize_t>(chunk.size())) {
        Die("rpc archive write");
      }
    }
    ::fsync(out);
    ::close(out);
    grpc::Status s = reader->Finish();
    if (!s.ok()) Die("CreateBackup: " + s.error_message());
  }
  absl::Duration rpc_time = absl::Now() - t0;

  auto keys = backup::BackupKeys::FromKeyring(**keyring);
  t0 = absl::Now();
  auto verified = backup::VerifyBackup(archive, **keys);
  absl::Duration verify_time = absl::Now() - t0;
  if (!verified.ok()) Die(verified.status().ToString());

  t0 = absl::Now();
  auto restored = backup::RestoreBackup(archive, DataDir(data).master_key(),
                                        storage::JoinPath(root, "restored"));
  absl::Duration restore_time = absl::Now() - t0;
  if (!restored.ok()) Die(restored.status().ToString());
  double rss_end = bench::PeakRssMiB();

  t0 = absl::Now();
  PlainCopy(data, storage::JoinPath(root, "copy2"));
  absl::Duration copy2 = absl::Now() - t0;
  absl::Duration copy = std::min(copy1, copy2);
  double copy_mbps = MBps(copied, copy);

  std::printf("snapshot data %.1f MB in %d files (plain copy %.1f MB)\n",
              snapshot_bytes / 1e6, manifest->files_size(), copied / 1e6);
  std::printf("  copy     %8.1f MB/s  (best of two plain copies)\n", copy_mbps);
  auto line = [&](const char* label, absl::Duration d) {
    double mbps = MBps(snapshot_bytes, d);
    std::printf("  %-8s %8.1f MB/s  %.2f s  %.2fx copy\n", label, mbps,
                absl::ToDoubleSeconds(d), mbps / copy_mbps);
  };
  line("backup", backup_time);
  line("rpc", rpc_time);
  line("verify", verify_time);
  line("restore", restore_time);
  std::printf("peak RSS after backup %.1f MiB, at end %.1f MiB\n", rss_backup,
              rss_end);
  return 0;
}

}  // namespace
}  // namespace clinic

int main(int argc, char** argv) { return clinic::Main(argc, argv); }
