// Recording an event in a stopped server's audit chain, for offline commands
// (restore, master-key rotation): the data directory's audit database is
// opened with `keyring`, the chain continues from its head, and the event is
// appended durably.
#ifndef CLINIC_SERVICES_AUDIT_OFFLINE_AUDIT_H_
#define CLINIC_SERVICES_AUDIT_OFFLINE_AUDIT_H_

#include <functional>

#include "absl/status/status.h"
#include "base/clock.h"
#include "clinic/v1/audit.pb.h"
#include "services/audit/audit_log.h"
#include "services/common/data_dir.h"
#include "storage/keyring.h"

namespace clinic {

// Appends `event` to the audit chain of `dir` (a no-op returning OK when the
// directory has no audit database). `check`, when given, sees the log first
// and may refuse (its error is returned and nothing is appended).
absl::Status AppendOfflineAuditEvent(
    const DataDir& dir, const storage::Keyring& keyring, const Clock* clock,
    v1::AuditEvent event,
    const std::function<absl::Status(AuditLog&)>& check = nullptr);

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUDIT_OFFLINE_AUDIT_H_
