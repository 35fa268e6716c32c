// clinicctl doc upload | download | list | show | delete: a case's documents
// (DocumentService). Transfers stream in chunks with a progress bar when a
// person is watching; downloads are verified against their SHA-256 and appear
// under their name only when complete.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "clients/clinic_client.h"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/format.h"
#include "clients/clinicctl/terminal.h"
#include "clinic/v1/document.grpc.pb.h"
#include "storage/crypto/sha256.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

constexpr absl::string_view kFeature = "documents";
constexpr absl::Duration kTransferTimeout = absl::Hours(2);

using Stub = v1::DocumentService::Stub;

absl::Status Call(const grpc::Status& status) {
  return CallStatus(status, kFeature);
}

const v1::DocumentVersion* CurrentVersion(const v1::Document& d) {
  const v1::DocumentVersion* current = nullptr;
  for (const v1::DocumentVersion& v : d.versions()) {
    if (current == nullptr || v.version() == d.current_version()) current = &v;
  }
  return current;
}

void PrintDocuments(const std::vector<const v1::Document*>& documents) {
  Table table(
      {"DOCUMENT", "TYPE", "TITLE", "VER", "SIZE", "MEDIA TYPE", "UPDATED"});
  for (const v1::Document* d : documents) {
    const v1::DocumentVersion* v = CurrentVersion(*d);
    table.AddRow({d->name(), ShortName(d->type()), Abbreviate(d->title(), 50),
                  absl::StrCat(d->current_version()),
                  v ? HumanBytes(v->size_bytes()) : "-",
                  v ? v->media_type() : "-",
                  FormatTimestamp(d->update_time(), absl::LocalTimeZone())});
  }
  table.Print();
}

void PrintDocument(const v1::Document& d) {
  std::string translation;
  if (d.has_translation()) {
    translation = absl::StrCat("of ", d.translation().source_document(), " by ",
                               d.translation().translator_name());
  }
  std::printf(
      "%s",
      FormatDetails(
          {{"Document", d.name()},
           {"Case", d.case_()},
           {"Type", ShortName(d.type())},
           {"Title", d.title()},
           {"Language", d.language()},
           {"Translation", translation},
           {"Current version", absl::StrCat(d.current_version())},
           {"Created", FormatTimestamp(d.create_time(), absl::LocalTimeZone())},
           {"Updated",
            FormatTimestamp(d.update_time(), absl::LocalTimeZone())}})
          .c_str());
  Table table(
      {"VERSION", "SIZE", "MEDIA TYPE", "UPLOADED BY", "WHEN", "SHA-256"});
  for (const v1::DocumentVersion& v : d.versions()) {
    table.AddRow({absl::StrCat(v.version()), HumanBytes(v.size_bytes()),
                  v.media_type(), v.uploaded_by(),
                  FormatTimestamp(v.upload_time(), absl::LocalTimeZone()),
                  v.sha256()});
  }
  std::printf("\n");
  table.Print();
}

absl::StatusOr<v1::Document> GetDocument(ClinicClient& client,
                                         const std::string& name) {
  Stub stub(client.ChannelFor("document"));
  v1::GetDocumentRequest request;
  request.set_name(name);
  v1::Document out;
  auto call = client.NewContext();
  CLINIC_RETURN_IF_ERROR(Call(stub.GetDocument(call.get(), request, &out)));
  return out;
}

