// The seam between the document service and where encrypted blobs live.
//
// A blob store keeps opaque byte strings (always ciphertext: the document
// service encrypts before anything reaches it) under names chosen by the
// caller. Names are 1..64 characters of [a-z0-9] and must reveal nothing about
// their contents (callers use random ids). A blob becomes visible under its
// name only when its writer commits, durably: a reader sees a whole committed
// blob or nothing, and a writer that is destroyed (or aborted, or whose process
// dies) before Commit leaves no visible blob. Leftovers of a dead process are
// removed by SweepIncomplete() at start-up.
//
// Implementations: LocalBlobStore (a directory on the local filesystem);
// FaultInjectionBlobStore (tests); an object store (S3-compatible) can plug in
// behind the same interface.
//
// Status codes: NOT_FOUND for a missing blob; ALREADY_EXISTS when committing a
// name that exists; RESOURCE_EXHAUSTED when the storage is full;
// INVALID_ARGUMENT for a malformed name; DATA_LOSS when a read runs past what
// is stored; INTERNAL otherwise. Messages never contain blob contents.
//
// Thread safety: a BlobStore is thread-safe. A BlobWriter or BlobReader is used
// by one thread at a time.
#ifndef CLINIC_STORAGE_BLOB_BLOB_STORE_H_
#define CLINIC_STORAGE_BLOB_BLOB_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace clinic {
namespace storage {

// Receives one blob. Destroying it without Commit discards what was written.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  // Appends `data`. After an error the writer is unusable (only Abort).
  virtual absl::Status Append(absl::string_view data) = 0;
  // Makes the blob durable and visible under its name. Once.
  virtual absl::Status Commit() = 0;
  // Discards everything written (also done by the destructor).
  virtual void Abort() = 0;
  // Bytes appended so far.
  virtual int64_t bytes_written() const = 0;
};

// Reads one committed blob.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual int64_t size() const = 0;
  // Replaces `*out` with exactly `n` bytes from `offset`; DATA_LOSS if the blob
  // ends first.
  virtual absl::Status ReadAt(int64_t offset, size_t n, std::string* out) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // A writer for a new blob `name`. ALREADY_EXISTS if `name` is committed.
  virtual absl::StatusOr<std::unique_ptr<BlobWriter>> Create(
      absl::string_view name) = 0;

  virtual absl::StatusOr<std::unique_ptr<BlobReader>> Open(
      absl::string_view name) = 0;

  // Removes a committed blob (durably). NOT_FOUND if there is none.
  virtual absl::Status Delete(absl::string_view name) = 0;

  // Names of every committed blob (order unspecified).
  virtual absl::StatusOr<std::vector<std::string>> List() = 0;

  // Removes the leftovers of writers that never committed or aborted (a killed
  // process). Call only while no writer is open (at start-up). Returns how
  // many were removed.
  virtual absl::StatusOr<int> SweepIncomplete() = 0;
};

// INVALID_ARGUMENT unless `name` is 1..64 characters of [a-z0-9].
absl::Status ValidateBlobName(absl::string_view name);

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_BLOB_BLOB_STORE_H_
