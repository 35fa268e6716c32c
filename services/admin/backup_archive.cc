#include "services/admin/backup_archive.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/random.h"
#include "base/secret.h"
#include "base/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/data_dir.h"
#include "storage/crypto/hkdf.h"
#include "storage/file_util.h"

namespace clinic {
namespace backup {
namespace {

constexpr absl::string_view kSigningPrefix("clinic.v1.BackupManifest\0", 25);
constexpr absl::string_view kArchiveInfo = "clinic.backup.archive.v1";
constexpr size_t kSaltBytes = 32;
constexpr size_t kKeyIdBytes = 16;
constexpr size_t kMaxPathBytes = 200;
constexpr uint32_t kMaxManifestBytes = 64 << 20;
constexpr size_t kReadBytes = 1 << 20;

void PutU16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}
void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>(v >> shift));
}
void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out->push_back(static_cast<char>(v >> shift));
}
uint64_t GetBigEndian(absl::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

bool IsNameChars(absl::string_view s, absl::string_view extra) {
  if (s.empty() || s.size() > 100) return false;
  for (char c : s) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) &&
        extra.find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return s.front() != '.';
}

constexpr absl::string_view kSealPrefix("clinic.v1.BackupSeal\0", 21);

std::string SealSigningInput(absl::string_view digest) {
  return absl::StrCat(kSealPrefix, digest);
}

storage::SegmentBinding BindingFor(absl::string_view header) {
  storage::SegmentBinding binding;
  binding.document_id = std::string(header);
  binding.version = kFormatVersion;
  return binding;
}

// Reads and authenticates an archive, checking its records against the
// manifest that ends it.
class ArchiveReader {
 public:
  ArchiveReader(const std::string& path, ArchiveVisitor* visitor)
      : path_(path), visitor_(visitor) {}

  absl::Status Feed(absl::string_view data) {
    while (!data.empty()) {
      if (state_ == State::kDone) {
        return Malformed("it continues after its manifest");
      }
      if (state_ == State::kFileData) {
        size_t n = static_cast<size_t>(
            std::min<uint64_t>(remaining_, static_cast<uint64_t>(data.size())));
        absl::string_view piece = data.substr(0, n);
        hasher_.Update(piece);
        if (visitor_ != nullptr)
          CLINIC_RETURN_IF_ERROR(visitor_->FileData(piece));
        remaining_ -= n;
        data.remove_prefix(n);
        if (remaining_ == 0) CLINIC_RETURN_IF_ERROR(EndFile());
        continue;
      }
      size_t take = std::min(need_ - buffer_.size(), data.size());
      buffer_.append(data.data(), take);
      data.remove_prefix(take);
      if (buffer_.size() == need_) CLINIC_RETURN_IF_ERROR(Advance());
    }
    return absl::OkStatus();
  }

  // The manifest, once the stream ended exactly after it.
  absl::StatusOr<v1::BackupManifest> Finish() {
    if (state_ != State::kDone) {
      return Malformed("it ends before its manifest");
    }
    return manifest_;
  }

 private:
  enum class State {
    kType,
    kPathLength,
    kPath,
    kSize,
    kFileData,
    kManifestLength,
    kManifest,
    kDone
  };

  absl::Status Malformed(absl::string_view why) const {
    return absl::DataLossError(
        absl::StrCat("backup archive ", path_, " is malformed: ", why));
  }

  void Expect(State state, size_t bytes) {
    state_ = state;
    need_ = bytes;
    buffer_.clear();
  }

