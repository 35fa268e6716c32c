// A BlobStore that forwards to another and injects failures, for tests of what
// callers leave behind when storage fails (modelled on leveldb's
// fault_injection_test). Thread-safe.
#ifndef CLINIC_STORAGE_BLOB_FAULT_INJECTION_BLOB_STORE_H_
#define CLINIC_STORAGE_BLOB_FAULT_INJECTION_BLOB_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "storage/blob/blob_store.h"

namespace clinic {
namespace storage {

class FaultInjectionBlobStore : public BlobStore {
 public:
  // `base` must outlive this object.
  explicit FaultInjectionBlobStore(BlobStore* base) : base_(base) {}

  // Appends fail with RESOURCE_EXHAUSTED ("no space left on device") once a
  // writer has written this many bytes in total (-1: never).
  void FailAfterBytes(int64_t bytes) { fail_after_bytes_ = bytes; }
  // Commit fails (INTERNAL, as a failed fsync) and discards the blob.
  void FailCommit(bool fail) { fail_commit_ = fail; }
  // Delete fails (INTERNAL).
  void FailDelete(bool fail) { fail_delete_ = fail; }
  // Writers are leaked without Abort when destroyed, like a killed process:
  // their temporary files stay for SweepIncomplete to find.
  void SimulateCrash(bool crash) { crash_ = crash; }

  int commits() const { return commits_; }

  absl::StatusOr<std::unique_ptr<BlobWriter>> Create(
      absl::string_view name) override;
  absl::StatusOr<std::unique_ptr<BlobReader>> Open(
      absl::string_view name) override {
    return base_->Open(name);
  }
  absl::Status Delete(absl::string_view name) override;
  absl::StatusOr<std::vector<std::string>> List() override {
    return base_->List();
  }
  absl::StatusOr<int> SweepIncomplete() override {
    return base_->SweepIncomplete();
  }

 private:
  friend class FaultInjectionBlobWriter;
  BlobStore* const base_;
  std::atomic<int64_t> fail_after_bytes_{-1};
  std::atomic<bool> fail_commit_{false};
  std::atomic<bool> fail_delete_{false};
  std::atomic<bool> crash_{false};
  std::atomic<int> commits_{0};
  // Writers "killed" by SimulateCrash: kept alive (never aborted).
  absl::Mutex mu_;
  std::vector<std::unique_ptr<BlobWriter>> leaked_ ABSL_GUARDED_BY(mu_);
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_BLOB_FAULT_INJECTION_BLOB_STORE_H_
