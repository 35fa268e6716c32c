#include "services/admin/restore.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/admin/backup_archive.h"
#include "services/audit/offline_audit.h"
#include "services/common/data_dir.h"
#include "storage/file_util.h"
#include "storage/keyring.h"

namespace clinic {
namespace backup {

absl::StatusOr<v1::BackupManifest> RestoreServer(
    const std::string& archive, const std::string& master_key_file,
    const std::string& target_dir, const Clock* clock) {
  CLINIC_ASSIGN_OR_RETURN(v1::BackupManifest manifest,
                          RestoreBackup(archive, master_key_file, target_dir));
  const DataDir dir(target_dir);
  absl::Status recorded = [&]() -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto keyring,
                            storage::Keyring::Load(dir.master_key()));
    v1::AuditEvent event;
    event.set_method("clinicd restore");
    event.set_action(v1::AUDIT_ACTION_ADMIN);
    event.set_service("admin");
    event.add_resources(absl::StrCat("backups/", manifest.key_id(), "-",
                                     manifest.snapshot_time().seconds()));
    event.set_reason(absl::StrCat(
        "restored from backup; archived chain head ", manifest.audit_sequence(),
        " ", absl::BytesToHexString(manifest.audit_hash())));
    return AppendOfflineAuditEvent(
        dir, *keyring, clock, std::move(event),
        [&](AuditLog& log) -> absl::Status {
          auto head = log.head();
          if (head.first != manifest.audit_sequence() ||
              head.second != manifest.audit_hash()) {
            return absl::DataLossError(
                "the restored audit chain head differs from the manifest's");
          }
          return absl::OkStatus();
        });
  }();
  if (!recorded.ok()) {
    return absl::Status(
        recorded.code(),
        absl::StrCat("the backup was restored into ", target_dir,
                     " but the restore could not be recorded in its audit "
                     "chain: ",
                     recorded.message()));
  }
  return manifest;
}

}  // namespace backup
}  // namespace clinic
