// Rotating the master key of a stopped server's data directory
// (`clinicd rotate-master-key`).
//
// Every key derives from the master key (storage/keyring.h), so a new master
// key means: every SQLCipher database re-encrypted under its new derived key,
// and every document's data key re-wrapped by the new key-encryption keys.
// Blobs are not touched (their data keys do not change). The steps, each
// durable before the next, so that a crash or kill anywhere leaves a directory
// that running the command again finishes:
//
//   1. master.key.next: a new key from the CSPRNG, created once (a resumed
//      rotation reuses it). While it exists the server refuses to start.
//   2. Each database in db/: re-encrypted by storage::RekeyDatabaseFile
//      (wholly under one key or the other at every instant; skipped when the
//      new key already opens it).
//   3. Each document data key that the new key-encryption key does not unwrap
//      is unwrapped with the old one and re-wrapped with the new (same KEK
//      version), in transactions of rewrap_batch keys; then the write-ahead log
//      is checkpointed so no old wrapping lingers there.
//   4. The rotation is recorded in the audit chain.
//   5. The old key is kept as master.key.retired-<UTC time> (mode 0600; backup
//      archives taken before the rotation can be verified and restored only
//      with it: move it off the server, to where the backups are kept), and
//      master.key.next is renamed over master.key.
//
// The data directory is locked exclusively meanwhile (a serving process holds
// it shared): FAILED_PRECONDITION if a server is running on it.
#ifndef CLINIC_SERVICES_ADMIN_KEY_ROTATION_H_
#define CLINIC_SERVICES_ADMIN_KEY_ROTATION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"

namespace clinic {

struct KeyRotationReport {
  // True when this run finished an interrupted rotation.
  bool resumed = false;
  int databases_rekeyed = 0;
  int databases_already_rekeyed = 0;
  int64_t document_keys_rewrapped = 0;
  // Where the old key was kept.
  std::string retired_key_file;
};

struct KeyRotationOptions {
  // Tests: stop with ABORTED after this many durable steps, as if killed
  // there (-1: run to the end).
  int stop_after_steps = -1;
  int rewrap_batch = 200;
};

absl::StatusOr<KeyRotationReport> RotateMasterKey(
    const std::string& data_dir, const Clock* clock,
    const KeyRotationOptions& options = KeyRotationOptions());

}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_KEY_ROTATION_H_
