#include "services/document/document_manager.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "services/common/case_access.h"
#include "services/common/erasure.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/document/chunk_pipeline.h"
#include "services/document/document_store.h"
#include "storage/crypto/segmented_aead.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace {

using document_store::DocumentRow;
using document_store::VersionRow;
using storage::Connection;

constexpr size_t kMaxChunkBytes = 1 << 20;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool ValidId(absl::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), IsIdChar);
}

struct DocName {
  std::string case_id;
  std::string doc_id;
  std::string case_name() const { return absl::StrCat("cases/", case_id); }
  std::string name() const {
    return absl::StrCat("cases/", case_id, "/documents/", doc_id);
  }
};

absl::StatusOr<DocName> ParseDocumentName(absl::string_view field,
                                          absl::string_view name) {
  if (name.empty()) return Invalid(absl::StrCat(field, " is required"));
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "cases" || parts[2] != "documents" ||
      !ValidId(parts[1]) || !ValidId(parts[3])) {
    return Invalid(absl::StrCat(
        field,
        " must be a document name like \"cases/abc123/documents/def456\""));
  }
  return DocName{std::string(parts[1]), std::string(parts[3])};
}

std::string VersionResource(const std::string& doc_name, int64_t version) {
  return absl::StrCat(doc_name, "/versions/", version);
}

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " was not found"));
}

// BCP 47, loosely: 2..8 letters, then subtags of 1..8 letters or digits.
absl::Status ValidateLanguage(absl::string_view field, absl::string_view tag) {
  if (tag.empty()) return absl::OkStatus();
  bool ok = tag.size() <= 35;
  bool first = true;
  for (absl::string_view sub : absl::StrSplit(tag, '-')) {
    ok = ok && !sub.empty() && sub.size() <= 8;
    for (char c : sub) {
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      ok = ok && (alpha || (!first && c >= '0' && c <= '9'));
    }
    ok = ok && (!first || sub.size() >= 2);
    first = false;
  }
  if (!ok) {
    return Invalid(absl::StrCat(
        field, " must be a BCP 47 language tag such as \"fr-CA\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateSha256(absl::string_view field, absl::string_view hex) {
  if (hex.empty()) return absl::OkStatus();
  bool ok = hex.size() == 64;
  for (char c : hex)
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) {
    return Invalid(
        absl::StrCat(field, " must be 64 lowercase hexadecimal digits"));
  }
  return absl::OkStatus();
}

v1::DocumentVersion VersionProto(const VersionRow& v) {
  v1::DocumentVersion out;
  out.set_version(v.version);
  out.set_size_bytes(v.size_bytes);
  out.set_sha256(v.sha256);
  out.set_media_type(v.media_type);
  out.set_uploaded_by(v.uploaded_by);
  *out.mutable_upload_time() = ToProtoTime(FromMicros(v.upload_us));
  out.set_kek_version(v.kek_version);
  return out;
}

v1::Document DocumentProto(const DocumentRow& d,
                           const std::vector<VersionRow>& versions) {
  v1::Document out;
  DocName n{d.case_id, d.id};
  out.set_name(n.name());
  out.set_case_(n.case_name());
  out.set_type(d.type);
  out.set_title(d.title);
  out.set_language(d.language);
  if (!d.translation.empty()) {
    out.mutable_translation()->ParseFromString(d.translation);
  }
  for (const VersionRow& v : versions) {
    *out.add_versions() = VersionProto(v);
    out.set_current_version(std::max(out.current_version(), v.version));
  }
  *out.mutable_create_time() = ToProtoTime(FromMicros(d.create_us));
  *out.mutable_update_time() = ToProtoTime(FromMicros(d.update_us));
  out.set_etag(absl::StrCat(d.etag));
  return out;
}

// The document `n` if it exists in its case.
absl::StatusOr<DocumentRow> LoadDocument(Connection& c, const DocName& n) {
  CLINIC_ASSIGN_OR_RETURN(std::optional<DocumentRow> row,
                          document_store::FindDocument(c, n.doc_id));
  if (!row || row->case_id != n.case_id) return NotFound(n.name());
  return *std::move(row);
}

}  // namespace

DocumentManager::DocumentManager(Options options,
                                 std::unique_ptr<storage::Database> db,
                                 std::unique_ptr<storage::BlobStore> blobs,
                                 const storage::Keyring& keyring,
                                 const Clock* clock, CaseChecker check_case,
                                 std::unique_ptr<ContentSniffer> sniffer)
    : options_(std::move(options)),
      db_(std::move(db)),
      blobs_(std::move(blobs)),
      wrapper_(keyring),
      clock_(clock),
      check_case_(std::move(check_case)),
      sniffer_(std::move(sniffer)) {}

absl::StatusOr<std::unique_ptr<DocumentManager>> DocumentManager::Create(
    Options options, std::unique_ptr<storage::Database> db,
    std::unique_ptr<storage::BlobStore> blobs, const storage::Keyring& keyring,
    const Clock* clock, CaseChecker check_case) {
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<ContentSniffer> sniffer,
                          ContentSniffer::Create());
  std::unique_ptr<DocumentManager> m(new DocumentManager(
      std::move(options), std::move(db), std::move(blobs), keyring, clock,
      std::move(check_case), std::move(sniffer)));
  CLINIC_RETURN_IF_ERROR(m->SweepOrphans());
  return m;
}

