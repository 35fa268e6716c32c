#include "services/audit/offline_audit.h"

#include <memory>
#include <utility>

#include "base/status_macros.h"
#include "storage/database.h"
#include "storage/file_util.h"

namespace clinic {

absl::Status AppendOfflineAuditEvent(
    const DataDir& dir, const storage::Keyring& keyring, const Clock* clock,
    v1::AuditEvent event, const std::function<absl::Status(AuditLog&)>& check) {
  const std::string path = dir.DatabasePath("audit");
  if (!storage::PathExists(path)) return absl::OkStatus();
  storage::Database::Options options;
  options.label = "audit database";
  options.create_if_missing = false;
  options.read_connections = 1;
  options.migrations = AuditLog::Migrations();
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::Database> db,
      storage::Database::Open(path, keyring.DatabaseKey("audit"),
                              std::move(options)));
  AuditLog::Options log_options;
  log_options.clock = clock;
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<AuditLog> log,
                          AuditLog::Create(std::move(db), log_options));
  if (check) CLINIC_RETURN_IF_ERROR(check(*log));
  return log->Append(std::move(event));
}

}  // namespace clinic
