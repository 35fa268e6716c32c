#include "services/document/document_store.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace clinic {
namespace document_store {
namespace {

constexpr char kDocumentColumns[] =
    "id, case_id, type, title, language, translation, etag, next_version, "
    "create_us, update_us";
constexpr char kVersionColumns[] =
    "document_id, version, size_bytes, sha256, media_type, uploaded_by, "
    "upload_us, blob, segment_bytes, kek_version, wrapped_key";

DocumentRow ReadDocument(const storage::Statement& s) {
  DocumentRow r;
  r.id = s.ColumnText(0);
  r.case_id = s.ColumnText(1);
  r.type = static_cast<v1::DocumentType>(s.ColumnInt(2));
  r.title = s.ColumnText(3);
  r.language = s.ColumnText(4);
  r.translation = s.ColumnIsNull(5) ? "" : s.ColumnBlob(5);
  r.etag = s.ColumnInt(6);
  r.next_version = s.ColumnInt(7);
  r.create_us = s.ColumnInt(8);
  r.update_us = s.ColumnInt(9);
  return r;
}

VersionRow ReadVersion(const storage::Statement& s) {
  VersionRow r;
  r.document_id = s.ColumnText(0);
  r.version = s.ColumnInt(1);
  r.size_bytes = s.ColumnInt(2);
  r.sha256 = s.ColumnText(3);
  r.media_type = s.ColumnText(4);
  r.uploaded_by = s.ColumnText(5);
  r.upload_us = s.ColumnInt(6);
  r.blob = s.ColumnText(7);
  r.segment_bytes = s.ColumnInt(8);
  r.kek_version = static_cast<int>(s.ColumnInt(9));
  r.wrapped_key = s.ColumnBlob(10);
  return r;
}

// Every row `s` yields, read by `read`.
template <typename Row>
absl::StatusOr<std::vector<Row>> ReadAll(
    storage::Statement& s, Row (*read)(const storage::Statement&)) {
  std::vector<Row> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(read(s));
  }
}

}  // namespace

std::vector<storage::Migration> Migrations() {
  return {
      storage::SqlMigration(1, "documents, versions and KEK versions", R"sql(
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  type INTEGER NOT NULL,
  title TEXT NOT NULL,
  language TEXT NOT NULL,
  translation BLOB,
  etag INTEGER NOT NULL,
  next_version INTEGER NOT NULL,
  create_us INTEGER NOT NULL,
  update_us INTEGER NOT NULL
);
CREATE INDEX documents_by_case ON documents (case_id, update_us DESC, id DESC);
CREATE TABLE versions (
  document_id TEXT NOT NULL REFERENCES documents (id),
  version INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  media_type TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  upload_us INTEGER NOT NULL,
  blob TEXT NOT NULL UNIQUE,
  segment_bytes INTEGER NOT NULL,
  kek_version INTEGER NOT NULL,
  wrapped_key BLOB NOT NULL,
  PRIMARY KEY (document_id, version)
);
CREATE INDEX versions_by_kek ON versions (kek_version);
CREATE TABLE kek_versions (
  version INTEGER PRIMARY KEY,
  create_us INTEGER NOT NULL
);
)sql")};
}

absl::StatusOr<std::optional<DocumentRow>> FindDocument(Connection& c,
                                                        const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(storage::Statement s,
                          c.Prepare(std::string("SELECT ") + kDocumentColumns +
                                    " FROM documents WHERE id = ?1"));
  s.BindText(1, id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<DocumentRow>();
  return std::optional<DocumentRow>(ReadDocument(s));
}

absl::Status InsertDocument(Connection& c, const DocumentRow& row) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(std::string("INSERT INTO documents (") + kDocumentColumns +
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  s.BindText(1, row.id)
      .BindText(2, row.case_id)
      .BindInt(3, row.type)
      .BindText(4, row.title)
      .BindText(5, row.language);
  if (row.translation.empty()) {
    s.BindNull(6);
  } else {
    s.BindBlob(6, row.translation);
  }
  s.BindInt(7, row.etag)
      .BindInt(8, row.next_version)
      .BindInt(9, row.create_us)
      .BindInt(10, row.update_us);
  return s.Run();
}

absl::Status UpdateDocument(Connection& c, const DocumentRow& row) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare("UPDATE documents SET etag = ?2, next_version = ?3, "
                "update_us = ?4 WHERE id = ?1"));
  s.BindText(1, row.id)
      .BindInt(2, row.etag)
      .BindInt(3, row.next_version)
      .BindInt(4, row.update_us);
  return s.Run();
}

absl::Status DeleteDocument(Connection& c, const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(storage::Statement s,
                          c.Prepare("DELETE FROM documents WHERE id = ?1"));
  s.BindText(1, id);
  return s.Run();
}

