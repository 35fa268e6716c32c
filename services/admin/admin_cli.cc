#include "services/admin/admin_cli.h"

#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "services/admin/admin_service.h"
#include "services/admin/backup.h"
#include "services/admin/backup_archive.h"
#include "services/admin/key_rotation.h"
#include "services/admin/restore.h"
#include "services/common/data_dir.h"
#include "storage/keyring.h"

namespace clinic {
namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return 1;
}

void PrintManifest(const v1::BackupManifest& m) {
  int64_t bytes = 0;
  int dbs = 0, blobs = 0;
  for (const auto& f : m.files()) {
    bytes += f.size_bytes();
    dbs += f.path().rfind("db/", 0) == 0;
    blobs += f.path().rfind("blobs/", 0) == 0;
  }
  std::printf(
      "snapshot time   %s\nserver version  %s\nbackup key      %s\n"
      "files           %d (%d databases, %d blobs), %lld bytes\n"
      "audit head      %lld %s\n",
      absl::FormatTime(absl::RFC3339_sec,
                       absl::FromUnixSeconds(m.snapshot_time().seconds()),
                       absl::UTCTimeZone())
          .c_str(),
      m.server_version().c_str(), m.key_id().c_str(), m.files_size(), dbs,
      blobs, static_cast<long long>(bytes),
      static_cast<long long>(m.audit_sequence()),
      absl::BytesToHexString(m.audit_hash()).c_str());
}

}  // namespace

bool RunOfflineBackupCommand(int argc, char** argv, int* exit_code) {
  if (argc < 2) return false;
  const std::string command = argv[1];
  if (command != "backup" && command != "restore" &&
      command != "rotate-master-key") {
    return false;
  }

  CLI::App app{"Offline backup commands", "clinicd"};
  app.require_subcommand(1);
  std::string data_dir, output, archive, master_key;

  CLI::App* backup = app.add_subcommand("backup", "Create or verify backups");
  backup->require_subcommand(1);
  CLI::App* create = backup->add_subcommand(
      "create", "Archive a data directory (it may be serving meanwhile)");
  create->add_option("--data_dir", data_dir, "Data directory")->required();
  create->add_option("-o,--output", output, "New archive file")->required();
  CLI::App* verify = backup->add_subcommand(
      "verify", "Check every byte of an archive and its signed manifest");
  verify->add_option("archive", archive, "Archive file")->required();
  verify->add_option("--data_dir", data_dir,
                     "Use this data directory's master key");
  verify->add_option("--master_key", master_key, "Master key file");
  std::string key_id;
  verify->add_option("--key_id", key_id,
                     "Without the master key: check only the seal, made by "
                     "the backup key with this id");

  CLI::App* restore = app.add_subcommand(
      "restore", "Restore an archive into a new, empty data directory");
  restore->add_option("archive", archive, "Archive file")->required();
  restore->add_option("--data_dir", data_dir, "New data directory (empty)")
      ->required();
  restore
      ->add_option("--master_key", master_key,
                   "The master key file of the server the backup was made on")
      ->required();

  CLI::App* rotate = app.add_subcommand(
      "rotate-master-key",
      "Replace the master key of a stopped server: re-encrypt every database "
      "and re-wrap every document key");
  rotate->add_option("--data_dir", data_dir, "Data directory (server stopped)")
      ->required();
  rotate->footer(
      "Resumable: if it is interrupted (crash, kill, power loss), run it "
      "again; "
      "the\nserver refuses to start until it has finished. The old key is "
      "kept as\nmaster.key.retired-<time>: backups taken before the rotation "
      "need it, so\nmove it to where the backups are kept and off the "
      "server.\nExample:\n  clinicd rotate-master-key --data_dir "
      "/srv/clinic\n");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    *exit_code = app.exit(e) == 0 ? 0 : 2;
    return true;
  }

  if (create->parsed()) {
    auto keyring = storage::Keyring::Load(DataDir(data_dir).master_key());
    if (!keyring.ok()) return *exit_code = Fail(keyring.status()), true;
    backup::BackupSource source;
    source.data_dir = data_dir;
    source.keyring = keyring->get();
    source.server_version = kClinicServerVersion;
    auto manifest = backup::CreateBackupFile(source, output);
    if (!manifest.ok()) return *exit_code = Fail(manifest.status()), true;
    PrintManifest(*manifest);
    *exit_code = 0;
    return true;
  }
  if (verify->parsed()) {
    if (!key_id.empty() && master_key.empty() && data_dir.empty()) {
      absl::Status sealed = backup::VerifyBackupSeal(archive, key_id);
      if (!sealed.ok()) return *exit_code = Fail(sealed), true;
      std::printf(
          "OK: the archive is intact and sealed by backup key %s (its files "
          "are checked against the manifest only with the master key)\n",
          key_id.c_str());
      *exit_code = 0;
      return true;
    }
    if (master_key.empty() == data_dir.empty()) {
      std::fprintf(stderr,
                   "error: give exactly one of --data_dir and "
                   "--master_key\n");
      *exit_code = 2;
      return true;
    }
    if (master_key.empty()) master_key = DataDir(data_dir).master_key();
    auto keyring = storage::Keyring::Load(master_key);
    if (!keyring.ok()) return *exit_code = Fail(keyring.status()), true;
    auto keys = backup::BackupKeys::FromKeyring(**keyring);
    if (!keys.ok()) return *exit_code = Fail(keys.status()), true;
    auto manifest = backup::VerifyBackup(archive, **keys);
    if (!manifest.ok()) return *exit_code = Fail(manifest.status()), true;
    PrintManifest(*manifest);
    std::printf("OK: every file and the signed manifest verify\n");
    *exit_code = 0;
    return true;
  }
  if (rotate->parsed()) {
    auto report = RotateMasterKey(data_dir, Clock::Real());
    if (!report.ok()) return *exit_code = Fail(report.status()), true;
    std::printf(
        "Master key rotated%s: %d database(s) re-encrypted, %lld document "
        "key(s) re-wrapped.\nThe old key is in %s: backups taken before now "
        "need it. Move it off this server, to where the backups are kept.\n",
        report->resumed ? " (an interrupted rotation was finished)" : "",
        report->databases_rekeyed + report->databases_already_rekeyed,
        static_cast<long long>(report->document_keys_rewrapped),
        report->retired_key_file.c_str());
    *exit_code = 0;
    return true;
  }
  auto manifest = backup::RestoreServer(archive, master_key, data_dir);
  if (!manifest.ok()) return *exit_code = Fail(manifest.status()), true;
  PrintManifest(*manifest);
  std::printf("Restored into %s; serve it with: clinicd serve --data_dir %s\n",
              data_dir.c_str(), data_dir.c_str());
  *exit_code = 0;
  return true;
}

}  // namespace clinic
