#include "storage/blob/local_blob_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

constexpr char kTempPrefix[] = ".tmp-";

class LocalBlobWriter : public BlobWriter {
 public:
  LocalBlobWriter(int fd, std::string dir, std::string temp_path,
                  std::string final_path)
      : fd_(fd),
        dir_(std::move(dir)),
        temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)) {}
  ~LocalBlobWriter() override { Abort(); }

  absl::Status Append(absl::string_view data) override {
    if (fd_ < 0) return absl::FailedPreconditionError("blob writer is closed");
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        absl::Status s = ErrnoToStatus(errno, "write", "blob");
        Abort();
        return s;
      }
      data.remove_prefix(static_cast<size_t>(n));
      written_ += n;
    }
    // Start writing back what is dirty now, without waiting, so that the
    // fsync in Commit has little left to do (Linux only; a hint).
    if (written_ - flushed_ >= kWritebackBytes) {
      ::sync_file_range(fd_, flushed_, written_ - flushed_,
                        SYNC_FILE_RANGE_WRITE);
      flushed_ = written_;
    }
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    if (fd_ < 0) return absl::FailedPreconditionError("blob writer is closed");
    if (written_ > flushed_) {
      ::sync_file_range(fd_, flushed_, written_ - flushed_,
                        SYNC_FILE_RANGE_WRITE);
    }
    if (::fdatasync(fd_) != 0) {
      absl::Status s = ErrnoToStatus(errno, "fsync", "blob");
      Abort();
      return s;
    }
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      absl::Status s = ErrnoToStatus(errno, "close", "blob");
      ::unlink(temp_path_.c_str());
      return s;
    }
    // link() refuses to replace an existing blob, unlike rename(); the
    // temporary name is then removed. Both are made durable by the directory
    // fsync.
    if (::link(temp_path_.c_str(), final_path_.c_str()) != 0) {
      if ((errno == EPERM || errno == EOPNOTSUPP) &&
          ::rename(temp_path_.c_str(), final_path_.c_str()) == 0) {
        // A filesystem without hard links: plain rename (names are random, so
        // replacing an existing blob cannot happen in practice).
        committed_ = true;
        return SyncDirectory(dir_);
      }
      absl::Status s = ErrnoToStatus(errno, "commit", "blob");
      ::unlink(temp_path_.c_str());
      return s;
    }
    ::unlink(temp_path_.c_str());
    committed_ = true;
    absl::Status synced = SyncDirectory(dir_);
    if (!synced.ok()) {
      ::unlink(final_path_.c_str());
      return synced;
    }
    return absl::OkStatus();
  }

  void Abort() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!committed_ && !aborted_) {
      aborted_ = true;
      ::unlink(temp_path_.c_str());
    }
  }

  int64_t bytes_written() const override { return written_; }

 private:
  int fd_;
  const std::string dir_;
  const std::string temp_path_;
  const std::string final_path_;
  static constexpr int64_t kWritebackBytes = 256 << 10;
  int64_t written_ = 0;
  int64_t flushed_ = 0;
  bool committed_ = false;
  bool aborted_ = false;
};

class LocalBlobReader : public BlobReader {
 public:
  LocalBlobReader(int fd, int64_t size) : fd_(fd), size_(size) {}
  ~LocalBlobReader() override { ::close(fd_); }

  int64_t size() const override { return size_; }

  absl::Status ReadAt(int64_t offset, size_t n, std::string* out) override {
    out->resize(n);
    size_t done = 0;
    while (done < n) {
      ssize_t got = ::pread(fd_, &(*out)[done], n - done,
                            static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return ErrnoToStatus(errno, "read", "blob");
      }
      if (got == 0) {
        out->resize(done);
        return absl::DataLossError("blob ends before the expected length");
      }
      done += static_cast<size_t>(got);
    }
    return absl::OkStatus();
  }

 private:
  int fd_;
  int64_t size_;
};

}  // namespace

absl::Status ValidateBlobName(absl::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError("blob name must be 1..64 characters");
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return absl::InvalidArgumentError("blob name must be [a-z0-9]");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LocalBlobStore>> LocalBlobStore::OpenDirectory(
    const std::string& dir) {
  CLINIC_RETURN_IF_ERROR(MakeDirectories(dir, 0700));
  return std::unique_ptr<LocalBlobStore>(new LocalBlobStore(dir));
}

std::string LocalBlobStore::PathOf(absl::string_view name) const {
  return JoinPath(dir_, name);
}

absl::StatusOr<std::unique_ptr<BlobWriter>> LocalBlobStore::Create(
    absl::string_view name) {
  CLINIC_RETURN_IF_ERROR(ValidateBlobName(name));
  std::string final_path = PathOf(name);
  if (PathExists(final_path)) {
    return absl::AlreadyExistsError("a blob of that name exists");
  }
  std::string temp_path = JoinPath(dir_, absl::StrCat(kTempPrefix, RandomId()));
  int fd =
      ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoToStatus(errno, "create", temp_path);
  return std::unique_ptr<BlobWriter>(new LocalBlobWriter(
      fd, dir_, std::move(temp_path), std::move(final_path)));
}

absl::StatusOr<std::unique_ptr<BlobReader>> LocalBlobStore::Open(
    absl::string_view name) {
  CLINIC_RETURN_IF_ERROR(ValidateBlobName(name));
  std::string path = PathOf(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError("blob not found");
    return ErrnoToStatus(errno, "open", "blob");
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    absl::Status s = ErrnoToStatus(errno, "stat", "blob");
    ::close(fd);
    return s;
  }
  return std::unique_ptr<BlobReader>(
      new LocalBlobReader(fd, static_cast<int64_t>(st.st_size)));
}

absl::Status LocalBlobStore::Delete(absl::string_view name) {
  CLINIC_RETURN_IF_ERROR(ValidateBlobName(name));
  std::string path = PathOf(name);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return absl::NotFoundError("blob not found");
    return ErrnoToStatus(errno, "delete", "blob");
  }
  return SyncDirectory(dir_);
}

namespace {

// Calls `fn(entry name)` for every entry of `dir` but "." and "..".
template <typename Fn>
absl::Status ForEachEntry(const std::string& dir, Fn fn) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoToStatus(errno, "open directory", dir);
  while (struct dirent* e = ::readdir(d)) {
    absl::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    fn(std::string(name));
  }
  ::closedir(d);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> LocalBlobStore::List() {
  std::vector<std::string> names;
  CLINIC_RETURN_IF_ERROR(ForEachEntry(dir_, [&](std::string name) {
    if (ValidateBlobName(name).ok()) names.push_back(std::move(name));
  }));
  return names;
}

absl::StatusOr<int> LocalBlobStore::SweepIncomplete() {
  std::vector<std::string> temps;
  CLINIC_RETURN_IF_ERROR(ForEachEntry(dir_, [&](std::string name) {
    if (absl::StartsWith(name, kTempPrefix)) temps.push_back(std::move(name));
  }));
  for (const std::string& t : temps) {
    std::string path = JoinPath(dir_, t);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return ErrnoToStatus(errno, "remove", path);
    }
  }
  if (!temps.empty()) CLINIC_RETURN_IF_ERROR(SyncDirectory(dir_));
  return static_cast<int>(temps.size());
}

}  // namespace storage
}  // namespace clinic
