#include "services/admin/key_rotation.h"

#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/secret.h"
#include "base/status_macros.h"
#include "services/audit/audit_log.h"
#include "services/audit/offline_audit.h"
#include "services/common/data_dir.h"
#include "services/common/erasure.h"
#include "services/document/document_store.h"
#include "storage/crypto/key_wrap.h"
#include "storage/crypto/sha256.h"
#include "storage/database.h"
#include "storage/file_util.h"
#include "storage/keyring.h"
#include "storage/snapshot.h"

namespace clinic {
namespace {

// Counts durable steps; fails like a kill once the test's budget is spent.
class StepBudget {
 public:
  explicit StepBudget(int limit) : limit_(limit) {}
  absl::Status Done() {
    ++taken_;
    if (limit_ >= 0 && taken_ >= limit_) {
      return absl::AbortedError(
          absl::StrCat("stopped after ", taken_, " steps (test)"));
    }
    return absl::OkStatus();
  }

 private:
  const int limit_;
  int taken_ = 0;
};

// "<db_dir>/<name>.db" files, sorted.
absl::StatusOr<std::vector<std::string>> DatabaseFiles(const DataDir& dir) {
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> names,
                          storage::ListFiles(dir.db_dir()));
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (absl::EndsWith(name, ".db")) {
      out.push_back(storage::JoinPath(dir.db_dir(), name));
    }
  }
  return out;
}

// Step 3: re-wraps every data key the new KEKs do not open yet.
absl::StatusOr<int64_t> RewrapDocumentKeys(const DataDir& dir,
                                           const storage::Keyring& old_keys,
                                           const storage::Keyring& new_keys,
                                           int batch, StepBudget& budget) {
  const std::string path = dir.DatabasePath("document");
  if (!storage::PathExists(path)) return 0;
  storage::Database::Options options;
  options.label = "document database";
  options.create_if_missing = false;
  options.read_connections = 1;
  options.migrations = document_store::Migrations();
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::Database> db,
      storage::Database::Open(path, new_keys.DatabaseKey("document"),
                              std::move(options)));
  const storage::KeyWrapper old_wrapper(old_keys), new_wrapper(new_keys);
  int64_t rewrapped = 0;
  std::string after_document;
  int64_t after_version = 0;
  while (true) {
    bool more = false;
    int64_t in_batch = 0;
    CLINIC_RETURN_IF_ERROR(
        db->Write([&](storage::Connection& c) -> absl::Status {
          in_batch = 0;
          CLINIC_ASSIGN_OR_RETURN(std::vector<document_store::VersionRow> rows,
                                  document_store::VersionsAfter(
                                      c, after_document, after_version, batch));
          more = static_cast<int>(rows.size()) == batch;
          for (const document_store::VersionRow& row : rows) {
            const std::string context =
                document_store::WrappedKeyContext(row.document_id, row.version);
            if (new_wrapper.Unwrap(row.kek_version, row.wrapped_key, context)
                    .ok()) {
              continue;  // done by an interrupted run
            }
            absl::StatusOr<SecretBytes> key =
                old_wrapper.Unwrap(row.kek_version, row.wrapped_key, context);
            if (!key.ok()) {
              return absl::DataLossError(absl::StrCat(
                  "the data key of cases/-/documents/", row.document_id,
                  "/versions/", row.version,
                  " opens with neither the old nor the new master key"));
            }
            CLINIC_ASSIGN_OR_RETURN(
                std::string wrapped,
                new_wrapper.Wrap(row.kek_version, *key, context));
            CLINIC_RETURN_IF_ERROR(document_store::UpdateWrappedKey(
                c, row.document_id, row.version, row.kek_version, wrapped));
            ++in_batch;
          }
          if (!rows.empty()) {
            after_document = rows.back().document_id;
            after_version = rows.back().version;
          }
          return absl::OkStatus();
        }));
    rewrapped += in_batch;
    if (in_batch > 0) CLINIC_RETURN_IF_ERROR(budget.Done());
    if (!more) break;
  }
  FlushErased(*db);
  return rewrapped;
}

constexpr char kRotationMethod[] = "clinicd rotate-master-key";

// Names one rotation in the audit chain, the same in every resumed run: a
// digest of a key derived from the new master key for this purpose only, so
// it reveals nothing of any key in use.
std::string RotationId(const storage::Keyring& new_keys) {
  const SecretBytes derived = new_keys.DatabaseKey("audit rotation record");
  return absl::StrCat(
      "rotation-",
      absl::BytesToHexString(storage::Sha256(derived.view()).substr(0, 8)));
}