absl::Status DocumentManager::SweepOrphans() {
  CLINIC_ASSIGN_OR_RETURN(int temps, blobs_->SweepIncomplete());
  std::vector<std::string> referenced;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(referenced, document_store::AllBlobs(c));
    return absl::OkStatus();
  }));
  std::sort(referenced.begin(), referenced.end());
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> stored, blobs_->List());
  int orphans = 0;
  for (const std::string& name : stored) {
    if (std::binary_search(referenced.begin(), referenced.end(), name))
      continue;
    // Committed blob without a version row: an upload that died between the
    // blob commit and the metadata commit, or a delete that died before the
    // blob removal. Its key was never stored or is destroyed.
    CLINIC_RETURN_IF_ERROR(blobs_->Delete(name));
    ++orphans;
  }
  if (temps > 0 || orphans > 0) {
    log::Info("document store swept crash leftovers",
              {{"temporary", absl::StrCat(temps)},
               {"orphans", absl::StrCat(orphans)}});
  }
  return absl::OkStatus();
}

// ---- Upload
// ------------------------------------------------------------------

absl::Status DocumentManager::Upload(const Caller& caller, UploadSource& source,
                                     const CallAudit& audit,
                                     v1::Document* out) {
  const v1::DocumentConfig& config = options_.config;
  v1::UploadDocumentRequest first;
  if (!source.Read(&first)) {
    if (source.Cancelled()) return absl::CancelledError("upload cancelled");
    return Invalid("metadata is required as the first message");
  }
  if (!first.has_metadata()) {
    return Invalid("metadata must be the first message, before any chunk");
  }
  const v1::UploadMetadata& md = first.metadata();

  // ---- Validate everything before touching storage.
  const bool new_document = md.document().empty();
  DocName target;
  if (new_document) {
    if (md.case_().empty()) return Invalid("metadata.case is required");
    CLINIC_RETURN_IF_ERROR(ValidateCaseName(md.case_(), "metadata.case"));
    CLINIC_RETURN_IF_ERROR(ValidateEnum("metadata.type", md.type(),
                                        v1::DocumentType_IsValid, true));
    CLINIC_RETURN_IF_ERROR(ValidateText("metadata.title", md.title(), 1, 200));
    target.case_id = ResourceId(md.case_());
  } else {
    CLINIC_ASSIGN_OR_RETURN(
        target, ParseDocumentName("metadata.document", md.document()));
    if (!md.case_().empty() && md.case_() != target.case_name()) {
      return Invalid(
          "metadata.case must be empty or the case of "
          "metadata.document");
    }
    if (md.type() != v1::DOCUMENT_TYPE_UNSPECIFIED) {
      return Invalid("metadata.type must be empty for a new version");
    }
    if (!md.title().empty()) {
      return Invalid("metadata.title must be empty for a new version");
    }
    if (!md.language().empty()) {
      return Invalid("metadata.language must be empty for a new version");
    }
    if (md.has_translation()) {
      return Invalid("metadata.translation must be empty for a new version");
    }
  }
  CLINIC_RETURN_IF_ERROR(ValidateLanguage("metadata.language", md.language()));
  std::optional<DocName> source_document;
  if (new_document) {
    if (md.type() == v1::DOCUMENT_TYPE_TRANSLATION && !md.has_translation()) {
      return Invalid("metadata.translation is required for a translation");
    }
    if (md.type() != v1::DOCUMENT_TYPE_TRANSLATION && md.has_translation()) {
      return Invalid(
          "metadata.translation is only for DOCUMENT_TYPE_TRANSLATION");
    }
    if (md.has_translation()) {
      const v1::Translation& t = md.translation();
      CLINIC_ASSIGN_OR_RETURN(
          source_document,
          ParseDocumentName("metadata.translation.source_document",
                            t.source_document()));
      if (source_document->case_id != target.case_id) {
        return Invalid(
            "metadata.translation.source_document must be in the same case");
      }
      CLINIC_RETURN_IF_ERROR(ValidateText(
          "metadata.translation.translator_name", t.translator_name(), 1, 200));
      CLINIC_RETURN_IF_ERROR(ValidateText("metadata.translation.declaration",
                                          t.declaration(), 1, 4000,
                                          /*multiline=*/true));
    }
  }
  if (md.media_type().empty())
    return Invalid("metadata.media_type is required");
  if (std::find(config.allowed_media_types().begin(),
                config.allowed_media_types().end(),
                md.media_type()) == config.allowed_media_types().end()) {
    return Invalid(
        absl::StrCat("metadata.media_type \"", md.media_type(),
                     "\" is not accepted; accepted types: ",
                     absl::StrJoin(config.allowed_media_types(), ", ")));
  }
  if (md.declared_size_bytes() < 0) {
    return Invalid("metadata.declared_size_bytes must not be negative");
  }
  if (md.declared_size_bytes() > config.max_document_bytes()) {
    return absl::ResourceExhaustedError(
        absl::StrCat("metadata.declared_size_bytes is above the limit of ",
                     config.max_document_bytes(), " bytes per document"));
  }
  CLINIC_RETURN_IF_ERROR(ValidateSha256("metadata.sha256", md.sha256()));
  // gRPC ends a client stream the same way whether the client finished or a
  // broken message cut it short: only a size or digest known in advance tells
  // a complete upload from a truncated one.
  if (md.declared_size_bytes() == 0 && md.sha256().empty()) {
    return Invalid(
        "metadata.declared_size_bytes or metadata.sha256 is required, so that "
        "an upload cut short is never stored as if it were complete");
  }

  // ---- Access, then reserve the version number.
  CLINIC_RETURN_IF_ERROR(check_case_(caller, target.case_name()).status());
  int64_t version = 1;
  if (new_document) {
    target.doc_id = TimeOrderedId();
    if (source_document) {
      CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
        absl::Status found = LoadDocument(c, *source_document).status();
        if (absl::IsNotFound(found)) {
          return absl::NotFoundError(
              "metadata.translation.source_document was not found");
        }
        return found;
      }));
    }
  } else {
    if (!caller.is_service() && !caller.HasRole(v1::ROLE_LAWYER)) {
      return absl::PermissionDeniedError(
          "only the case's lawyers add versions to an existing document");
    }
    // Version numbers are never reused, even after a failed upload, so a
    // (document, version) pair names one ciphertext only.
    CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(DocumentRow row, LoadDocument(c, target));
      version = row.next_version;
      row.next_version = version + 1;
      return document_store::UpdateDocument(c, row);
    }));
  }
  const std::string doc_name = target.name();
  audit.resource(VersionResource(doc_name, version));

  // ---- Stream: hash, sniff, encrypt, write.
  CLINIC_ASSIGN_OR_RETURN(SecretBytes data_key,
                          storage::KeyWrapper::NewDataKey());
  const size_t segment_bytes = static_cast<size_t>(config.segment_bytes());
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::SegmentEncryptor> encryptor,
      storage::SegmentEncryptor::Create(
          data_key, storage::SegmentBinding{target.doc_id, version},
          segment_bytes));
  const std::string blob_name = RandomId();
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<storage::BlobWriter> writer,
                          blobs_->Create(blob_name));

  storage::Sha256Hasher hasher;
  std::string head;
  std::string detected;
  bool sniffed = false;
  auto sniff = [&]() -> absl::Status {
    sniffed = true;
    if (head.empty()) {
      // An empty document contradicts no declared type.
      detected = md.media_type();
      return absl::OkStatus();
    }
    CLINIC_ASSIGN_OR_RETURN(detected, sniffer_->Detect(head));
    if (!ContentSniffer::Agrees(md.media_type(), detected)) {
      return Invalid(absl::StrCat("metadata.media_type is \"", md.media_type(),
                                  "\" but the content is \"", detected, "\""));
    }
    std::fill(head.begin(), head.end(), '\0');
    head.clear();
    return absl::OkStatus();
  };
  // The pipeline's stages, each on its own thread until Finish() joins them;
  // each touches only its own state.
  auto hash = [&](absl::string_view chunk) -> absl::Status {
    hasher.Update(chunk);
    return absl::OkStatus();
  };
  auto collect_and_sniff = [&](absl::string_view chunk) -> absl::Status {
    if (sniffed) return absl::OkStatus();
    head.append(
        chunk.data(),
        std::min(chunk.size(), ContentSniffer::kSniffBytes - head.size()));
    if (head.size() < ContentSniffer::kSniffBytes) return absl::OkStatus();
    return sniff();
  };
  std::string ciphertext;
  auto encrypt_and_write = [&](absl::string_view chunk) -> absl::Status {
    ciphertext.clear();
    CLINIC_RETURN_IF_ERROR(encryptor->Update(chunk, &ciphertext));
    return writer->Append(ciphertext);
  };
  // Declared last so that it stops (joins its threads) before the state its
  // stages use is destroyed on an early return.
  ChunkPipeline pipeline({hash, collect_and_sniff, encrypt_and_write});
  int64_t total = 0;
  v1::UploadDocumentRequest message;
  while (source.Read(&message)) {
    if (message.payload_case() != v1::UploadDocumentRequest::kChunk) {
      return Invalid("chunk: only the first message may carry metadata");
    }
    const size_t size = message.chunk().size();
    if (size == 0 || size > kMaxChunkBytes) {
      return Invalid("chunk must be 1 byte..1 MiB");
    }
    total += static_cast<int64_t>(size);
    if (total > config.max_document_bytes()) {
      return absl::ResourceExhaustedError(
          absl::StrCat("the document is larger than the limit of ",
                       config.max_document_bytes(), " bytes"));
    }
    std::string chunk;
    chunk.swap(*message.mutable_chunk());
    if (!pipeline.Push(std::move(chunk))) break;  // the worker failed
  }
  CLINIC_RETURN_IF_ERROR(pipeline.Finish());
  if (source.Cancelled()) return absl::CancelledError("upload cancelled");
  if (md.declared_size_bytes() > 0 && total != md.declared_size_bytes()) {
    return absl::DataLossError(absl::StrCat(
        "received ", total, " bytes but metadata.declared_size_bytes says ",
        md.declared_size_bytes(), "; nothing was stored"));
  }
  if (!sniffed) CLINIC_RETURN_IF_ERROR(sniff());
  ciphertext.clear();
  CLINIC_RETURN_IF_ERROR(encryptor->Finish(&ciphertext));
  CLINIC_RETURN_IF_ERROR(writer->Append(ciphertext));
  const std::string sha256 = absl::BytesToHexString(hasher.Finish());
  if (!md.sha256().empty() && !ConstantTimeEquals(md.sha256(), sha256)) {
    return absl::DataLossError(
        "the content's SHA-256 does not match metadata.sha256; nothing was "
        "stored");
  }
  if (source.Cancelled()) return absl::CancelledError("upload cancelled");
  CLINIC_RETURN_IF_ERROR(writer->Commit());

  // ---- Make it visible: the wrapped key and metadata in one transaction.
  const int64_t now = ToMicros(clock_->Now());
  VersionRow v;
  v.document_id = target.doc_id;
  v.version = version;
  v.size_bytes = total;
  v.sha256 = sha256;
  v.media_type = detected;
  v.uploaded_by = caller.is_user() ? caller.user_resource() : "service";
  v.upload_us = now;
  v.blob = blob_name;
  v.segment_bytes = static_cast<int64_t>(segment_bytes);
  DocumentRow doc;
  std::vector<VersionRow> versions;
  // Every run assigns `v`, `doc` and `versions` afresh, so group commit may
  // run it again (Repeat::kSafe).
  auto make_visible = [&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v.kek_version,
                            document_store::CurrentKekVersion(c));
    CLINIC_ASSIGN_OR_RETURN(v.wrapped_key,
                            wrapper_.Wrap(v.kek_version, data_key,
                                          document_store::WrappedKeyContext(
                                              v.document_id, version)));
    if (new_document) {
      doc.id = target.doc_id;
      doc.case_id = target.case_id;
      doc.type = md.type();
      doc.title = md.title();
      doc.language = md.language();
      if (md.has_translation())
        doc.translation = md.translation().SerializeAsString();
      doc.etag = 1;
      doc.next_version = 2;
      doc.create_us = now;
      doc.update_us = now;
      CLINIC_RETURN_IF_ERROR(document_store::InsertDocument(c, doc));
    } else {
      // The document may have been deleted while the upload streamed.
      CLINIC_ASSIGN_OR_RETURN(doc, LoadDocument(c, target));
      doc.etag += 1;
      doc.update_us = now;
      CLINIC_RETURN_IF_ERROR(document_store::UpdateDocument(c, doc));
    }
    CLINIC_RETURN_IF_ERROR(document_store::InsertVersion(c, v));
    CLINIC_ASSIGN_OR_RETURN(versions,
                            document_store::ListVersions(c, target.doc_id));
    return absl::OkStatus();
  };
  absl::Status committed =
      db_->Write(make_visible, storage::Database::Repeat::kSafe);
  if (!committed.ok()) {
    absl::Status removed = blobs_->Delete(blob_name);
    if (!removed.ok()) {
      log::Warning(
          "blob of a failed upload not removed; the start-up sweep will",
          {{"reason", std::string(removed.message())}});
    }
    return committed;
  }
  *out = DocumentProto(doc, versions);
  return absl::OkStatus();
}