  absl::Status Advance() {
    switch (state_) {
      case State::kType:
        if (buffer_ == "F") {
          Expect(State::kPathLength, 2);
        } else if (buffer_ == "M") {
          Expect(State::kManifestLength, 4);
        } else {
          return Malformed("unknown record");
        }
        return absl::OkStatus();
      case State::kPathLength: {
        uint64_t length = GetBigEndian(buffer_);
        if (length == 0 || length > kMaxPathBytes) {
          return Malformed("bad path length");
        }
        Expect(State::kPath, length);
        return absl::OkStatus();
      }
      case State::kPath:
        if (!IsValidArchivePath(buffer_)) return Malformed("bad file path");
        file_path_ = buffer_;
        Expect(State::kSize, 8);
        return absl::OkStatus();
      case State::kSize: {
        uint64_t size = GetBigEndian(buffer_);
        if (size > (uint64_t{1} << 50)) return Malformed("bad file size");
        file_size_ = static_cast<int64_t>(size);
        remaining_ = size;
        if (visitor_ != nullptr) {
          CLINIC_RETURN_IF_ERROR(visitor_->BeginFile(file_path_, file_size_));
        }
        state_ = State::kFileData;
        buffer_.clear();
        if (remaining_ == 0) return EndFile();
        return absl::OkStatus();
      }
      case State::kManifestLength: {
        uint64_t length = GetBigEndian(buffer_);
        if (length > kMaxManifestBytes) return Malformed("manifest too large");
        Expect(State::kManifest, length);
        if (length == 0) return Advance();
        return absl::OkStatus();
      }
      case State::kManifest:
        if (!manifest_.ParseFromString(buffer_)) {
          return Malformed("unreadable manifest");
        }
        Expect(State::kDone, 0);
        return CheckFilesAgainstManifest();
      default:
        return Malformed("internal parser state");
    }
  }

  absl::Status EndFile() {
    v1::BackupFile file;
    file.set_path(file_path_);
    file.set_size_bytes(file_size_);
    file.set_sha256(hasher_.Finish());
    files_.push_back(std::move(file));
    if (visitor_ != nullptr) CLINIC_RETURN_IF_ERROR(visitor_->EndFile());
    Expect(State::kType, 1);
    return absl::OkStatus();
  }

  absl::Status CheckFilesAgainstManifest() const {
    if (manifest_.files_size() != static_cast<int>(files_.size())) {
      return absl::DataLossError(absl::StrCat(
          "backup archive ", path_, " holds ", files_.size(),
          " files but its manifest lists ", manifest_.files_size()));
    }
    for (size_t i = 0; i < files_.size(); ++i) {
      const v1::BackupFile& want = manifest_.files(static_cast<int>(i));
      const v1::BackupFile& got = files_[i];
      if (want.path() != got.path() || want.size_bytes() != got.size_bytes() ||
          want.sha256() != got.sha256()) {
        return absl::DataLossError(absl::StrCat(
            "backup archive ", path_, ": file ", got.path(),
            " does not match its manifest entry (size or SHA-256 differ)"));
      }
    }
    return absl::OkStatus();
  }

  const std::string path_;
  ArchiveVisitor* const visitor_;
  State state_ = State::kType;
  size_t need_ = 1;
  std::string buffer_;
  std::string file_path_;
  int64_t file_size_ = 0;
  uint64_t remaining_ = 0;
  storage::Sha256Hasher hasher_;
  std::vector<v1::BackupFile> files_;
  v1::BackupManifest manifest_;
};

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  ::remove(path);
  return 0;
}

// Removes `path` and everything under it (best effort).
void RemoveTree(const std::string& path) {
  ::nftw(path.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
}

// Writes the files of an archive under a staging directory, checking each
// against the manifest verified beforehand.
class RestoreVisitor : public ArchiveVisitor {
 public:
  RestoreVisitor(std::string staging, const v1::BackupManifest* expected)
      : staging_(std::move(staging)), expected_(expected) {}

  absl::Status BeginFile(const std::string& path, int64_t size) override {
    if (index_ >= expected_->files_size() ||
        expected_->files(index_).path() != path ||
        expected_->files(index_).size_bytes() != size) {
      return absl::DataLossError(
          "the archive changed between verification and restore");
    }
    std::string full = storage::JoinPath(staging_, path);
    CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(storage::DirName(full)));
    out_.fd =
        ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out_.fd < 0) return storage::ErrnoToStatus(errno, "create", full);
    current_ = full;
    return absl::OkStatus();
  }

  absl::Status FileData(absl::string_view data) override {
    hasher_.Update(data);
    while (!data.empty()) {
      ssize_t n = ::write(out_.fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return storage::ErrnoToStatus(errno, "write", current_);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  absl::Status EndFile() override {
    if (hasher_.Finish() != expected_->files(index_).sha256()) {
      return absl::DataLossError(
          "the archive changed between verification and restore");
    }
    if (::fsync(out_.fd) != 0) {
      return storage::ErrnoToStatus(errno, "fsync", current_);
    }
    ::close(out_.fd);
    out_.fd = -1;
    ++index_;
    return absl::OkStatus();
  }

 private:
  const std::string staging_;
  const v1::BackupManifest* const expected_;
  int index_ = 0;
  Fd out_;
  std::string current_;
  storage::Sha256Hasher hasher_;
};

}  // namespace

// ---- BackupKeys ------------------------------------------------------------

absl::StatusOr<std::unique_ptr<BackupKeys>> BackupKeys::FromKeyring(
    const storage::Keyring& keyring) {
  std::unique_ptr<BackupKeys> keys(new BackupKeys());
  keys->archive_root_ = keyring.DeriveKey("backup/archive/v1");
  CLINIC_ASSIGN_OR_RETURN(keys->signer_,
                          storage::Ed25519Signer::FromPrivateKey(
                              keyring.DeriveKey("backup/sign/v1")));
  keys->key_id_ = storage::KeyId(keys->signer_->public_key());
  return keys;
}

absl::StatusOr<SecretBytes> BackupKeys::ArchiveKey(
    absl::string_view salt) const {
  return storage::HkdfSha256(archive_root_.view(), salt, kArchiveInfo,
                             storage::SegmentedAead::kKeyBytes);
}

std::string ManifestSigningInput(const v1::BackupManifest& manifest) {
  v1::BackupManifest unsigned_manifest = manifest;
  unsigned_manifest.clear_signature();
  std::string out(kSigningPrefix);
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    unsigned_manifest.SerializeToCodedStream(&coded);
  }
  return out;
}

