// The document service's database (SQLCipher): document metadata, versions
// with their wrapped data keys and blob names, and key-encryption key versions.
// Functions take a Connection so that callers compose them in one transaction.
// Deleting a version row destroys its wrapped data key (crypto-shredding).
#ifndef CLINIC_SERVICES_DOCUMENT_DOCUMENT_STORE_H_
#define CLINIC_SERVICES_DOCUMENT_DOCUMENT_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clinic/v1/document.pb.h"
#include "storage/database.h"

namespace clinic {
namespace document_store {

using storage::Connection;

std::vector<storage::Migration> Migrations();

struct DocumentRow {
  std::string id;
  std::string case_id;
  v1::DocumentType type = v1::DOCUMENT_TYPE_UNSPECIFIED;
  std::string title;
  std::string language;
  // Serialized v1::Translation, or empty.
  std::string translation;
  int64_t etag = 0;
  int64_t next_version = 1;
  int64_t create_us = 0;
  int64_t update_us = 0;
};

struct VersionRow {
  std::string document_id;
  int64_t version = 0;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string media_type;
  std::string uploaded_by;
  int64_t upload_us = 0;
  std::string blob;
  int64_t segment_bytes = 0;
  int kek_version = 0;
  std::string wrapped_key;
};

// ---- Documents
absl::StatusOr<std::optional<DocumentRow>> FindDocument(Connection& c,
                                                        const std::string& id);
absl::Status InsertDocument(Connection& c, const DocumentRow& row);
// Writes etag, next_version and update_us of `row`.
absl::Status UpdateDocument(Connection& c, const DocumentRow& row);
// Removes the document row (its versions must be deleted first).
absl::Status DeleteDocument(Connection& c, const std::string& id);

struct ListFilter {
  std::string case_id;
  v1::DocumentType type = v1::DOCUMENT_TYPE_UNSPECIFIED;
  int64_t updated_since_us = 0;
  // Resume after this (update_us, id) position; empty id = from the start.
  int64_t after_update_us = 0;
  std::string after_id;
};
// Documents of a case, most recently updated first.
absl::StatusOr<std::vector<DocumentRow>> ListDocuments(Connection& c,
                                                       const ListFilter& filter,
                                                       int limit);

// ---- Versions
absl::StatusOr<std::vector<VersionRow>> ListVersions(
    Connection& c, const std::string& document_id);
absl::Status InsertVersion(Connection& c, const VersionRow& row);
// Destroys the version's row, wrapped data key included.
absl::Status DeleteVersion(Connection& c, const std::string& document_id,
                           int64_t version);
// Every blob name referenced by a version.
absl::StatusOr<std::vector<std::string>> AllBlobs(Connection& c);

// ---- Key-encryption keys
// The current KEK version (creating version 1 on first use).
absl::StatusOr<int> CurrentKekVersion(Connection& c);
absl::Status AddKekVersion(Connection& c, int version, int64_t create_us);
// Versions whose data key is wrapped by a KEK older than `kek_version`.
absl::StatusOr<std::vector<VersionRow>> VersionsWrappedBefore(Connection& c,
                                                              int kek_version,
                                                              int limit);
absl::StatusOr<int64_t> CountWrappedBefore(Connection& c, int kek_version);
// Every version after position (`after_document`, `after_version`) in
// (document, version) order, at most `limit` ("" starts at the beginning).
absl::StatusOr<std::vector<VersionRow>> VersionsAfter(
    Connection& c, const std::string& after_document, int64_t after_version,
    int limit);
// What a wrapped data key is bound to (the associated data of its wrapping).
std::string WrappedKeyContext(const std::string& document_id, int64_t version);
absl::Status UpdateWrappedKey(Connection& c, const std::string& document_id,
                              int64_t version, int kek_version,
                              const std::string& wrapped_key);

}  // namespace document_store
}  // namespace clinic

#endif  // CLINIC_SERVICES_DOCUMENT_DOCUMENT_STORE_H_