// ---- Download
// ----------------------------------------------------------------

absl::Status DocumentManager::Download(const Caller& caller,
                                       const v1::DownloadDocumentRequest& req,
                                       const CallAudit& audit,
                                       DownloadSink& sink) {
  CLINIC_ASSIGN_OR_RETURN(DocName n, ParseDocumentName("name", req.name()));
  if (req.version() < 0) return Invalid("version must not be negative");
  if (req.offset() < 0) return Invalid("offset must not be negative");
  if (req.length() < 0) return Invalid("length must not be negative");
  CLINIC_RETURN_IF_ERROR(check_case_(caller, n.case_name()).status());
  DocumentRow doc;
  VersionRow v;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(doc, LoadDocument(c, n));
    CLINIC_ASSIGN_OR_RETURN(std::vector<VersionRow> versions,
                            document_store::ListVersions(c, n.doc_id));
    for (VersionRow& row : versions) {
      if (req.version() == 0 || row.version == req.version()) v = row;
    }
    if (v.version == 0)
      return NotFound(VersionResource(n.name(), req.version()));
    return absl::OkStatus();
  }));
  if (req.offset() > v.size_bytes) {
    return absl::OutOfRangeError(absl::StrCat(
        "offset is beyond the end of the document (", v.size_bytes, " bytes)"));
  }
  const int64_t end = req.length() == 0
                          ? v.size_bytes
                          : std::min(v.size_bytes, req.offset() + req.length());
  audit.resource(VersionResource(n.name(), v.version));

  CLINIC_ASSIGN_OR_RETURN(SecretBytes data_key,
                          wrapper_.Unwrap(v.kek_version, v.wrapped_key,
                                          document_store::WrappedKeyContext(
                                              v.document_id, v.version)));
  absl::StatusOr<std::unique_ptr<storage::BlobReader>> reader =
      blobs_->Open(v.blob);
  if (absl::IsNotFound(reader.status())) {
    return absl::DataLossError("the document's ciphertext is missing");
  }
  CLINIC_RETURN_IF_ERROR(reader.status());
  const int64_t expected_size = storage::SegmentedAead::CiphertextSize(
      v.size_bytes, static_cast<size_t>(v.segment_bytes));
  if ((*reader)->size() != expected_size) {
    return absl::DataLossError(
        "the document's ciphertext has the wrong length (truncated or "
        "extended)");
  }
  std::string header;
  CLINIC_RETURN_IF_ERROR(
      (*reader)->ReadAt(0, storage::SegmentedAead::kHeaderBytes, &header));
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<storage::SegmentDecryptor> decryptor,
      storage::SegmentDecryptor::Create(
          data_key, storage::SegmentBinding{v.document_id, v.version}, header,
          (*reader)->size()));
  if (decryptor->segment_bytes() != static_cast<size_t>(v.segment_bytes) ||
      decryptor->plaintext_size() != v.size_bytes) {
    return absl::DataLossError("the document's ciphertext header was altered");
  }

  v1::DownloadDocumentResponse message;
  *message.mutable_metadata() = DocumentProto(doc, {v});
  if (!sink.Write(message)) return absl::CancelledError("download cancelled");

  const int64_t seg = v.segment_bytes;
  const int64_t chunk_limit = static_cast<int64_t>(
      std::min(options_.download_chunk_bytes, kMaxChunkBytes));
  const int64_t batch = std::max<int64_t>(1, chunk_limit / seg);
  int64_t first = req.offset() / seg;
  int64_t last = end > req.offset() ? (end - 1) / seg : first - 1;
  if (v.size_bytes == 0) {
    // Nothing to send, but the (empty) ciphertext must still authenticate.
    first = 0;
    last = 0;
  }
  int64_t sent = 0;
  std::string cipher, plain;
  for (int64_t i = first; i <= last; i += batch) {
    const int64_t j = std::min(last, i + batch - 1);
    const int64_t at = decryptor->SegmentOffset(i);
    const int64_t len =
        decryptor->SegmentOffset(j) +
        static_cast<int64_t>(decryptor->SegmentCiphertextBytes(j)) - at;
    CLINIC_RETURN_IF_ERROR(
        (*reader)->ReadAt(at, static_cast<size_t>(len), &cipher));
    plain.clear();
    size_t pos = 0;
    for (int64_t k = i; k <= j; ++k) {
      size_t bytes = decryptor->SegmentCiphertextBytes(k);
      CLINIC_RETURN_IF_ERROR(decryptor->DecryptSegment(
          k, absl::string_view(cipher).substr(pos, bytes), &plain));
      pos += bytes;
    }
    // The part of these segments inside [offset, end).
    const int64_t plain_start = i * seg;
    const int64_t from =
        std::max<int64_t>(req.offset(), plain_start) - plain_start;
    const int64_t to =
        std::min<int64_t>(end,
                          plain_start + static_cast<int64_t>(plain.size())) -
        plain_start;
    for (int64_t p = from; p < to; p += static_cast<int64_t>(kMaxChunkBytes)) {
      int64_t n_bytes = std::min<int64_t>(to - p, kMaxChunkBytes);
      message.Clear();
      message.set_chunk(plain.data() + p, static_cast<size_t>(n_bytes));
      if (!sink.Write(message))
        return absl::CancelledError("download cancelled");
      sent += n_bytes;
    }
  }
  std::fill(plain.begin(), plain.end(), '\0');
  message.Clear();
  message.mutable_trailer()->set_bytes_sent(sent);
  if (!sink.Write(message)) return absl::CancelledError("download cancelled");
  return absl::OkStatus();
}

