// The layout of a server's data directory, and its creation (`clinicd init`).
//
//   <root>/                 mode 0700
//     master.key            the master key (0600); every other key derives from
//     it tls/                  ca.crt, ca.key, server.crt/.key, client.crt/.key
//     db/<service>.db       one SQLCipher database per service
//     blobs/                encrypted document blobs
//     run/                  runtime files (port files, the serving lock)
//     master.key.next       only while a master-key rotation is under way
//
// Thread-safe (no shared state).
#ifndef CLINIC_SERVICES_COMMON_DATA_DIR_H_
#define CLINIC_SERVICES_COMMON_DATA_DIR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {

class DataDir {
 public:
  explicit DataDir(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string master_key() const;
  // The new master key while a rotation is under way (see
  // services/admin/key_rotation.h).
  std::string next_master_key() const;
  std::string tls_dir() const;
  std::string db_dir() const;
  std::string blob_dir() const;
  std::string run_dir() const;
  // <root>/db/<service>.db
  std::string DatabasePath(absl::string_view service) const;

  // Creates whatever is missing: directories, master key, TLS material (the
  // server certificate also names `extra_server_names`). Never replaces an
  // existing key or certificate. Safe to run again on a complete directory.
  //
  // With `ca_from` (another data directory's tls/ folder), this directory's
  // certificates are issued by that directory's CA instead of a new one: how
  // the services of a split deployment come to trust each other (mutual TLS)
  // and clients need only one CA certificate.
  absl::Status Initialize(const std::vector<std::string>& extra_server_names,
                          const std::string& ca_from = "") const;

  // FAILED_PRECONDITION, with the command that fixes it, unless the directory
  // was initialised, is private to its owner, and no master-key rotation was
  // left unfinished.
  absl::Status CheckReady() const;

 private:
  std::string root_;
};

// An advisory lock on a data directory (flock on <root>/run/lock), held for
// the object's lifetime and released by the kernel if the process dies.
// Servers hold it shared (several service processes may serve one directory);
// offline work that must be alone with the files (master-key rotation) holds
// it exclusively.
class DataDirLock {
 public:
  enum class Mode { kShared, kExclusive };
  // FAILED_PRECONDITION naming what holds it when the lock is taken in a
  // conflicting mode (never waits).
  static absl::StatusOr<std::unique_ptr<DataDirLock>> Acquire(
      const DataDir& dir, Mode mode);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_DATA_DIR_H_