absl::StatusOr<std::vector<DocumentRow>> ListDocuments(Connection& c,
                                                       const ListFilter& f,
                                                       int limit) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(std::string("SELECT ") + kDocumentColumns +
                " FROM documents WHERE case_id = ?1 AND (?2 = 0 OR type = ?2) "
                "AND update_us >= ?3 AND (?5 = '' OR update_us < ?4 OR "
                "(update_us = ?4 AND id < ?5)) "
                "ORDER BY update_us DESC, id DESC LIMIT ?6"));
  s.BindText(1, f.case_id)
      .BindInt(2, f.type)
      .BindInt(3, f.updated_since_us)
      .BindInt(4, f.after_update_us)
      .BindText(5, f.after_id)
      .BindInt(6, limit);
  return ReadAll(s, ReadDocument);
}

absl::StatusOr<std::vector<VersionRow>> ListVersions(
    Connection& c, const std::string& document_id) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(std::string("SELECT ") + kVersionColumns +
                " FROM versions WHERE document_id = ?1 ORDER BY version"));
  s.BindText(1, document_id);
  return ReadAll(s, ReadVersion);
}

absl::Status InsertVersion(Connection& c, const VersionRow& row) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(std::string("INSERT INTO versions (") + kVersionColumns +
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  s.BindText(1, row.document_id)
      .BindInt(2, row.version)
      .BindInt(3, row.size_bytes)
      .BindText(4, row.sha256)
      .BindText(5, row.media_type)
      .BindText(6, row.uploaded_by)
      .BindInt(7, row.upload_us)
      .BindText(8, row.blob)
      .BindInt(9, row.segment_bytes)
      .BindInt(10, row.kek_version)
      .BindBlob(11, row.wrapped_key);
  return s.Run();
}

absl::Status DeleteVersion(Connection& c, const std::string& document_id,
                           int64_t version) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(
          "DELETE FROM versions WHERE document_id = ?1 AND version = ?2"));
  s.BindText(1, document_id).BindInt(2, version);
  return s.Run();
}

absl::StatusOr<std::vector<std::string>> AllBlobs(Connection& c) {
  CLINIC_ASSIGN_OR_RETURN(storage::Statement s,
                          c.Prepare("SELECT blob FROM versions"));
  std::vector<std::string> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(s.ColumnText(0));
  }
  return out;
}

absl::StatusOr<int> CurrentKekVersion(Connection& c) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare("SELECT COALESCE(MAX(version), 1) FROM kek_versions"));
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? static_cast<int>(s.ColumnInt(0)) : 1;
}

absl::Status AddKekVersion(Connection& c, int version, int64_t create_us) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(
          "INSERT INTO kek_versions (version, create_us) VALUES (?1, ?2)"));
  s.BindInt(1, version).BindInt(2, create_us);
  return s.Run();
}

absl::StatusOr<std::vector<VersionRow>> VersionsWrappedBefore(Connection& c,
                                                              int kek_version,
                                                              int limit) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(std::string("SELECT ") + kVersionColumns +
                " FROM versions WHERE kek_version < ?1 LIMIT ?2"));
  s.BindInt(1, kek_version).BindInt(2, limit);
  return ReadAll(s, ReadVersion);
}

absl::StatusOr<std::vector<VersionRow>> VersionsAfter(
    Connection& c, const std::string& after_document, int64_t after_version,
    int limit) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare(std::string("SELECT ") + kVersionColumns +
                " FROM versions WHERE document_id > ?1 OR (document_id = ?1 "
                "AND version > ?2) ORDER BY document_id, version LIMIT ?3"));
  s.BindText(1, after_document).BindInt(2, after_version).BindInt(3, limit);
  return ReadAll(s, ReadVersion);
}

std::string WrappedKeyContext(const std::string& document_id, int64_t version) {
  return absl::StrCat(document_id, "/", version);
}

absl::StatusOr<int64_t> CountWrappedBefore(Connection& c, int kek_version) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare("SELECT COUNT(*) FROM versions WHERE kek_version < ?1"));
  s.BindInt(1, kek_version);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

absl::Status UpdateWrappedKey(Connection& c, const std::string& document_id,
                              int64_t version, int kek_version,
                              const std::string& wrapped_key) {
  CLINIC_ASSIGN_OR_RETURN(
      storage::Statement s,
      c.Prepare("UPDATE versions SET kek_version = ?3, wrapped_key = ?4 "
                "WHERE document_id = ?1 AND version = ?2"));
  s.BindText(1, document_id)
      .BindInt(2, version)
      .BindInt(3, kek_version)
      .BindBlob(4, wrapped_key);
  return s.Run();
}

}  // namespace document_store
}  // namespace clinic