// Lowercase hex SHA-256 of a file, read in chunks.
absl::StatusOr<std::string> HashFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  storage::Sha256Hasher hasher;
  std::string buffer(kUploadChunkBytes, '\0');
  while (in) {
    in.read(&buffer[0], static_cast<std::streamsize>(buffer.size()));
    hasher.Update(
        absl::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return absl::DataLossError("error reading " + path);
  std::string digest = hasher.Finish();
  std::string hex;
  for (unsigned char c : digest) absl::StrAppendFormat(&hex, "%02x", c);
  return hex;
}

// ---- upload
// ------------------------------------------------------------------

struct UploadArgs {
  std::string case_name, file, type, title, language, media_type, version_of;
  std::string translation_of, translator, declaration;
};

absl::Status BuildUploadMetadata(const UploadArgs& a, v1::UploadMetadata* m) {
  struct stat st;
  if (::stat(a.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("FILE ", a.file, " is not a readable file"));
  }
  m->set_declared_size_bytes(static_cast<int64_t>(st.st_size));
  m->set_media_type(a.media_type.empty() ? GuessMediaType(a.file)
                                         : a.media_type);
  if (m->media_type().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot tell the media type of ", a.file,
        " from its extension; give --media-type (e.g. application/pdf)"));
  }
  if (!a.version_of.empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        *m->mutable_document(),
        ResourceName("cases", "--new-version-of", a.version_of));
    return absl::OkStatus();
  }
  if (a.case_name.empty()) {
    return absl::InvalidArgumentError(
        "CASE is required for a new document (or give --new-version-of)");
  }
  CLINIC_ASSIGN_OR_RETURN(*m->mutable_case_(),
                          ResourceName("cases", "CASE", a.case_name));
  if (a.type.empty() || a.title.empty()) {
    return absl::InvalidArgumentError(
        "--type and --title are required for a new document");
  }
  CLINIC_ASSIGN_OR_RETURN(v1::DocumentType type,
                          ParseEnum<v1::DocumentType>("--type", a.type));
  m->set_type(type);
  m->set_title(a.title);
  m->set_language(a.language);
  if (!a.translation_of.empty() || type == v1::DOCUMENT_TYPE_TRANSLATION) {
    if (a.translation_of.empty() || a.translator.empty() ||
        a.declaration.empty()) {
      return absl::InvalidArgumentError(
          "a translation needs --translation-of, --translator and "
          "--declaration");
    }
    v1::Translation* t = m->mutable_translation();
    CLINIC_ASSIGN_OR_RETURN(
        *t->mutable_source_document(),
        ResourceName("cases", "--translation-of", a.translation_of));
    t->set_translator_name(a.translator);
    t->set_declaration(a.declaration);
  }
  return absl::OkStatus();
}

int Upload(CommandContext& ctx, const UploadArgs& args) {
  v1::UploadDocumentRequest first;
  absl::Status built = BuildUploadMetadata(args, first.mutable_metadata());
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    // The digest travels ahead of the content, so the server refuses (and
    // stores nothing) if what arrives differs from what was read here.
    CLINIC_ASSIGN_OR_RETURN(std::string sha256, HashFile(args.file));
    first.mutable_metadata()->set_sha256(sha256);
    std::ifstream in(args.file, std::ios::binary);
    if (!in) return absl::NotFoundError("cannot read " + args.file);

    Stub stub(client.ChannelFor("document"));
    v1::Document document;
    auto call = client.NewContext(kTransferTimeout);
    auto writer = stub.UploadDocument(call.get(), &document);
    const int64_t total = first.metadata().declared_size_bytes();
    Progress progress("Uploading " + args.file, total);
    bool open = writer->Write(first);
    int64_t sent = 0;
    v1::UploadDocumentRequest chunk;
    std::string buffer(kUploadChunkBytes, '\0');
    while (open && in) {
      in.read(&buffer[0], static_cast<std::streamsize>(buffer.size()));
      size_t n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      chunk.set_chunk(buffer.data(), n);
      // false: the server ended the call early; Finish says why.
      open = writer->Write(chunk);
      sent += static_cast<int64_t>(n);
      progress.Update(sent);
    }
    if (in.bad()) {
      call->TryCancel();
      writer->Finish().ok();
      return absl::DataLossError("error reading " + args.file +
                                 "; nothing was stored");
    }
    if (open) writer->WritesDone();
    CLINIC_RETURN_IF_ERROR(Call(writer->Finish()));
    progress.Finish();
    if (ctx.options().json) {
      ctx.PrintJson(document);
    } else {
      const v1::DocumentVersion* v = CurrentVersion(document);
      std::printf("Uploaded %s as %s, version %lld (%s, %s, SHA-256 %s).\n",
                  args.file.c_str(), document.name().c_str(),
                  static_cast<long long>(document.current_version()),
                  v ? HumanBytes(v->size_bytes()).c_str() : "?",
                  v ? v->media_type().c_str() : "?", sha256.c_str());
    }
    return absl::OkStatus();
  });
}