bool IsValidArchivePath(absl::string_view path) {
  size_t slash = path.find('/');
  if (slash == absl::string_view::npos) return false;
  absl::string_view dir = path.substr(0, slash);
  absl::string_view name = path.substr(slash + 1);
  if (dir == "db") {
    return absl::EndsWith(name, ".db") &&
           IsNameChars(name.substr(0, name.size() - 3), "_");
  }
  if (dir == "blobs") return IsNameChars(name, "") && name.size() <= 64;
  if (dir == "tls") return IsNameChars(name, "._-");
  return false;
}

// ---- ArchiveWriter ---------------------------------------------------------

absl::StatusOr<std::unique_ptr<ArchiveWriter>> ArchiveWriter::Create(
    const BackupKeys* keys, std::string* out) {
  std::unique_ptr<ArchiveWriter> writer(new ArchiveWriter());
  writer->keys_ = keys;
  CLINIC_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  std::string header(kMagic);
  PutU32(&header, kFormatVersion);
  header.append(salt);
  header.append(keys->key_id());
  if (header.size() != kHeaderBytes) {
    return absl::InternalError("unexpected backup key id length");
  }
  CLINIC_ASSIGN_OR_RETURN(SecretBytes key, keys->ArchiveKey(salt));
  CLINIC_ASSIGN_OR_RETURN(writer->encryptor_,
                          storage::SegmentEncryptor::Create(
                              key, BindingFor(header), kSegmentBytes));
  out->append(header);
  writer->archive_hasher_.Update(header);
  return writer;
}

absl::Status ArchiveWriter::Emit(absl::string_view plaintext,
                                 std::string* out) {
  const size_t before = out->size();
  CLINIC_RETURN_IF_ERROR(encryptor_->Update(plaintext, out));
  archive_hasher_.Update(absl::string_view(*out).substr(before));
  return absl::OkStatus();
}

absl::Status ArchiveWriter::BeginFile(absl::string_view path, int64_t size,
                                      std::string* out) {
  if (in_file_) {
    return absl::FailedPreconditionError("the previous file is incomplete");
  }
  if (!IsValidArchivePath(path) || size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot archive \"", path, "\": not a backup path"));
  }
  std::string record = "F";
  PutU16(&record, static_cast<uint16_t>(path.size()));
  record.append(path.data(), path.size());
  PutU64(&record, static_cast<uint64_t>(size));
  CLINIC_RETURN_IF_ERROR(Emit(record, out));
  v1::BackupFile file;
  file.set_path(std::string(path));
  file.set_size_bytes(size);
  files_.push_back(std::move(file));
  in_file_ = true;
  remaining_ = size;
  return absl::OkStatus();
}

