// BlobStore on a local directory: <dir>/<name> per committed blob (mode 0600).
// A writer writes <dir>/.tmp-<random>, and Commit fsyncs it, renames it to its
// name and fsyncs the directory, so a committed blob survives a crash and a
// reader never sees a partial one. SweepIncomplete removes ".tmp-*" files.
// Thread-safe.
#ifndef CLINIC_STORAGE_BLOB_LOCAL_BLOB_STORE_H_
#define CLINIC_STORAGE_BLOB_LOCAL_BLOB_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "storage/blob/blob_store.h"

namespace clinic {
namespace storage {

class LocalBlobStore : public BlobStore {
 public:
  // Creates `dir` (mode 0700) if missing.
  static absl::StatusOr<std::unique_ptr<LocalBlobStore>> OpenDirectory(
      const std::string& dir);

  absl::StatusOr<std::unique_ptr<BlobWriter>> Create(
      absl::string_view name) override;
  absl::StatusOr<std::unique_ptr<BlobReader>> Open(
      absl::string_view name) override;
  absl::Status Delete(absl::string_view name) override;
  absl::StatusOr<std::vector<std::string>> List() override;
  absl::StatusOr<int> SweepIncomplete() override;

  const std::string& dir() const { return dir_; }
  // Path of blob `name` (tests and tools).
  std::string PathOf(absl::string_view name) const;

 private:
  explicit LocalBlobStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string dir_;
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_BLOB_LOCAL_BLOB_STORE_H_