// ---- download
// ----------------------------------------------------------------

// The partial file of the download in progress, removed if the person
// interrupts it (a failed download leaves nothing behind).
char g_partial_path[4096];

void RemovePartialAndExit(int signal) {
  if (g_partial_path[0] != '\0') ::unlink(g_partial_path);
  ::_exit(128 + signal);
}

class PartialFile {
 public:
  // A new private file beside `target` (so that renaming it is atomic).
  static absl::StatusOr<std::unique_ptr<PartialFile>> Create(
      const std::string& target) {
    std::string path = target + ".partial-XXXXXX";
    int fd = ::mkstemp(&path[0]);
    if (fd < 0) return storage::ErrnoToStatus(errno, "cannot create", path);
    if (path.size() < sizeof(g_partial_path)) {
      std::memcpy(g_partial_path, path.c_str(), path.size() + 1);
      std::signal(SIGINT, RemovePartialAndExit);
      std::signal(SIGTERM, RemovePartialAndExit);
      std::signal(SIGHUP, RemovePartialAndExit);
    }
    return std::unique_ptr<PartialFile>(new PartialFile(fd, std::move(path)));
  }

  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
    g_partial_path[0] = '\0';
  }

  absl::Status Append(absl::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return storage::ErrnoToStatus(errno, "cannot write", path_);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  // Makes the file durable and gives it its final name.
  absl::Status KeepAs(const std::string& target) {
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      return storage::ErrnoToStatus(errno, "cannot write", path_);
    }
    fd_ = -1;
    if (::rename(path_.c_str(), target.c_str()) != 0) {
      return storage::ErrnoToStatus(errno, "cannot create", target);
    }
    kept_ = true;
    return storage::SyncDirectory(storage::DirName(target));
  }

 private:
  PartialFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
  bool kept_ = false;
};

struct DownloadArgs {
  std::string name, output;
  int64_t version = 0, offset = 0, length = 0;
  bool force = false;
};