absl::Status ArchiveWriter::AddData(absl::string_view data, std::string* out) {
  if (!in_file_ || static_cast<int64_t>(data.size()) > remaining_) {
    return absl::FailedPreconditionError(
        absl::StrCat("more data than announced for ",
                     files_.empty() ? "" : files_.back().path(),
                     " (did it change while being archived?)"));
  }
  hasher_.Update(data);
  remaining_ -= static_cast<int64_t>(data.size());
  return Emit(data, out);
}

absl::Status ArchiveWriter::EndFile() {
  if (!in_file_ || remaining_ != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("less data than announced for ",
                     files_.empty() ? "" : files_.back().path(),
                     " (did it change while being archived?)"));
  }
  files_.back().set_sha256(hasher_.Finish());
  in_file_ = false;
  return absl::OkStatus();
}

absl::Status ArchiveWriter::Finish(v1::BackupManifest* manifest,
                                   std::string* out) {
  if (in_file_) {
    return absl::FailedPreconditionError("the last file is incomplete");
  }
  manifest->clear_files();
  for (const v1::BackupFile& file : files_) *manifest->add_files() = file;
  manifest->set_key_id(keys_->key_id());
  manifest->clear_signature();
  manifest->set_signature(keys_->Sign(ManifestSigningInput(*manifest)));
  std::string serialized = manifest->SerializeAsString();
  std::string record = "M";
  PutU32(&record, static_cast<uint32_t>(serialized.size()));
  record.append(serialized);
  CLINIC_RETURN_IF_ERROR(Emit(record, out));
  const size_t before = out->size();
  CLINIC_RETURN_IF_ERROR(encryptor_->Finish(out));
  archive_hasher_.Update(absl::string_view(*out).substr(before));
  const std::string digest = archive_hasher_.Finish();
  out->append(kSealMagic.data(), kSealMagic.size());
  out->append(keys_->public_key());
  out->append(digest);
  out->append(keys_->Sign(SealSigningInput(digest)));
  return absl::OkStatus();
}

// ---- Reading ---------------------------------------------------------------

namespace {

// An archive file opened for reading: its header and seal read and their
// shape checked; the body is read with ReadBody.
struct SealedArchive {
  std::string path;
  Fd in;
  int64_t body_end = 0;
  std::string header;
  std::string key_id;
  std::string public_key, digest, signature;
  int64_t offset = 0;
  std::string buffer;

  // The next piece of the body (empty at its end).
  absl::StatusOr<absl::string_view> ReadBody() {
    size_t want = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(kReadBytes), body_end - offset));
    buffer.resize(kReadBytes);
    size_t got = 0;
    while (got < want) {
      ssize_t n = ::pread(in.fd, &buffer[got], want - got, offset + got);
      if (n < 0) {
        if (errno == EINTR) continue;
        return storage::ErrnoToStatus(errno, "read", path);
      }
      if (n == 0) {
        return absl::DataLossError(
            absl::StrCat("backup archive ", path, " shrank while being read"));
      }
      got += static_cast<size_t>(n);
    }
    offset += static_cast<int64_t>(got);
    return absl::string_view(buffer.data(), got);
  }
};

absl::Status ReadExactly(int fd, int64_t offset, size_t n, std::string* out,
                         const std::string& path) {
  out->resize(n);
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, &(*out)[got], n - got, offset + got);
    if (r < 0) {
      if (errno == EINTR) continue;
      return storage::ErrnoToStatus(errno, "read", path);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  if (got != n) {
    return absl::DataLossError(
        absl::StrCat("backup archive ", path, " is truncated"));
  }
  return absl::OkStatus();
}

absl::Status OpenSealed(const std::string& path, SealedArchive* a) {
  a->path = path;
  a->in.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (a->in.fd < 0) return storage::ErrnoToStatus(errno, "open", path);
  struct stat st;
  if (::fstat(a->in.fd, &st) != 0) {
    return storage::ErrnoToStatus(errno, "stat", path);
  }
  const int64_t size = st.st_size;
  std::string seal;
  if (size < static_cast<int64_t>(kHeaderBytes + kSealBytes) ||
      !ReadExactly(a->in.fd, size - kSealBytes, kSealBytes, &seal, path).ok() ||
      !absl::StartsWith(seal, kSealMagic)) {
    return absl::DataLossError(absl::StrCat(
        "backup archive ", path,
        " is truncated or is not a backup archive: it does not end with a "
        "seal; refusing it"));
  }
  a->body_end = size - kSealBytes;
  a->public_key = seal.substr(kSealMagic.size(), 32);
  a->digest = seal.substr(kSealMagic.size() + 32, 32);
  a->signature = seal.substr(kSealMagic.size() + 64, 64);
  CLINIC_RETURN_IF_ERROR(
      ReadExactly(a->in.fd, 0, kHeaderBytes, &a->header, path));
  if (!absl::StartsWith(a->header, kMagic)) {
    return absl::DataLossError(
        absl::StrCat(path, " is not a clinic backup archive (bad header)"));
  }
  uint64_t version = GetBigEndian(a->header.substr(kMagic.size(), 4));
  if (version != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup archive ", path, " has format version ", version,
                     "; this server reads version ", kFormatVersion));
  }
  a->key_id = a->header.substr(kMagic.size() + 4 + kSaltBytes);
  a->offset = kHeaderBytes;
  return absl::OkStatus();
}

