#include "storage/snapshot.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sqlcipher/sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

// Closes a handle when it goes out of scope.
struct HandleCloser {
  sqlite3* db = nullptr;
  ~HandleCloser() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

// Opens and keys one connection exactly as storage/database.cc does (raw key,
// 4096-byte cipher pages: both part of the file format).
absl::Status OpenKeyed(const std::string& path, const SecretBytes& key,
                       bool create, HandleCloser* out) {
  if (key.size() != 32) {
    return absl::InvalidArgumentError("a database key must be 32 bytes");
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &out->db, flags, nullptr);
  if (rc != SQLITE_OK) {
    return absl::InternalError(
        absl::StrCat("cannot open ", path, ": ", sqlite3_errstr(rc)));
  }
  std::string hex = absl::BytesToHexString(key.view());
  SecretBytes raw_key(absl::StrCat("x'", hex, "'"));
  OPENSSL_cleanse(&hex[0], hex.size());
  if (sqlite3_key(out->db, raw_key.data(), static_cast<int>(raw_key.size())) !=
          SQLITE_OK ||
      sqlite3_exec(out->db,
                   "PRAGMA cipher_page_size = 4096; PRAGMA busy_timeout = "
                   "10000;",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return absl::InternalError(absl::StrCat("cannot key ", path));
  }
  return absl::OkStatus();
}

// Opens an existing database read-only and checks that the key opens it.
absl::Status OpenExisting(const std::string& path, const SecretBytes& key,
                          HandleCloser* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat("database ", path, " not found"));
  }
  CLINIC_RETURN_IF_ERROR(OpenKeyed(path, key, /*create=*/false, out));
  if (sqlite3_exec(out->db, "PRAGMA query_only = 1;", nullptr, nullptr,
                   nullptr) != SQLITE_OK ||
      sqlite3_exec(out->db, "SELECT count(*) FROM sqlite_master;", nullptr,
                   nullptr, nullptr) != SQLITE_OK) {
    return absl::DataLossError(absl::StrCat(
        "cannot read ", path, ": the key does not match it, or it is damaged"));
  }
  return absl::OkStatus();
}

void RemoveQuietly(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    ::unlink(absl::StrCat(path, suffix).c_str());
  }
}

absl::StatusOr<sqlite3_stmt*> PrepareOne(sqlite3* db, absl::string_view sql,
                                         const std::string& path) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                              &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return absl::InternalError(
        absl::StrCat("cannot query ", path, ": ", sqlite3_errmsg(db)));
  }
  return stmt;
}

}  // namespace

absl::StatusOr<SnapshotInfo> SnapshotDatabase(
    const std::string& source, const SecretBytes& source_key,
    const std::string& destination, const SecretBytes& destination_key) {
  HandleCloser src;
  CLINIC_RETURN_IF_ERROR(OpenExisting(source, source_key, &src));
  if (PathExists(destination)) {
    return absl::AlreadyExistsError(
        absl::StrCat("snapshot destination ", destination, " exists"));
  }
  SnapshotInfo info;
  absl::Status status = [&]() -> absl::Status {
    HandleCloser dst;
    CLINIC_RETURN_IF_ERROR(
        OpenKeyed(destination, destination_key, /*create=*/true, &dst));
    sqlite3_backup* backup =
        sqlite3_backup_init(dst.db, "main", src.db, "main");
    if (backup == nullptr) {
      return absl::InternalError(absl::StrCat("cannot snapshot ", source, ": ",
                                              sqlite3_errmsg(dst.db)));
    }
    // One step copies every page inside a single read transaction on the
    // source: a consistent snapshot. BUSY/LOCKED (a checkpoint or a writer
    // holding an exclusive lock) are retried for a while.
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < 200; ++attempt) {
      rc = sqlite3_backup_step(backup, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    info.pages = sqlite3_backup_pagecount(backup);
    int finish = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        return absl::UnavailableError(
            absl::StrCat("the database ", source, " stayed busy; retry"));
      }
      if (rc == SQLITE_FULL) {
        return absl::ResourceExhaustedError(
            absl::StrCat("the disk holding ", destination,
                         " is full; free space and retry"));
      }
      return absl::InternalError(
          absl::StrCat("cannot snapshot ", source, ": ", sqlite3_errstr(rc)));
    }
    if (finish != SQLITE_OK) {
      return absl::InternalError(absl::StrCat("cannot finish the snapshot of ",
                                              source, ": ",
                                              sqlite3_errstr(finish)));
    }
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    RemoveQuietly(destination);
    return status;
  }
  struct stat st;
  if (::stat(destination.c_str(), &st) != 0) {
    return ErrnoToStatus(errno, "stat", destination);
  }
  info.bytes = st.st_size;
  return info;
}