// ---- Get / List
// --------------------------------------------------------------

absl::Status DocumentManager::Get(const Caller& caller,
                                  const v1::GetDocumentRequest& req,
                                  const CallAudit& audit, v1::Document* out) {
  CLINIC_ASSIGN_OR_RETURN(DocName n, ParseDocumentName("name", req.name()));
  CLINIC_RETURN_IF_ERROR(check_case_(caller, n.case_name()).status());
  audit.resource(n.name());
  return db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(DocumentRow doc, LoadDocument(c, n));
    CLINIC_ASSIGN_OR_RETURN(std::vector<VersionRow> versions,
                            document_store::ListVersions(c, n.doc_id));
    *out = DocumentProto(doc, versions);
    return absl::OkStatus();
  });
}

absl::Status DocumentManager::List(const Caller& caller,
                                   const v1::ListDocumentsRequest& req,
                                   const CallAudit& audit,
                                   v1::ListDocumentsResponse* out) {
  if (req.case_().empty()) return Invalid("case is required");
  CLINIC_RETURN_IF_ERROR(ValidateCaseName(req.case_(), "case"));
  CLINIC_ASSIGN_OR_RETURN(
      int page_size,
      EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize));
  CLINIC_RETURN_IF_ERROR(
      ValidateEnum("type", req.type(), v1::DocumentType_IsValid, false));
  document_store::ListFilter filter;
  filter.case_id = ResourceId(req.case_());
  filter.type = req.type();
  if (req.has_updated_since()) {
    if (req.updated_since().seconds() < 0 || req.updated_since().nanos() < 0 ||
        req.updated_since().nanos() > 999999999) {
      return Invalid("updated_since must be a valid time after 1970");
    }
    filter.updated_since_us = ToMicros(FromProtoTime(req.updated_since()));
  }
  CLINIC_ASSIGN_OR_RETURN(std::string key, DecodePageToken(req.page_token()));
  if (!key.empty()) {
    std::vector<std::string> parts = absl::StrSplit(key, '|');
    if (parts.size() != 2 ||
        !absl::SimpleAtoi(parts[0], &filter.after_update_us) ||
        !ValidId(parts[1])) {
      return Invalid("page_token is not one this server issued");
    }
    filter.after_id = parts[1];
  }
  CLINIC_RETURN_IF_ERROR(check_case_(caller, req.case_()).status());
  return db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        std::vector<DocumentRow> rows,
        document_store::ListDocuments(c, filter, page_size + 1));
    bool more = static_cast<int>(rows.size()) > page_size;
    if (more) rows.resize(static_cast<size_t>(page_size));
    for (const DocumentRow& row : rows) {
      CLINIC_ASSIGN_OR_RETURN(std::vector<VersionRow> versions,
                              document_store::ListVersions(c, row.id));
      *out->add_documents() = DocumentProto(row, versions);
      audit.resource(DocName{row.case_id, row.id}.name());
    }
    if (more) {
      out->set_next_page_token(EncodePageToken(
          absl::StrCat(rows.back().update_us, "|", rows.back().id)));
    }
    return absl::OkStatus();
  });
}

