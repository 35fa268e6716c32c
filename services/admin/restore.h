// `clinicd restore`: a new data directory from a backup archive, with the
// restore recorded in the restored audit chain.
//
// Thread-safe (no shared state). Offline: the target must not be served while
// this runs.
#ifndef CLINIC_SERVICES_ADMIN_RESTORE_H_
#define CLINIC_SERVICES_ADMIN_RESTORE_H_

#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "clinic/v1/admin.pb.h"

namespace clinic {
namespace backup {

// backup::RestoreBackup (see backup_archive.h: verify everything first, empty
// target only, undone on error), then appends to the restored audit chain one
// event (method "clinicd restore", action ADMIN, resource
// "backups/<key_id>-<snapshot unix seconds>", reason naming the archived
// chain head) so the chain continues from the archived head and shows that
// the server was restored, and when. The archive has been restored when this
// returns an error from the audit step (the message says so).
absl::StatusOr<v1::BackupManifest> RestoreServer(
    const std::string& archive, const std::string& master_key_file,
    const std::string& target_dir, const Clock* clock = Clock::Real());

}  // namespace backup
}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_RESTORE_H_
