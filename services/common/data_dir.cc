#include "services/common/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "services/common/tls.h"
#include "storage/file_util.h"
#include "storage/keyring.h"

namespace clinic {

using storage::JoinPath;

std::string DataDir::master_key() const {
  return JoinPath(root_, "master.key");
}

std::string DataDir::next_master_key() const {
  return storage::JoinPath(root_, "master.key.next");
}
std::string DataDir::tls_dir() const { return JoinPath(root_, "tls"); }
std::string DataDir::db_dir() const { return JoinPath(root_, "db"); }
std::string DataDir::blob_dir() const { return JoinPath(root_, "blobs"); }
std::string DataDir::run_dir() const { return JoinPath(root_, "run"); }

std::string DataDir::DatabasePath(absl::string_view service) const {
  return JoinPath(db_dir(), absl::StrCat(service, ".db"));
}

absl::Status DataDir::Initialize(
    const std::vector<std::string>& extra_server_names,
    const std::string& ca_from) const {
  for (const std::string& dir :
       {root_, tls_dir(), db_dir(), blob_dir(), run_dir()}) {
    CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(dir, 0700));
  }
  const TlsFiles files(tls_dir());
  if (!ca_from.empty() && !storage::PathExists(files.ca_certificate)) {
    const TlsFiles source(ca_from);
    CLINIC_ASSIGN_OR_RETURN(std::string ca_key,
                            storage::ReadFile(source.ca_key, 1 << 20));
    CLINIC_ASSIGN_OR_RETURN(std::string ca_certificate,
                            storage::ReadFile(source.ca_certificate, 1 << 20));
    CLINIC_RETURN_IF_ERROR(
        storage::WriteFileAtomically(files.ca_key, ca_key, 0600));
    CLINIC_RETURN_IF_ERROR(storage::WriteFileAtomically(files.ca_certificate,
                                                        ca_certificate, 0644));
  }
  if (!storage::PathExists(master_key())) {
    CLINIC_RETURN_IF_ERROR(storage::Keyring::CreateMasterKeyFile(master_key()));
  }
  return EnsureTlsMaterial(files, extra_server_names);
}

absl::Status DataDir::CheckReady() const {
  if (!storage::PathExists(root_)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", root_,
        " does not exist; create it with: clinicd init --data_dir ", root_));
  }
  for (const std::string& required :
       {master_key(), TlsFiles(tls_dir()).server_certificate, db_dir(),
        blob_dir()}) {
    if (!storage::PathExists(required)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", root_, " is incomplete (", required,
          " is missing); complete it with: clinicd init --data_dir ", root_));
    }
  }
  if (storage::PathExists(next_master_key())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a master-key rotation of ", root_,
        " was interrupted; finish it (the server must be stopped) with: "
        "clinicd rotate-master-key --data_dir ",
        root_));
  }
  CLINIC_ASSIGN_OR_RETURN(mode_t mode, storage::FileMode(root_));
  if ((mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("data directory %s is open to other users (mode %04o); "
                        "restrict it with: "
                        "chmod 700 %s",
                        root_, mode, root_));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<DataDirLock>> DataDirLock::Acquire(
    const DataDir& dir, Mode mode) {
  if (!storage::PathExists(dir.master_key())) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir.root(), " is not a clinic data directory (no ",
                     dir.master_key(), ")"));
  }
  CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(dir.run_dir()));
  const std::string path = storage::JoinPath(dir.run_dir(), "lock");
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return storage::ErrnoToStatus(errno, "cannot open", path);
  const int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  if (::flock(fd, op) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          mode == Mode::kShared
              ? absl::StrCat("data directory ", dir.root(),
                             " is locked by offline maintenance (a master-key "
                             "rotation); wait for it to finish")
              : absl::StrCat("a server is serving data directory ", dir.root(),
                             "; stop it first"));
    }
    return storage::ErrnoToStatus(error, "cannot lock", path);
  }
  return std::unique_ptr<DataDirLock>(new DataDirLock(fd));
}

DataDirLock::~DataDirLock() { ::close(fd_); }

}  // namespace clinic
