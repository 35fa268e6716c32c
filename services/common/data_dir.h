// The layout of a server's data directory, and its creation (`clinicd init`).
//
//   <root>/                 mode 0700
//     master.key            the master key (0600); every other key derives from
//     it tls/                  ca.crt, ca.key, server.crt/.key, client.crt/.key
//     db/<service>.db       one SQLCipher database per service
//     blobs/                encrypted document blobs
//     run/                  runtime files (port files)
//
// Thread-safe (no shared state).
#ifndef CLINIC_SERVICES_COMMON_DATA_DIR_H_
#define CLINIC_SERVICES_COMMON_DATA_DIR_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace clinic {

class DataDir {
 public:
  explicit DataDir(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string master_key() const;
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
  // was initialised and is private to its owner.
  absl::Status CheckReady() const;

 private:
  std::string root_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_DATA_DIR_H_