int Download(CommandContext& ctx, const DownloadArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "DOCUMENT", args.name);
  if (!name.ok()) return UsageError(name.status());
  if (args.version < 0 || args.offset < 0 || args.length < 0) {
    return UsageError(absl::InvalidArgumentError(
        "--version, --offset and --length cannot be negative"));
  }
  if (storage::PathExists(args.output) && !args.force) {
    return UsageError(absl::AlreadyExistsError(
        args.output + " exists; choose another -o or add --force"));
  }
  const bool whole = args.offset == 0 && args.length == 0;
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> partial,
                            PartialFile::Create(args.output));
    v1::DownloadDocumentRequest request;
    request.set_name(*name);
    request.set_version(args.version);
    request.set_offset(args.offset);
    request.set_length(args.length);
    Stub stub(client.ChannelFor("document"));
    auto call = client.NewContext(kTransferTimeout);
    auto reader = stub.DownloadDocument(call.get(), request);

    v1::DownloadDocumentResponse message;
    v1::Document metadata;
    const v1::DocumentVersion* version = nullptr;
    std::unique_ptr<Progress> progress;
    storage::Sha256Hasher hasher;
    int64_t received = 0;
    bool trailer = false;
    int64_t bytes_sent = -1;
    absl::Status local;
    while (local.ok() && reader->Read(&message)) {
      if (message.has_metadata()) {
        metadata = message.metadata();
        version = CurrentVersion(metadata);
        for (const v1::DocumentVersion& v : metadata.versions()) {
          if (args.version != 0 && v.version() == args.version) version = &v;
        }
        int64_t size = version ? version->size_bytes() : 0;
        int64_t expected = args.length > 0
                               ? args.length
                               : std::max<int64_t>(0, size - args.offset);
        progress =
            std::make_unique<Progress>("Downloading " + args.output, expected);
      } else if (message.payload_case() ==
                 v1::DownloadDocumentResponse::kChunk) {
        if (trailer) {
          local = absl::DataLossError("the server sent data after the end");
          break;
        }
        local = partial->Append(message.chunk());
        hasher.Update(message.chunk());
        received += static_cast<int64_t>(message.chunk().size());
        if (progress) progress->Update(received);
      } else if (message.has_trailer()) {
        trailer = true;
        bytes_sent = message.trailer().bytes_sent();
      }
    }
    if (!local.ok()) {
      call->TryCancel();
      reader->Finish().ok();
      return local;
    }
    CLINIC_RETURN_IF_ERROR(Call(reader->Finish()));
    // Every check below must pass before the file appears under its name.
    if (!trailer || bytes_sent != received) {
      return absl::DataLossError(absl::StrCat(
          "the download ended early (", received, " bytes received",
          trailer ? absl::StrCat(", ", bytes_sent, " sent") : "",
          "); nothing was saved, try again"));
    }
    std::string digest = hasher.Finish();
    std::string hex;
    for (unsigned char c : digest) absl::StrAppendFormat(&hex, "%02x", c);
    if (whole) {
      if (version == nullptr || version->sha256() != hex) {
        return absl::DataLossError(
            "the downloaded content does not match its SHA-256; nothing was "
            "saved, try again");
      }
    }
    CLINIC_RETURN_IF_ERROR(partial->KeepAs(args.output));
    if (progress) progress->Finish();
    if (ctx.options().json) {
      ctx.PrintJson(metadata);
    } else {
      std::printf("Saved %s (%s, version %lld) to %s: %s%s.\n",
                  metadata.title().c_str(), name->c_str(),
                  static_cast<long long>(version ? version->version() : 0),
                  args.output.c_str(), HumanBytes(received).c_str(),
                  whole ? ", SHA-256 verified"
                        : " (a range: the whole file's SHA-256 was not "
                          "checked)");
    }
    return absl::OkStatus();
  });
}

// ---- list / show / delete
// ----------------------------------------------------

struct ListArgs {
  std::string case_name, type;
};

int List(CommandContext& ctx, const ListArgs& args) {
  v1::ListDocumentsRequest request;
  absl::Status built = [&]() -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(*request.mutable_case_(),
                            ResourceName("cases", "CASE", args.case_name));
    if (!args.type.empty()) {
      CLINIC_ASSIGN_OR_RETURN(v1::DocumentType type,
                              ParseEnum<v1::DocumentType>("--type", args.type));
      request.set_type(type);
    }
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  request.set_page_size(200);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("document"));
    v1::ListDocumentsResponse all;
    CLINIC_RETURN_IF_ERROR(
        (FetchAllPages<v1::ListDocumentsRequest, v1::ListDocumentsResponse>(
            request,
            [&](const v1::ListDocumentsRequest& r,
                v1::ListDocumentsResponse* out) {
              auto call = client.NewContext();
              return Call(stub.ListDocuments(call.get(), r, out));
            },
            [&](const v1::ListDocumentsResponse& page) {
              for (const v1::Document& d : page.documents()) {
                *all.add_documents() = d;
              }
            },
            [](const v1::ListDocumentsResponse& p) {
              return p.documents_size();
            })));
    if (ctx.options().json) {
      ctx.PrintJson(all);
    } else if (all.documents().empty()) {
      std::printf("No documents on %s.\n", request.case_().c_str());
    } else {
      std::vector<const v1::Document*> list;
      for (const v1::Document& d : all.documents()) list.push_back(&d);
      PrintDocuments(list);
    }
    return absl::OkStatus();
  });
}