// ---- Delete
// ------------------------------------------------------------------

absl::Status DocumentManager::Delete(const Caller& caller,
                                     const v1::DeleteDocumentRequest& req,
                                     const CallAudit& audit,
                                     v1::DeleteDocumentResponse* out) {
  CLINIC_ASSIGN_OR_RETURN(DocName n, ParseDocumentName("name", req.name()));
  if (req.version() < 0) return Invalid("version must not be negative");
  if (req.reason().empty()) return Invalid("reason is required");
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 5, 1000, true));
  if (req.etag().empty()) return Invalid("etag is required");
  int64_t etag = 0;
  if (!absl::SimpleAtoi(req.etag(), &etag) || etag < 1) {
    return Invalid(
        "etag is not one this server issued; fetch the document again");
  }
  CLINIC_RETURN_IF_ERROR(check_case_(caller, n.case_name()).status());
  audit.reason(req.reason());
  audit.resource(n.name());
  std::vector<std::string> doomed_blobs;
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    doomed_blobs.clear();
    out->Clear();
    CLINIC_ASSIGN_OR_RETURN(DocumentRow doc, LoadDocument(c, n));
    if (doc.etag != etag) {
      return absl::AbortedError(absl::StrCat(
          n.name(), " was changed since you read it; fetch it again"));
    }
    CLINIC_ASSIGN_OR_RETURN(std::vector<VersionRow> versions,
                            document_store::ListVersions(c, n.doc_id));
    size_t kept = 0;
    for (const VersionRow& v : versions) {
      if (req.version() != 0 && v.version != req.version()) {
        ++kept;
        continue;
      }
      // Destroying the row destroys the only copy of the wrapped data key.
      CLINIC_RETURN_IF_ERROR(
          document_store::DeleteVersion(c, n.doc_id, v.version));
      doomed_blobs.push_back(v.blob);
      out->add_versions(v.version);
    }
    if (out->versions().empty()) {
      return NotFound(VersionResource(n.name(), req.version()));
    }
    if (kept == 0) return document_store::DeleteDocument(c, n.doc_id);
    doc.etag += 1;
    doc.update_us = ToMicros(clock_->Now());
    return document_store::UpdateDocument(c, doc);
  }));
  for (int64_t v : out->versions())
    audit.resource(VersionResource(n.name(), v));
  DiscardDestroyed(doomed_blobs);
  return absl::OkStatus();
}

