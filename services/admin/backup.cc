#include "services/admin/backup.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "clinic/v1/audit.pb.h"
#include "services/common/data_dir.h"
#include "storage/file_util.h"
#include "storage/snapshot.h"

namespace clinic {
namespace backup {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  ::remove(path);
  return 0;
}

// Removes the staging folder when the backup ends, however it ends.
struct StagingFolder {
  std::string path;
  ~StagingFolder() {
    if (!path.empty())
      ::nftw(path.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
  }
};

absl::Status CopyFile(const std::string& from, const std::string& to) {
  Fd in, out;
  in.fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in.fd < 0) return storage::ErrnoToStatus(errno, "open", from);
  out.fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out.fd < 0) return storage::ErrnoToStatus(errno, "create", to);
  std::string buffer(1 << 20, '\0');
  while (true) {
    ssize_t n = ::read(in.fd, &buffer[0], buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return storage::ErrnoToStatus(errno, "read", from);
    }
    if (n == 0) return absl::OkStatus();
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.fd, buffer.data() + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        return storage::ErrnoToStatus(errno, "write", to);
      }
      done += w;
    }
  }
}

// Pins every committed blob of `blob_dir` not yet in `pinned` into `staging`:
// a hard link (a copy across file systems). A blob deleted meanwhile is
// skipped.
absl::Status PinBlobs(const std::string& blob_dir, const std::string& staging,
                      std::set<std::string>* pinned) {
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> names,
                          storage::ListFiles(blob_dir));
  for (const std::string& name : names) {
    if (pinned->count(name) != 0) continue;
    if (!IsValidArchivePath(absl::StrCat("blobs/", name))) continue;
    std::string from = storage::JoinPath(blob_dir, name);
    std::string to = storage::JoinPath(staging, name);
    if (::link(from.c_str(), to.c_str()) != 0) {
      if (errno == ENOENT) continue;
      if (errno == EXDEV || errno == EPERM || errno == EMLINK) {
        absl::Status copied = CopyFile(from, to);
        if (copied.code() == absl::StatusCode::kNotFound) continue;
        CLINIC_RETURN_IF_ERROR(copied);
      } else {
        return storage::ErrnoToStatus(errno, "link", to);
      }
    }
    pinned->insert(name);
  }
  return absl::OkStatus();
}

struct PlannedFile {
  std::string archive_path;
  std::string disk_path;
  int64_t size = 0;
};

absl::StatusOr<int64_t> FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return storage::ErrnoToStatus(errno, "stat", path);
  }
  return static_cast<int64_t>(st.st_size);
}

}  // namespace

