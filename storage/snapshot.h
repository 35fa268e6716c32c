// Consistent online snapshots of a live SQLCipher database, small read-only
// queries on a database file (backups, status reports), and re-encryption of a
// database file under a new key (master-key rotation).
//
// SnapshotDatabase copies a database that other connections (in this process
// or another) keep writing, with SQLite's online backup API: one read
// transaction on the source spans the whole copy, so the copy is exactly the
// database as of one committed transaction, and in WAL mode writers are never
// blocked meanwhile. Pages pass through SQLCipher decrypted in memory only:
// the copy is itself encrypted, with the key given for it (normally the
// source's own key, so the copy is a drop-in replacement of the original file),
// and no plaintext page ever reaches disk. Memory use is a few pages,
// whatever the size of the database.
//
// Status codes: NOT_FOUND if the source does not exist; ALREADY_EXISTS if the
// destination does; DATA_LOSS if the key does not open the source;
// UNAVAILABLE if the source stays locked past the busy timeout;
// RESOURCE_EXHAUSTED if the destination's disk is full; INTERNAL otherwise.
// Messages name the files, never contents or keys.
//
// Thread-safe (no shared state).
#ifndef CLINIC_STORAGE_SNAPSHOT_H_
#define CLINIC_STORAGE_SNAPSHOT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/secret.h"

namespace clinic {
namespace storage {

struct SnapshotInfo {
  // Pages copied and the size of the copy in bytes.
  int64_t pages = 0;
  int64_t bytes = 0;
};

// Copies the database at `source` (keyed with `source_key`, 32 bytes) into
// the new file `destination` (keyed with `destination_key`). The copy keeps
// the source's schema version and page format. On error nothing is left at
// `destination`.
absl::StatusOr<SnapshotInfo> SnapshotDatabase(
    const std::string& source, const SecretBytes& source_key,
    const std::string& destination, const SecretBytes& destination_key);

// Runs `sql` (one statement returning one integer, e.g.
// "PRAGMA user_version" or "SELECT count(*) FROM t") on a read-only connection
// to the database at `path`; the first column of the first row, or 0 when the
// statement returns no row or NULL.
absl::StatusOr<int64_t> QueryInt(const std::string& path,
                                 const SecretBytes& key, absl::string_view sql);

// Same, for one blob or text column (e.g. the last audit event's record).
absl::StatusOr<std::string> QueryBlob(const std::string& path,
                                      const SecretBytes& key,
                                      absl::string_view sql);

// Re-encrypts the database at `path` from `old_key` to `new_key`. Offline: no
// other connection may be open. Crash-safe: the write-ahead log is first
// folded into the file (and removed), then the database is copied through
// SnapshotDatabase into "<path>.rekey" under `new_key`, fsynced, and renamed
// over `path`; so `path` is at every instant wholly under one key or the
// other. (SQLCipher 4's in-place PRAGMA rekey offers no such guarantee in WAL
// mode.) Returns false, changing nothing, if `new_key` already opens `path`
// (a resumed rotation); DATA_LOSS if neither key does.
absl::StatusOr<bool> RekeyDatabaseFile(const std::string& path,
                                       const SecretBytes& old_key,
                                       const SecretBytes& new_key);

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_SNAPSHOT_H_
