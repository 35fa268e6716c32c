#include "services/common/data_dir.h"

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

}  // namespace clinic