absl::Status CheckSeal(const SealedArchive& a, absl::string_view digest) {
  if (digest != a.digest ||
      !storage::Ed25519Verify(a.public_key, SealSigningInput(a.digest),
                              a.signature)) {
    return absl::DataLossError(
        absl::StrCat("backup archive ", a.path,
                     " does not match its seal: it is damaged or was tampered "
                     "with; refusing it"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyBackupSeal(const std::string& path,
                              absl::string_view expected_key_id) {
  SealedArchive a;
  CLINIC_RETURN_IF_ERROR(OpenSealed(path, &a));
  if (storage::KeyId(a.public_key) != expected_key_id ||
      a.key_id != expected_key_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup archive ", path, " was not sealed by backup key ",
        expected_key_id, " (it names ", absl::CHexEscape(a.key_id), ")"));
  }
  storage::Sha256Hasher hasher;
  hasher.Update(a.header);
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(absl::string_view chunk, a.ReadBody());
    if (chunk.empty()) break;
    hasher.Update(chunk);
  }
  return CheckSeal(a, hasher.Finish());
}

absl::StatusOr<v1::BackupManifest> ReadBackup(const std::string& path,
                                              const BackupKeys& keys,
                                              ArchiveVisitor* visitor) {
  SealedArchive a;
  CLINIC_RETURN_IF_ERROR(OpenSealed(path, &a));
  if (a.key_id != keys.key_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "backup archive ", path, " was made with backup key ",
        absl::CHexEscape(a.key_id), ", but this master key's backup key is ",
        keys.key_id(),
        "; use the master key of the server the backup was made on"));
  }
  if (a.public_key != keys.public_key()) {
    return absl::DataLossError(absl::StrCat(
        "backup archive ", path,
        " is sealed by a key that is not this server's backup key; refusing "
        "it"));
  }
  const std::string salt = a.header.substr(kMagic.size() + 4, kSaltBytes);
  CLINIC_ASSIGN_OR_RETURN(SecretBytes key, keys.ArchiveKey(salt));
  CLINIC_ASSIGN_OR_RETURN(
      auto decryptor,
      storage::StreamingSegmentDecryptor::Create(key, BindingFor(a.header)));

  const std::string tampered =
      absl::StrCat("backup archive ", path,
                   " failed authentication: it is damaged or was tampered "
                   "with; refusing it");
  ArchiveReader reader(path, visitor);
  storage::Sha256Hasher hasher;
  hasher.Update(a.header);
  std::string plaintext;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(absl::string_view chunk, a.ReadBody());
    if (chunk.empty()) break;
    hasher.Update(chunk);
    plaintext.clear();
    absl::Status s = decryptor->Update(chunk, &plaintext);
    if (!s.ok()) return absl::DataLossError(tampered);
    CLINIC_RETURN_IF_ERROR(reader.Feed(plaintext));
  }
  plaintext.clear();
  if (!decryptor->Finish(&plaintext).ok()) {
    return absl::DataLossError(absl::StrCat(
        "backup archive ", path,
        " is truncated, or its end is damaged or was tampered with; refusing "
        "it"));
  }
  CLINIC_RETURN_IF_ERROR(reader.Feed(plaintext));
  CLINIC_ASSIGN_OR_RETURN(v1::BackupManifest manifest, reader.Finish());
  if (manifest.key_id() != keys.key_id() ||
      !storage::Ed25519Verify(keys.public_key(), ManifestSigningInput(manifest),
                              manifest.signature())) {
    return absl::DataLossError(absl::StrCat(
        "backup archive ", path, ": the manifest signature does not verify"));
  }
  CLINIC_RETURN_IF_ERROR(CheckSeal(a, hasher.Finish()));
  return manifest;
}