absl::Status DocumentManager::ShredCase(
    const v1::ShredCaseDocumentsRequest& req, const CallAudit& audit,
    v1::ShredCaseDocumentsResponse* out) {
  CLINIC_RETURN_IF_ERROR(ValidateCaseName(req.case_(), "case"));
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 5, 1000, true));
  audit.reason(req.reason());
  audit.resource(req.case_());
  document_store::ListFilter filter;
  filter.case_id = ResourceId(req.case_());
  std::vector<std::string> doomed_blobs;
  auto shred = [&](Connection& c) -> absl::Status {
    doomed_blobs.clear();
    out->Clear();
    CLINIC_ASSIGN_OR_RETURN(std::vector<DocumentRow> docs,
                            document_store::ListDocuments(
                                c, filter, std::numeric_limits<int>::max()));
    for (const DocumentRow& doc : docs) {
      CLINIC_ASSIGN_OR_RETURN(std::vector<VersionRow> versions,
                              document_store::ListVersions(c, doc.id));
      out->set_documents(out->documents() + 1);
      out->set_versions(out->versions() + static_cast<int>(versions.size()));
      if (req.dry_run()) continue;
      for (const VersionRow& v : versions) {
        // Destroying the row destroys the only copy of the wrapped data key.
        CLINIC_RETURN_IF_ERROR(
            document_store::DeleteVersion(c, doc.id, v.version));
        doomed_blobs.push_back(v.blob);
      }
      CLINIC_RETURN_IF_ERROR(document_store::DeleteDocument(c, doc.id));
    }
    return absl::OkStatus();
  };
  if (req.dry_run()) return db_->Read(shred);
  CLINIC_RETURN_IF_ERROR(db_->Write(shred));
  DiscardDestroyed(doomed_blobs);
  return absl::OkStatus();
}

