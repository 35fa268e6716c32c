// Taking a backup of a running server's data directory: a consistent online
// snapshot of every database and the document blobs, streamed out as an
// encrypted archive (backup_archive.h) while the server keeps serving.
//
// How the snapshot is consistent:
//   1. every blob committed so far is hard-linked into a private staging
//      folder (<data_dir>/run/backup-<random>/), so a document deleted during
//      the backup cannot take its blob away from it;
//   2. each database <data_dir>/db/<service>.db is copied with SQLite's online
//      backup API (storage/snapshot.h) into the staging folder: each copy is
//      that database as of one committed transaction, taken while writers
//      continue (WAL). Every write acknowledged before CreateBackup began is
//      in the copy. The audit chain head recorded in the manifest is read
//      from the audit database's copy, so it is exactly the head of the
//      archived chain;
//   3. blobs committed since step 1 are linked too, so every document row of
//      the document database's copy finds its blob (a blob is committed before
//      its row). Blobs of documents created after the snapshot may be included
//      as unreferenced ciphertext; they are harmless.
// Databases are snapshotted one after another, so two databases are each
// consistent but not from the same instant: cross-service references made
// during the backup window (a document uploaded for a case opened in the same
// second) may point to rows a copy does not hold, exactly as after a crash of
// one service.
//
// Disk space: the staging folder holds a copy of every database (blobs are
// hard links and cost nothing, unless <data_dir>/blobs is on another file
// system than <data_dir>/run, when they are copied too).
//
// Nothing in plaintext reaches disk: the snapshots are SQLCipher files with
// their own keys, blobs are ciphertext, and the staging folder (mode 0700) is
// removed afterwards (also after errors).
//
// Thread-safe (no shared state); concurrent backups each use their own
// staging folder.
#ifndef CLINIC_SERVICES_ADMIN_BACKUP_H_
#define CLINIC_SERVICES_ADMIN_BACKUP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "clinic/v1/admin.pb.h"
#include "services/admin/backup_archive.h"
#include "storage/keyring.h"

namespace clinic {
namespace backup {

struct BackupSource {
  // The server's data directory (see services/common/data_dir.h).
  std::string data_dir;
  // The server's keyring (database keys and backup keys derive from it).
  const storage::Keyring* keyring = nullptr;
  const Clock* clock = Clock::Real();
  std::string server_version;
  // Archive bytes handed to the sink at a time (about).
  size_t chunk_bytes = 256 << 10;
};

// Receives the archive as it is produced: `chunk` (may be empty for a progress
// report) and the snapshot bytes processed so far and in all. An error stops
// the backup and is returned.
using BackupSink = std::function<absl::Status(
    absl::string_view chunk, int64_t bytes_done, int64_t bytes_total)>;

// Takes the snapshot and streams the archive to `sink`; returns the signed
// manifest (also the archive's last record). The first call to `sink` comes
// once the snapshot is complete (with the archive header and bytes_done 0).
// Errors: those of the file system and the databases (e.g. RESOURCE_EXHAUSTED
// when the staging folder does not fit on disk), or the sink's.
absl::StatusOr<v1::BackupManifest> CreateBackup(const BackupSource& source,
                                                const BackupSink& sink);

// CreateBackup into a new file `path` (mode 0600; ALREADY_EXISTS if it
// exists); the file is fsynced before returning and removed on error.
absl::StatusOr<v1::BackupManifest> CreateBackupFile(const BackupSource& source,
                                                    const std::string& path);

}  // namespace backup
}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_BACKUP_H_
