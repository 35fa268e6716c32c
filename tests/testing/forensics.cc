#include "tests/testing/forensics.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/data_dir.h"
#include "services/document/document_store.h"
#include "storage/crypto/key_wrap.h"
#include "storage/crypto/segmented_aead.h"
#include "storage/database.h"
#include "storage/keyring.h"
#include "storage/snapshot.h"

namespace clinic {
namespace testing {

absl::StatusOr<int64_t> QueryServiceDatabase(const std::string& data_dir,
                                             const std::string& service,
                                             const std::string& sql) {
  DataDir dir(data_dir);
  CLINIC_ASSIGN_OR_RETURN(auto keyring,
                          storage::Keyring::Load(dir.master_key()));
  return storage::QueryInt(dir.DatabasePath(service),
                           keyring->DatabaseKey(service), sql);
}

absl::StatusOr<KeySearch> TryEveryStoredKey(const std::string& data_dir,
                                            const std::string& doc_id,
                                            int64_t version,
                                            const std::string& blob) {
  DataDir dir(data_dir);
  CLINIC_ASSIGN_OR_RETURN(auto keyring,
                          storage::Keyring::Load(dir.master_key()));
  storage::Database::Options options;
  options.create_if_missing = false;
  options.migrations = document_store::Migrations();
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::Database> db,
      storage::Database::Open(dir.DatabasePath("document"),
                              keyring->DatabaseKey("document"),
                              std::move(options)));
  storage::KeyWrapper wrapper(*keyring);
  KeySearch found;
  CLINIC_RETURN_IF_ERROR(db->Read([&](storage::Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        storage::Statement s,
        c.Prepare("SELECT document_id, version, kek_version, wrapped_key "
                  "FROM versions"));
    while (true) {
      CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return absl::OkStatus();
      if (s.ColumnText(0) == doc_id) ++found.keys_for_document;
      auto key =
          wrapper.Unwrap(static_cast<int>(s.ColumnInt(2)), s.ColumnBlob(3),
                         absl::StrCat(s.ColumnText(0), "/", s.ColumnInt(1)));
      if (!key.ok()) continue;
      ++found.keys_tried;
      CLINIC_ASSIGN_OR_RETURN(
          auto decryptor, storage::StreamingSegmentDecryptor::Create(
                              *key, storage::SegmentBinding{doc_id, version}));
      std::string plain;
      absl::Status opened = decryptor->Update(blob, &plain);
      if (opened.ok()) opened = decryptor->Finish(&plain);
      if (opened.ok()) ++found.keys_that_open;
    }
  }));
  return found;
}

}  // namespace testing
}  // namespace clinic