int Show(CommandContext& ctx, const std::string& text) {
  absl::StatusOr<std::string> name = ResourceName("cases", "DOCUMENT", text);
  if (!name.ok()) return UsageError(name.status());
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Document d, GetDocument(client, *name));
    if (ctx.options().json) {
      ctx.PrintJson(d);
    } else {
      PrintDocument(d);
    }
    return absl::OkStatus();
  });
}

struct DeleteArgs {
  std::string name, reason;
  int64_t version = 0;
  bool yes = false;
};

int Delete(CommandContext& ctx, const DeleteArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "DOCUMENT", args.name);
  if (!name.ok()) return UsageError(name.status());
  if (args.version < 0) {
    return UsageError(
        absl::InvalidArgumentError("--version cannot be negative"));
  }
  int code = kExitOk;
  int run = RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Document d, GetDocument(client, *name));
    if (!args.yes) {
      std::string what =
          args.version == 0 ? absl::StrCat("every version (", d.versions_size(),
                                           ") of \"", d.title(), "\"")
                            : absl::StrCat("version ", args.version, " of \"",
                                           d.title(), "\"");
      CLINIC_ASSIGN_OR_RETURN(
          bool confirmed,
          Confirm(absl::StrCat("Destroy ", what, " (", *name,
                               ")? Its keys are destroyed: it cannot be "
                               "recovered from any copy.")));
      if (!confirmed) {
        std::fprintf(stderr, "Nothing was deleted.\n");
        code = kExitFailed;
        return absl::OkStatus();
      }
    }
    v1::DeleteDocumentRequest request;
    request.set_name(*name);
    request.set_version(args.version);
    request.set_reason(args.reason);
    request.set_etag(d.etag());
    v1::DeleteDocumentResponse response;
    Stub stub(client.ChannelFor("document"));
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.DeleteDocument(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
    } else {
      std::vector<std::string> versions;
      for (int64_t v : response.versions()) versions.push_back(absl::StrCat(v));
      std::printf("Destroyed %s version(s) %s.\n", name->c_str(),
                  absl::StrJoin(versions, ", ").c_str());
    }
    return absl::OkStatus();
  });
  return run != kExitOk ? run : code;
}

}  // namespace

