// The document service's logic, without gRPC: uploads encrypted as they
// stream, downloads decrypted segment by segment, metadata and versions,
// crypto-shredding deletes and key rotation. The gRPC adapter
// (document_service.cc) feeds it request messages and takes its responses.
//
// Storage: metadata and wrapped data keys in the service's SQLCipher database
// (document_store.h); ciphertext in a BlobStore under random names. Upload
// order: blob written, fsynced and committed, then the metadata row (with the
// wrapped key) committed; until then nothing is visible, and on any failure
// the blob is removed. Deletion: the version rows (wrapped keys) go first, in
// one transaction, then the blobs. Create() sweeps leftovers of a crash
// (temporary files, blobs without a row).
//
// Status codes: INVALID_ARGUMENT naming the field; NOT_FOUND for documents and
// cases the caller may not see; PERMISSION_DENIED; RESOURCE_EXHAUSTED for a
// document over the size limit; DATA_LOSS for ciphertext or keys that fail
// authentication and for a client SHA-256 that does not match; ABORTED for a
// stale etag; CANCELLED when the client went away; OUT_OF_RANGE for a range
// beyond the document.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_DOCUMENT_DOCUMENT_MANAGER_H_
#define CLINIC_SERVICES_DOCUMENT_DOCUMENT_MANAGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "clinic/v1/config.pb.h"
#include "clinic/v1/document.pb.h"
#include "clinic/v1/intake.pb.h"
#include "services/common/call_context.h"
#include "services/document/content_sniffer.h"
#include "storage/blob/blob_store.h"
#include "storage/crypto/key_wrap.h"
#include "storage/database.h"
#include "storage/keyring.h"

namespace clinic {

// The messages of one upload, in order.
class UploadSource {
 public:
  virtual ~UploadSource() = default;
  // The next message; false at the end of the stream (or when cancelled).
  virtual bool Read(v1::UploadDocumentRequest* message) = 0;
  // True if the client cancelled (or the call's deadline passed).
  virtual bool Cancelled() const = 0;
};

// Where a download's messages go.
class DownloadSink {
 public:
  virtual ~DownloadSink() = default;
  // False if the client is gone.
  virtual bool Write(const v1::DownloadDocumentResponse& message) = 0;
};

// What a call records for its audit event.
struct CallAudit {
  std::function<void(absl::string_view resource)> resource = [](auto) {};
  std::function<void(absl::string_view reason)> reason = [](auto) {};
};

class DocumentManager {
 public:
  // The case summary if `caller` may act on `case_name` ("cases/{id}"),
  // NOT_FOUND otherwise (CaseAccess::Check in production).
  using CaseChecker = std::function<absl::StatusOr<v1::CaseSummary>(
      const Caller& caller, absl::string_view case_name)>;

  struct Options {
    // Limits and allowed types (defaults applied, see services/common/config).
    v1::DocumentConfig config;
    // Plaintext bytes per download chunk message (at most 1 MiB).
    size_t download_chunk_bytes = 256 << 10;
    // Data keys re-wrapped per transaction during rotation.
    int rotation_batch = 64;
  };

  // Sweeps crash leftovers from `blobs` (temporary files and blobs no version
  // references). `keyring` must outlive the manager.
  static absl::StatusOr<std::unique_ptr<DocumentManager>> Create(
      Options options, std::unique_ptr<storage::Database> db,
      std::unique_ptr<storage::BlobStore> blobs,
      const storage::Keyring& keyring, const Clock* clock,
      CaseChecker check_case);

  absl::Status Upload(const Caller& caller, UploadSource& source,
                      const CallAudit& audit, v1::Document* out);
  absl::Status Download(const Caller& caller,
                        const v1::DownloadDocumentRequest& req,
                        const CallAudit& audit, DownloadSink& sink);
  absl::Status Get(const Caller& caller, const v1::GetDocumentRequest& req,
                   const CallAudit& audit, v1::Document* out);
  absl::Status List(const Caller& caller, const v1::ListDocumentsRequest& req,
                    const CallAudit& audit, v1::ListDocumentsResponse* out);
  absl::Status Delete(const Caller& caller,
                      const v1::DeleteDocumentRequest& req,
                      const CallAudit& audit, v1::DeleteDocumentResponse* out);
  // Crypto-shreds every version of every document of the case (the retention
  // sweep; services only), or with `dry_run` counts them.
  absl::Status ShredCase(const v1::ShredCaseDocumentsRequest& req,
                         const CallAudit& audit,
                         v1::ShredCaseDocumentsResponse* out);
  // Finishes an interrupted rotation, or starts a new KEK version and re-wraps
  // every data key. `max_rewraps` (tests: simulate an interruption) bounds the
  // work of this call; -1 = no bound.
  absl::Status RotateKeys(const Caller& caller, const CallAudit& audit,
                          v1::RotateKeysResponse* out,
                          int64_t max_rewraps = -1);

  storage::BlobStore& blobs() { return *blobs_; }
  storage::Database& db() { return *db_; }

 private:
  DocumentManager(Options options, std::unique_ptr<storage::Database> db,
                  std::unique_ptr<storage::BlobStore> blobs,
                  const storage::Keyring& keyring, const Clock* clock,
                  CaseChecker check_case,
                  std::unique_ptr<ContentSniffer> sniffer);
  absl::Status SweepOrphans();
  // After a deletion committed: flushes the destroyed keys out of the
  // write-ahead log and removes the blobs (the start-up sweep retries).
  void DiscardDestroyed(const std::vector<std::string>& blobs);

  const Options options_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::BlobStore> blobs_;
  const storage::KeyWrapper wrapper_;
  const Clock* const clock_;
  const CaseChecker check_case_;
  std::unique_ptr<ContentSniffer> sniffer_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_DOCUMENT_DOCUMENT_MANAGER_H_