absl::StatusOr<bool> RekeyDatabaseFile(const std::string& path,
                                       const SecretBytes& old_key,
                                       const SecretBytes& new_key) {
  const std::string tmp = absl::StrCat(path, ".rekey");
  RemoveQuietly(tmp);  // left by an interrupted run
  {
    HandleCloser probe;
    if (OpenExisting(path, new_key, &probe).ok()) return false;
  }
  {
    // Fold the log into the file and drop it: nothing under the old key may
    // stay beside the file once it is replaced.
    HandleCloser db;
    CLINIC_RETURN_IF_ERROR(OpenKeyed(path, old_key, /*create=*/false, &db));
    if (sqlite3_exec(db.db, "SELECT count(*) FROM sqlite_master;", nullptr,
                     nullptr, nullptr) != SQLITE_OK) {
      return absl::DataLossError(
          absl::StrCat("neither the old nor the new master key opens ", path));
    }
    if (sqlite3_exec(db.db, "PRAGMA journal_mode = DELETE;", nullptr, nullptr,
                     nullptr) != SQLITE_OK) {
      return absl::InternalError(
          absl::StrCat("cannot fold the write-ahead log into ", path, ": ",
                       sqlite3_errmsg(db.db)));
    }
  }
  if (PathExists(path + "-wal")) {
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     " is still in use (its write-ahead log remains); stop the "
                     "server"));
  }
  CLINIC_RETURN_IF_ERROR(
      SnapshotDatabase(path, old_key, tmp, new_key).status());
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open", tmp);
  const int synced = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (synced != 0) return ErrnoToStatus(sync_errno, "fsync", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return ErrnoToStatus(errno, "rename", tmp);
  }
  CLINIC_RETURN_IF_ERROR(SyncDirectory(DirName(path)));
  return true;
}

absl::StatusOr<int64_t> QueryInt(const std::string& path,
                                 const SecretBytes& key,
                                 absl::string_view sql) {
  HandleCloser db;
  CLINIC_RETURN_IF_ERROR(OpenExisting(path, key, &db));
  CLINIC_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareOne(db.db, sql, path));
  int rc = sqlite3_step(stmt);
  int64_t value = 0;
  if (rc == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return absl::InternalError(
        absl::StrCat("cannot query ", path, ": ", sqlite3_errstr(rc)));
  }
  return value;
}

absl::StatusOr<std::string> QueryBlob(const std::string& path,
                                      const SecretBytes& key,
                                      absl::string_view sql) {
  HandleCloser db;
  CLINIC_RETURN_IF_ERROR(OpenExisting(path, key, &db));
  CLINIC_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareOne(db.db, sql, path));
  int rc = sqlite3_step(stmt);
  std::string value;
  if (rc == SQLITE_ROW) {
    const void* blob = sqlite3_column_blob(stmt, 0);
    int size = sqlite3_column_bytes(stmt, 0);
    if (blob != nullptr) value.assign(static_cast<const char*>(blob), size);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return absl::InternalError(
        absl::StrCat("cannot query ", path, ": ", sqlite3_errstr(rc)));
  }
  return value;
}

}  // namespace storage
}  // namespace clinic