void RegisterDocumentCommands(CLI::App& app, CommandContext& ctx,
                              int& exit_code) {
  CLI::App* doc = app.add_subcommand(
      "doc", "A case's documents: upload, download (verified), list, delete");
  doc->require_subcommand(1);

  auto up = std::make_shared<UploadArgs>();
  CLI::App* upload =
      doc->add_subcommand("upload", "Upload a file to a case (streamed)");
  upload->add_option("CASE", up->case_name,
                     "cases/ID (not needed with --new-version-of)");
  upload->add_option("FILE", up->file, "The file to upload");
  upload->add_option("--type", up->type,
                     "One of " + Choices<v1::DocumentType>());
  upload->add_option("--title", up->title,
                     "e.g. \"MB4-01234 – RPD – Disclosure\"");
  upload->add_option("--language", up->language,
                     "BCP 47 tag of the content's language, e.g. ti");
  upload->add_option("--media-type", up->media_type,
                     "Declared media type (default: from the file extension)");
  upload->add_option("--new-version-of", up->version_of,
                     "Upload as a new version of this document");
  upload->add_option("--translation-of", up->translation_of,
                     "For --type translation: the source document");
  upload->add_option("--translator", up->translator, "The translator's name");
  upload->add_option("--declaration", up->declaration,
                     "The translator's declaration (RPD r.32)");
  upload->footer(
      "The server checks the content against the declared media type and "
      "stores nothing\n"
      "unless the whole file arrives intact (SHA-256 checked).\n"
      "Examples:\n"
      "  clinicctl doc upload cases/4hq8 boc.pdf --type boc-form --title "
      "\"BOC narrative\"\n"
      "  clinicctl doc upload cases/4hq8 passport.jpg --type identity --title "
      "\"Passport\"\n"
      "  clinicctl doc upload boc-v2.pdf --new-version-of "
      "cases/4hq8/documents/d1\n"
      "  clinicctl doc upload cases/4hq8 tr.pdf --type translation --title "
      "\"Birth certificate (EN)\" \\\n"
      "      --translation-of cases/4hq8/documents/d2 --translator \"S. "
      "Bekele\" --declaration \"...\"\n");
  upload->callback([&ctx, &exit_code, up] {
    // "upload FILE --new-version-of DOC" names only the file.
    if (up->file.empty()) std::swap(up->file, up->case_name);
    if (up->file.empty()) {
      exit_code = UsageError(absl::InvalidArgumentError("FILE is required"));
      return;
    }
    exit_code = Upload(ctx, *up);
  });

  auto down = std::make_shared<DownloadArgs>();
  CLI::App* download = doc->add_subcommand(
      "download", "Download a document (streamed, SHA-256 verified)");
  download->add_option("DOCUMENT", down->name, "cases/ID/documents/ID")
      ->required();
  download->add_option("-o,--output", down->output, "File to write")
      ->required();
  download->add_option("--version", down->version,
                       "A version number (default the current one)");
  download->add_option("--offset", down->offset, "First byte to fetch");
  download->add_option("--length", down->length,
                       "Bytes to fetch (default to the end)");
  download->add_flag("--force", down->force, "Replace an existing file");
  download->footer(
      "The file is written beside the target and renamed only when complete "
      "and verified:\n"
      "a failed or interrupted download leaves nothing.\n"
      "Examples:\n"
      "  clinicctl doc download cases/4hq8/documents/d1 -o boc.pdf\n"
      "  clinicctl doc download cases/4hq8/documents/d1 --version 1 -o "
      "boc-v1.pdf\n"
      "  clinicctl doc download cases/4hq8/documents/d1 --offset 0 --length "
      "65536 -o head.bin\n");
  download->callback(
      [&ctx, &exit_code, down] { exit_code = Download(ctx, *down); });

  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list = doc->add_subcommand("list", "Documents of a case");
  list->add_option("CASE", list_args->case_name, "cases/ID")->required();
  list->add_option("--type", list_args->type,
                   "Only " + Choices<v1::DocumentType>());
  list->footer(
      "Examples:\n  clinicctl doc list cases/4hq8\n  clinicctl doc list "
      "cases/4hq8 --type identity --json\n");
  list->callback(
      [&ctx, &exit_code, list_args] { exit_code = List(ctx, *list_args); });

  auto show_name = std::make_shared<std::string>();
  CLI::App* show =
      doc->add_subcommand("show", "A document's details and versions");
  show->add_option("DOCUMENT", *show_name, "cases/ID/documents/ID")->required();
  show->footer("Example:\n  clinicctl doc show cases/4hq8/documents/d1\n");
  show->callback(
      [&ctx, &exit_code, show_name] { exit_code = Show(ctx, *show_name); });

  auto del = std::make_shared<DeleteArgs>();
  CLI::App* remove = doc->add_subcommand(
      "delete", "Destroy a document or one version (cannot be undone)");
  remove->add_option("DOCUMENT", del->name, "cases/ID/documents/ID")
      ->required();
  remove
      ->add_option("--reason", del->reason,
                   "Why (5+ characters; kept in the audit log)")
      ->required();
  remove->add_option("--version", del->version,
                     "Only this version (default every version)");
  remove->add_flag("-y,--yes", del->yes, "Do not ask for confirmation");
  remove->footer(
      "Asks for confirmation unless --yes. The document's keys are destroyed, "
      "so no copy\n"
      "(backups included) can be decrypted again.\n"
      "Examples:\n"
      "  clinicctl doc delete cases/4hq8/documents/d1 --reason \"uploaded to "
      "the wrong case\"\n"
      "  clinicctl doc delete cases/4hq8/documents/d1 --version 2 --reason "
      "\"duplicate scan\" --yes\n");
  remove->callback([&ctx, &exit_code, del] { exit_code = Delete(ctx, *del); });
}

}  // namespace cli
}  // namespace clinic
