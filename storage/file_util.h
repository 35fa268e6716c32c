// Durable file operations on the local filesystem.
//
// Writes that must survive a crash go through WriteFileAtomically (temporary
// file, fsync, rename, fsync of the directory): a reader sees the old contents
// or the new, never a mix. Errors map errno to status codes: ENOSPC/EDQUOT ->
// RESOURCE_EXHAUSTED, EACCES/EPERM -> PERMISSION_DENIED, ENOENT -> NOT_FOUND,
// EEXIST -> ALREADY_EXISTS, others -> INTERNAL. Messages name the path and the
// system's reason. Thread-safe (no shared state).
#ifndef CLINIC_STORAGE_FILE_UTIL_H_
#define CLINIC_STORAGE_FILE_UTIL_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {
namespace storage {

// Status for a failed system call on `path`, from `errno_value`.
absl::Status ErrnoToStatus(int errno_value, absl::string_view what,
                           absl::string_view path);

// Whole file; FAILED_PRECONDITION if it is larger than `max_bytes`.
absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     int64_t max_bytes = 64 << 20);

// The first `n` bytes of the file (fewer if it is shorter).
absl::StatusOr<std::string> ReadFilePrefix(const std::string& path, size_t n);

// Replaces `path` with `contents` atomically and durably, with permissions
// `mode`.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents,
                                 mode_t mode = 0600);

// Creates `path` with `contents` and `mode`; ALREADY_EXISTS if it exists (never
// overwrites). Durable like WriteFileAtomically.
absl::Status CreateFileExclusively(const std::string& path,
                                   absl::string_view contents,
                                   mode_t mode = 0600);

// Creates `path` (and missing parents) with `mode`; OK if it already is a
// directory.
absl::Status MakeDirectories(const std::string& path, mode_t mode = 0700);

// fsync(2) of a directory, making renames and creations in it durable.
absl::Status SyncDirectory(const std::string& path);

// True if something exists at `path`.
bool PathExists(const std::string& path);

// True if `path` is a directory with no entries.
absl::StatusOr<bool> IsEmptyDirectory(const std::string& path);

// Names of the regular files in `dir`, sorted, without hidden ones (unfinished
// writes are ".tmp-*"); empty if `dir` does not exist.
absl::StatusOr<std::vector<std::string>> ListFiles(const std::string& dir);

// Permission bits (st_mode & 07777) of `path`.
absl::StatusOr<mode_t> FileMode(const std::string& path);

// Directory part of `path` ("." if none).
std::string DirName(absl::string_view path);

// `a` + "/" + `b`, without doubling slashes.
std::string JoinPath(absl::string_view a, absl::string_view b);

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_FILE_UTIL_H_