// Step 5: keeps the old key beside the data and puts the new one in place.
absl::StatusOr<std::string> SwapKeys(const DataDir& dir, const Clock* clock) {
  CLINIC_ASSIGN_OR_RETURN(std::string old_key_file,
                          storage::ReadFile(dir.master_key(), 4096));
  const std::string retired = absl::StrCat(
      dir.master_key(), ".retired-",
      absl::FormatTime("%Y%m%dT%H%M%SZ", clock->Now(), absl::UTCTimeZone()));
  absl::Status kept = storage::WriteFileAtomically(retired, old_key_file, 0600);
  std::fill(old_key_file.begin(), old_key_file.end(), '\0');
  CLINIC_RETURN_IF_ERROR(kept);
  if (::rename(dir.next_master_key().c_str(), dir.master_key().c_str()) != 0) {
    return storage::ErrnoToStatus(errno, "rename", dir.next_master_key());
  }
  CLINIC_RETURN_IF_ERROR(storage::SyncDirectory(dir.root()));
  return retired;
}

}  // namespace

absl::StatusOr<KeyRotationReport> RotateMasterKey(
    const std::string& data_dir, const Clock* clock,
    const KeyRotationOptions& options) {
  const DataDir dir(data_dir);
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<DataDirLock> lock,
      DataDirLock::Acquire(dir, DataDirLock::Mode::kExclusive));
  StepBudget budget(options.stop_after_steps);
  KeyRotationReport report;

  // 1. The new key.
  report.resumed = storage::PathExists(dir.next_master_key());
  if (!report.resumed) {
    CLINIC_RETURN_IF_ERROR(
        storage::Keyring::CreateMasterKeyFile(dir.next_master_key()));
    CLINIC_RETURN_IF_ERROR(budget.Done());
  }
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<storage::Keyring> old_keys,
                          storage::Keyring::Load(dir.master_key()));
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<storage::Keyring> new_keys,
                          storage::Keyring::Load(dir.next_master_key()));

  // 2. Every database.
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> databases,
                          DatabaseFiles(dir));
  for (const std::string& path : databases) {
    std::string service = path.substr(dir.db_dir().size() + 1);
    service.resize(service.size() - 3);  // ".db"
    CLINIC_ASSIGN_OR_RETURN(
        bool rekeyed,
        storage::RekeyDatabaseFile(path, old_keys->DatabaseKey(service),
                                   new_keys->DatabaseKey(service)));
    if (rekeyed) {
      ++report.databases_rekeyed;
      CLINIC_RETURN_IF_ERROR(budget.Done());
    } else {
      ++report.databases_already_rekeyed;
    }
  }

  // 3. Document data keys.
  CLINIC_ASSIGN_OR_RETURN(
      report.document_keys_rewrapped,
      RewrapDocumentKeys(dir, *old_keys, *new_keys,
                         std::max(1, options.rewrap_batch), budget));

  // 4. The audit record, once per rotation: a run resumed after this step
  // finds its record and does not add another.
  const std::string rotation_id = RotationId(*new_keys);
  v1::AuditEvent event;
  event.set_request_id(rotation_id);
  event.set_method(kRotationMethod);
  event.set_action(v1::AUDIT_ACTION_ADMIN);
  event.set_service("admin");
  event.set_reason(absl::StrCat(
      "master key rotated: ", databases.size(), " databases re-encrypted, ",
      "document keys re-wrapped", report.resumed ? " (resumed)" : ""));
  absl::Status recorded = AppendOfflineAuditEvent(
      dir, *new_keys, clock, std::move(event),
      [&](AuditLog& log) -> absl::Status {
        AuditLog::Filter filter;
        filter.method = kRotationMethod;
        bool found = false;
        CLINIC_RETURN_IF_ERROR(log.Scan(filter, [&](const v1::AuditEvent& e) {
          found = e.request_id() == rotation_id;
          return !found;
        }));
        return found ? absl::AlreadyExistsError("recorded") : absl::OkStatus();
      });
  if (!recorded.ok() && !absl::IsAlreadyExists(recorded)) return recorded;
  CLINIC_RETURN_IF_ERROR(budget.Done());

  // 5. The swap.
  CLINIC_ASSIGN_OR_RETURN(report.retired_key_file, SwapKeys(dir, clock));
  return report;
}

}  // namespace clinic