absl::StatusOr<v1::BackupManifest> VerifyBackup(const std::string& path,
                                                const BackupKeys& keys) {
  return ReadBackup(path, keys, nullptr);
}

absl::StatusOr<v1::BackupManifest> RestoreBackup(
    const std::string& archive, const std::string& master_key_file,
    const std::string& target_dir) {
  bool existed = storage::PathExists(target_dir);
  if (existed) {
    absl::StatusOr<bool> empty = storage::IsEmptyDirectory(target_dir);
    if (!empty.ok() || !*empty) {
      return absl::FailedPreconditionError(
          absl::StrCat("restore target ", target_dir,
                       " is not an empty directory; restore writes only into "
                       "an empty or new directory. Nothing was written."));
    }
  }
  CLINIC_ASSIGN_OR_RETURN(auto keyring,
                          storage::Keyring::Load(master_key_file));
  CLINIC_ASSIGN_OR_RETURN(auto keys, BackupKeys::FromKeyring(*keyring));
  // Everything is checked before the first byte is written.
  absl::StatusOr<v1::BackupManifest> verified = VerifyBackup(archive, *keys);
  if (!verified.ok()) {
    return absl::Status(
        verified.status().code(),
        absl::StrCat("not restoring: ", verified.status().message(),
                     ". Nothing was written."));
  }
  v1::BackupManifest manifest = *std::move(verified);

  CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(target_dir, 0700));
  // A data directory is private to its owner (DataDir::CheckReady).
  if (::chmod(target_dir.c_str(), 0700) != 0) {
    return storage::ErrnoToStatus(errno, "chmod", target_dir);
  }
  const std::string staging =
      storage::JoinPath(target_dir, absl::StrCat(".restore-", RandomId()));
  absl::Status status = [&]() -> absl::Status {
    CLINIC_RETURN_IF_ERROR(storage::MakeDirectories(staging, 0700));
    RestoreVisitor visitor(staging, &manifest);
    CLINIC_ASSIGN_OR_RETURN(v1::BackupManifest again,
                            ReadBackup(archive, *keys, &visitor));
    if (again.SerializeAsString() != manifest.SerializeAsString()) {
      return absl::DataLossError(
          "the archive changed between verification and restore");
    }
    for (const char* dir : {"db", "blobs", "tls"}) {
      std::string from = storage::JoinPath(staging, dir);
      if (!storage::PathExists(from)) continue;
      CLINIC_RETURN_IF_ERROR(storage::SyncDirectory(from));
      std::string to = storage::JoinPath(target_dir, dir);
      if (::rename(from.c_str(), to.c_str()) != 0) {
        return storage::ErrnoToStatus(errno, "rename", to);
      }
    }
    if (::rmdir(staging.c_str()) != 0) {
      return storage::ErrnoToStatus(errno, "rmdir", staging);
    }
    CLINIC_ASSIGN_OR_RETURN(std::string raw,
                            storage::ReadFile(master_key_file, 4096));
    SecretBytes contents(raw);
    if (!raw.empty()) std::memset(&raw[0], 0, raw.size());
    CLINIC_RETURN_IF_ERROR(storage::CreateFileExclusively(
        DataDir(target_dir).master_key(), contents.view(), 0600));
    CLINIC_RETURN_IF_ERROR(
        storage::MakeDirectories(DataDir(target_dir).db_dir(), 0700));
    CLINIC_RETURN_IF_ERROR(
        storage::MakeDirectories(DataDir(target_dir).blob_dir(), 0700));
    CLINIC_RETURN_IF_ERROR(DataDir(target_dir).Initialize({}));
    return storage::SyncDirectory(target_dir);
  }();
  if (!status.ok()) {
    // Leave the target as it was: empty (or absent).
    RemoveTree(target_dir);
    if (existed) storage::MakeDirectories(target_dir, 0700).IgnoreError();
    return absl::Status(status.code(), absl::StrCat("restore into ", target_dir,
                                                    " failed and was undone: ",
                                                    status.message()));
  }
  return manifest;
}

}  // namespace backup
}  // namespace clinic