absl::StatusOr<v1::BackupManifest> CreateBackup(const BackupSource& source,
                                                const BackupSink& sink) {
  if (source.keyring == nullptr || source.clock == nullptr) {
    return absl::InvalidArgumentError("a backup needs a keyring and a clock");
  }
  CLINIC_ASSIGN_OR_RETURN(auto keys, BackupKeys::FromKeyring(*source.keyring));
  const DataDir dir(source.data_dir);
  StagingFolder staging;
  staging.path =
      storage::JoinPath(dir.run_dir(), absl::StrCat("backup-", RandomId()));
  const std::string staged_db = storage::JoinPath(staging.path, "db");
  const std::string staged_blobs = storage::JoinPath(staging.path, "blobs");
  CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(staged_db, 0700));
  CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(staged_blobs, 0700));

  v1::BackupManifest manifest;
  std::set<std::string> pinned;
  CLINIC_RETURN_IF_ERROR(PinBlobs(dir.blob_dir(), staged_blobs, &pinned));
  *manifest.mutable_snapshot_time() = ToProtoTime(source.clock->Now());
  manifest.set_server_version(source.server_version);

  std::vector<PlannedFile> files;
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> db_names,
                          storage::ListFiles(dir.db_dir()));
  for (const std::string& name : db_names) {
    std::string path = absl::StrCat("db/", name);
    if (!IsValidArchivePath(path)) continue;  // -wal, -shm, foreign files
    std::string service = name.substr(0, name.size() - 3);
    SecretBytes key = source.keyring->DatabaseKey(service);
    std::string copy = storage::JoinPath(staged_db, name);
    CLINIC_ASSIGN_OR_RETURN(
        storage::SnapshotInfo info,
        storage::SnapshotDatabase(storage::JoinPath(dir.db_dir(), name), key,
                                  copy, key));
    files.push_back({path, copy, info.bytes});
    if (service == "audit") {
      CLINIC_ASSIGN_OR_RETURN(
          int64_t sequence,
          storage::QueryInt(copy, key,
                            "SELECT coalesce(max(sequence), 0) FROM events"));
      std::string hash(32, '\0');
      if (sequence > 0) {
        CLINIC_ASSIGN_OR_RETURN(
            std::string record,
            storage::QueryBlob(
                copy, key,
                "SELECT record FROM events ORDER BY sequence DESC LIMIT 1"));
        v1::AuditEvent event;
        if (!event.ParseFromString(record)) {
          return absl::DataLossError(
              "the last audit event of the snapshot cannot be read");
        }
        hash = event.hash();
      }
      manifest.set_audit_sequence(sequence);
      manifest.set_audit_hash(hash);
    }
  }
  CLINIC_RETURN_IF_ERROR(PinBlobs(dir.blob_dir(), staged_blobs, &pinned));
  for (const std::string& name : pinned) {
    std::string disk = storage::JoinPath(staged_blobs, name);
    CLINIC_ASSIGN_OR_RETURN(int64_t size, FileSize(disk));
    files.push_back({absl::StrCat("blobs/", name), disk, size});
  }
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> tls_names,
                          storage::ListFiles(dir.tls_dir()));
  for (const std::string& name : tls_names) {
    std::string path = absl::StrCat("tls/", name);
    std::string disk = storage::JoinPath(dir.tls_dir(), name);
    if (!IsValidArchivePath(path)) continue;
    CLINIC_ASSIGN_OR_RETURN(int64_t size, FileSize(disk));
    files.push_back({path, disk, size});
  }

  int64_t total = 0;
  for (const PlannedFile& file : files) total += file.size;
  int64_t done = 0;
  std::string out;
  CLINIC_ASSIGN_OR_RETURN(auto writer, ArchiveWriter::Create(keys.get(), &out));
  CLINIC_RETURN_IF_ERROR(sink(out, done, total));
  out.clear();

  std::string buffer(std::max<size_t>(source.chunk_bytes, 4096), '\0');
  for (const PlannedFile& file : files) {
    Fd in;
    in.fd = ::open(file.disk_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in.fd < 0) return storage::ErrnoToStatus(errno, "open", file.disk_path);
    CLINIC_RETURN_IF_ERROR(
        writer->BeginFile(file.archive_path, file.size, &out));
    int64_t remaining = file.size;
    while (remaining > 0) {
      size_t want =
          static_cast<size_t>(std::min<int64_t>(remaining, buffer.size()));
      ssize_t n = ::read(in.fd, &buffer[0], want);
      if (n < 0) {
        if (errno == EINTR) continue;
        return storage::ErrnoToStatus(errno, "read", file.disk_path);
      }
      if (n == 0) {
        return absl::InternalError(absl::StrCat(
            file.disk_path, " became shorter while it was being archived"));
      }
      CLINIC_RETURN_IF_ERROR(
          writer->AddData(absl::string_view(buffer.data(), n), &out));
      remaining -= n;
      done += n;
      if (out.size() >= source.chunk_bytes) {
        CLINIC_RETURN_IF_ERROR(sink(out, done, total));
        out.clear();
      }
    }
    CLINIC_RETURN_IF_ERROR(writer->EndFile());
  }
  CLINIC_RETURN_IF_ERROR(writer->Finish(&manifest, &out));
  CLINIC_RETURN_IF_ERROR(sink(out, done, total));
  return manifest;
}

absl::StatusOr<v1::BackupManifest> CreateBackupFile(const BackupSource& source,
                                                    const std::string& path) {
  Fd out;
  out.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out.fd < 0) return storage::ErrnoToStatus(errno, "create", path);
  absl::StatusOr<v1::BackupManifest> manifest = CreateBackup(
      source, [&](absl::string_view chunk, int64_t, int64_t) -> absl::Status {
        while (!chunk.empty()) {
          ssize_t n = ::write(out.fd, chunk.data(), chunk.size());
          if (n < 0) {
            if (errno == EINTR) continue;
            return storage::ErrnoToStatus(errno, "write", path);
          }
          chunk.remove_prefix(static_cast<size_t>(n));
        }
        return absl::OkStatus();
      });
  if (manifest.ok() && ::fsync(out.fd) != 0) {
    manifest = storage::ErrnoToStatus(errno, "fsync", path);
  }
  if (!manifest.ok()) ::unlink(path.c_str());
  return manifest;
}

}  // namespace backup
}  // namespace clinic
