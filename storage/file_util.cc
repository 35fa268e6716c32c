#include "storage/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "base/status_macros.h"

namespace clinic {
namespace storage {
namespace {

// Closes a file descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

absl::Status WriteAll(int fd, absl::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Writes `contents` to a new file at `path` (O_EXCL), fsyncs and closes it.
absl::Status WriteNewFile(const std::string& path, absl::string_view contents,
                          mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoToStatus(errno, "create", path);
  FdCloser closer(fd);
  // The process umask may have narrowed `mode`; set it exactly.
  if (::fchmod(fd, mode) != 0) return ErrnoToStatus(errno, "chmod", path);
  CLINIC_RETURN_IF_ERROR(WriteAll(fd, contents, path));
  if (::fsync(fd) != 0) return ErrnoToStatus(errno, "fsync", path);
  if (::close(closer.Release()) != 0)
    return ErrnoToStatus(errno, "close", path);
  return absl::OkStatus();
}

}  // namespace

absl::Status ErrnoToStatus(int errno_value, absl::string_view what,
                           absl::string_view path) {
  std::string message = absl::StrCat("cannot ", what, " ", path, ": ",
                                     std::strerror(errno_value));
  switch (errno_value) {
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(
          absl::StrCat(message, " (the disk is full)"));
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::PermissionDeniedError(message);
    case ENOENT:
      return absl::NotFoundError(message);
    case EEXIST:
      return absl::AlreadyExistsError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     int64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open", path);
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoToStatus(errno, "stat", path);
  if (st.st_size > max_bytes) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is ", st.st_size,
                                                      " bytes, more than the ",
                                                      max_bytes, " allowed"));
  }
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = ::read(fd, &out[off], out.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "read", path);
    }
    if (n == 0) break;
    off += static_cast<size_t>(n);
  }
  out.resize(off);
  return out;
}

absl::StatusOr<std::string> ReadFilePrefix(const std::string& path, size_t n) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open", path);
  FdCloser closer(fd);
  std::string out(n, '\0');
  size_t off = 0;
  while (off < n) {
    ssize_t got = ::read(fd, &out[off], n - off);
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoToStatus(errno, "read", path);
    }
    if (got == 0) break;
    off += static_cast<size_t>(got);
  }
  out.resize(off);
  return out;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents, mode_t mode) {
  const std::string dir = DirName(path);
  const std::string tmp = JoinPath(dir, absl::StrCat(".tmp-", RandomId()));
  absl::Status written = WriteNewFile(tmp, contents, mode);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status status = ErrnoToStatus(errno, "rename onto", path);
    ::unlink(tmp.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

absl::Status CreateFileExclusively(const std::string& path,
                                   absl::string_view contents, mode_t mode) {
  if (PathExists(path)) {
    return absl::AlreadyExistsError(absl::StrCat(path, " already exists"));
  }
  // Write beside it, then link(2) into place: link fails if `path` appeared
  // meanwhile, so an existing file is never replaced, and `path` never exists
  // half-written.
  const std::string dir = DirName(path);
  const std::string tmp = JoinPath(dir, absl::StrCat(".tmp-", RandomId()));
  absl::Status written = WriteNewFile(tmp, contents, mode);
  if (!written.ok()) {
    ::unlink(tmp.c_str());
    return written;
  }
  int rc = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) return ErrnoToStatus(link_errno, "create", path);
  return SyncDirectory(dir);
}

absl::Status MakeDirectories(const std::string& path, mode_t mode) {
  if (path.empty()) return absl::InvalidArgumentError("empty directory path");
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(path, " exists and is not a directory"));
  }
  const std::string parent = DirName(path);
  if (parent != path && parent != "." && parent != "/") {
    CLINIC_RETURN_IF_ERROR(MakeDirectories(parent, mode));
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return ErrnoToStatus(errno, "create directory", path);
  }
  return absl::OkStatus();
}

absl::Status SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, "open directory", path);
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return ErrnoToStatus(errno, "fsync directory", path);
  return absl::OkStatus();
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

absl::StatusOr<bool> IsEmptyDirectory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return ErrnoToStatus(errno, "open directory", path);
  bool empty = true;
  while (struct dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") != 0 &&
        std::strcmp(entry->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  ::closedir(dir);
  return empty;
}

absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return ErrnoToStatus(errno, "list", dir);
  }
  while (struct dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name.empty() || name[0] == '.') continue;
    struct stat st;
    if (::lstat(JoinPath(dir, name).c_str(), &st) != 0 ||
        !S_ISREG(st.st_mode)) {
      continue;
    }
    names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<mode_t> FileMode(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoToStatus(errno, "stat", path);
  return st.st_mode & 07777;
}

std::string DirName(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string JoinPath(absl::string_view a, absl::string_view b) {
  if (a.empty()) return std::string(b);
  if (a.back() == '/') return absl::StrCat(a, b);
  return absl::StrCat(a, "/", b);
}

}  // namespace storage
}  // namespace clinic
