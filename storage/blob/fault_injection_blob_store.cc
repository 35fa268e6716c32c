#include "storage/blob/fault_injection_blob_store.h"

#include <algorithm>
#include <utility>

namespace clinic {
namespace storage {

class FaultInjectionBlobWriter : public BlobWriter {
 public:
  FaultInjectionBlobWriter(FaultInjectionBlobStore* store,
                           std::unique_ptr<BlobWriter> base)
      : store_(store), base_(std::move(base)) {}
  ~FaultInjectionBlobWriter() override {
    if (store_->crash_ && base_ != nullptr) {
      // A killed process neither commits nor cleans up.
      absl::MutexLock lock(&store_->mu_);
      store_->leaked_.push_back(std::move(base_));
    }
  }

  absl::Status Append(absl::string_view data) override {
    int64_t limit = store_->fail_after_bytes_;
    if (limit >= 0 &&
        base_->bytes_written() + static_cast<int64_t>(data.size()) > limit) {
      size_t fits = static_cast<size_t>(
          std::max<int64_t>(0, limit - base_->bytes_written()));
      base_->Append(data.substr(0, fits)).IgnoreError();
      return absl::ResourceExhaustedError(
          "write blob: No space left on device (injected)");
    }
    return base_->Append(data);
  }
  absl::Status Commit() override {
    if (store_->fail_commit_) {
      base_->Abort();
      return absl::InternalError("fsync blob: Input/output error (injected)");
    }
    absl::Status s = base_->Commit();
    if (s.ok()) ++store_->commits_;
    return s;
  }
  void Abort() override {
    if (!store_->crash_) base_->Abort();
  }
  int64_t bytes_written() const override { return base_->bytes_written(); }

 private:
  FaultInjectionBlobStore* const store_;
  std::unique_ptr<BlobWriter> base_;
};

absl::StatusOr<std::unique_ptr<BlobWriter>> FaultInjectionBlobStore::Create(
    absl::string_view name) {
  absl::StatusOr<std::unique_ptr<BlobWriter>> base = base_->Create(name);
  if (!base.ok()) return base.status();
  return std::unique_ptr<BlobWriter>(
      new FaultInjectionBlobWriter(this, *std::move(base)));
}

absl::Status FaultInjectionBlobStore::Delete(absl::string_view name) {
  if (fail_delete_) {
    return absl::InternalError("delete blob: Input/output error (injected)");
  }
  return base_->Delete(name);
}

}  // namespace storage
}  // namespace clinic