void DocumentManager::DiscardDestroyed(const std::vector<std::string>& blobs) {
  // The wrapped keys are zeroed in the file; flush them out of the log too.
  FlushErased(*db_);
  for (const std::string& blob : blobs) {
    absl::Status removed = blobs_->Delete(blob);
    if (!removed.ok() && !absl::IsNotFound(removed)) {
      // The key is gone, so the blob is unreadable; the start-up sweep removes
      // it.
      log::Warning("blob of a deleted document not removed yet",
                   {{"reason", std::string(removed.message())}});
    }
  }
}

// ---- Keys
// --------------------------------------------------------------------

absl::Status DocumentManager::RotateKeys(const Caller& caller,
                                         const CallAudit& audit,
                                         v1::RotateKeysResponse* out,
                                         int64_t max_rewraps) {
  int target = 0;
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int current, document_store::CurrentKekVersion(c));
    CLINIC_ASSIGN_OR_RETURN(int64_t pending,
                            document_store::CountWrappedBefore(c, current));
    target = current;
    if (pending > 0) return absl::OkStatus();  // finish the interrupted one
    target = current + 1;
    return document_store::AddKekVersion(c, target, ToMicros(clock_->Now()));
  }));
  audit.resource(absl::StrCat("documentKeys/", target));
  int64_t rewrapped = 0;
  while (max_rewraps < 0 || rewrapped < max_rewraps) {
    int limit = options_.rotation_batch;
    if (max_rewraps >= 0) {
      limit =
          static_cast<int>(std::min<int64_t>(limit, max_rewraps - rewrapped));
    }
    int done = 0;
    CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
      done = 0;
      CLINIC_ASSIGN_OR_RETURN(
          std::vector<VersionRow> rows,
          document_store::VersionsWrappedBefore(c, target, limit));
      for (const VersionRow& row : rows) {
        const std::string context =
            document_store::WrappedKeyContext(row.document_id, row.version);
        absl::StatusOr<SecretBytes> key =
            wrapper_.Unwrap(row.kek_version, row.wrapped_key, context);
        if (!key.ok()) {
          return absl::DataLossError(absl::StrCat(
              "the data key of cases/.../documents/", row.document_id,
              " version ", row.version, " does not unwrap; rotation stopped"));
        }
        CLINIC_ASSIGN_OR_RETURN(std::string wrapped,
                                wrapper_.Wrap(target, *key, context));
        CLINIC_RETURN_IF_ERROR(document_store::UpdateWrappedKey(
            c, row.document_id, row.version, target, wrapped));
        ++done;
      }
      return absl::OkStatus();
    }));
    rewrapped += done;
    if (done == 0) break;
  }
  int64_t remaining = 0;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(remaining,
                            document_store::CountWrappedBefore(c, target));
    return absl::OkStatus();
  }));
  out->set_kek_version(target);
  out->set_rewrapped(rewrapped);
  out->set_remaining(remaining);
  log::Info("document keys rotated", {{"kek_version", absl::StrCat(target)},
                                      {"rewrapped", absl::StrCat(rewrapped)},
                                      {"remaining", absl::StrCat(remaining)}});
  return absl::OkStatus();
}

}  // namespace clinic
