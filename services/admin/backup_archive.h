// The encrypted backup archive: its keys, its format, writing it as a stream,
// and verifying and restoring it offline.
//
// Keys. Both backup keys derive from the server's master key through the
// keyring, so no further secret has to be created, stored or escrowed: whoever
// can restore a backup needs the master key anyway (every database and
// document key derives from it), and a backup stolen without it reveals
// nothing. A separate backup key file would add a second secret to lose
// without protecting anything the master key does not already protect.
//   archive key root  keyring "backup/archive/v1"; each archive is encrypted
//                     with HKDF-SHA256(root, salt = the archive's random salt,
//                     info = "clinic.backup.archive.v1"), a fresh key per
//                     archive (a segmented-AEAD key must encrypt one stream).
//   signing key       Ed25519 with the 32-byte seed keyring "backup/sign/v1";
//                     key_id = KeyId(public key). It identifies the master key
//                     generation: after a master-key rotation, keep the old
//                     master key escrowed for as long as its backups are kept.
//
// Format (integers big-endian):
//
//   header   "CLINBAK1" | u32 format version (1) | 32-byte random salt |
//            16-character key_id                               (60 bytes)
//   body     the segmented AES-256-GCM ciphertext (storage/crypto/
//            segmented_aead.h, 256 KiB segments) of the record stream, bound
//            to the header (the binding's document id is the header), so the
//            header cannot be altered either:
//              'F' | u16 path length | path | u64 size | size bytes
//                                      one per file, in manifest order
//              'M' | u32 length | BackupManifest (signed)     last record
//   seal     "CLINSEAL" | 32-byte Ed25519 public key | SHA-256(header ||
//            body) | Ed25519 signature over "clinic.v1.BackupSeal\0" || that
//            digest                                          (136 bytes)
//
// The seal lets anyone who knows the backup key id (printed by every backup
// command and in the manifest) check an archive without the master key
// (VerifyBackupSeal: e.g. `clinicctl backup verify` on an administrator's
// workstation); the full check (VerifyBackup) also decrypts everything and
// checks every file against the signed manifest.
//
// Files are "db/<service>.db" (SQLCipher snapshots, still encrypted with their
// own keys), "blobs/<name>" (document ciphertext) and "tls/<file>" (the
// server's TLS identity, so a restored server keeps its certificates). The
// manifest lists them in order with sizes and SHA-256, the audit chain head at
// snapshot time, and is signed: Ed25519 over "clinic.v1.BackupManifest\0" ||
// the manifest serialized deterministically with an empty signature.
//
// Any altered, truncated, extended or reordered byte fails authentication of
// its segment (DATA_LOSS); a valid archive whose records disagree with its
// signed manifest (impossible without the key, but checked) fails too.
// Memory use is bounded by a few segments whatever the archive's size.
//
// Thread-compatible: one ArchiveWriter per stream; the free functions are
// thread-safe.
#ifndef CLINIC_SERVICES_ADMIN_BACKUP_ARCHIVE_H_
#define CLINIC_SERVICES_ADMIN_BACKUP_ARCHIVE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "base/secret.h"
#include "clinic/v1/admin.pb.h"
#include "storage/crypto/ed25519.h"
#include "storage/crypto/segmented_aead.h"
#include "storage/crypto/sha256.h"
#include "storage/keyring.h"

namespace clinic {
namespace backup {

inline constexpr absl::string_view kMagic = "CLINBAK1";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kHeaderBytes = 60;
inline constexpr size_t kSegmentBytes = 256 << 10;
inline constexpr absl::string_view kSealMagic = "CLINSEAL";
inline constexpr size_t kSealBytes = 136;

// The backup keys of one master key.
class BackupKeys {
 public:
  static absl::StatusOr<std::unique_ptr<BackupKeys>> FromKeyring(
      const storage::Keyring& keyring);

  const std::string& key_id() const { return key_id_; }
  const std::string& public_key() const { return signer_->public_key(); }
  std::string Sign(absl::string_view input) const {
    return signer_->Sign(input);
  }
  // The encryption key of the archive with `salt`.
  absl::StatusOr<SecretBytes> ArchiveKey(absl::string_view salt) const;

 private:
  BackupKeys() = default;
  SecretBytes archive_root_;
  std::unique_ptr<storage::Ed25519Signer> signer_;
  std::string key_id_;
};

// What the manifest's signature covers.
std::string ManifestSigningInput(const v1::BackupManifest& manifest);

// True if `path` is a path this format allows inside an archive.
bool IsValidArchivePath(absl::string_view path);

// Produces an archive as a stream of bytes, appended to the `out` of each
// call (send or write them in order).
class ArchiveWriter {
 public:
  // Appends the header to `out`.
  static absl::StatusOr<std::unique_ptr<ArchiveWriter>> Create(
      const BackupKeys* keys, std::string* out);

  // Starts file `path` of exactly `size` bytes. The previous file must be
  // complete. INVALID_ARGUMENT for a path the format does not allow.
  absl::Status BeginFile(absl::string_view path, int64_t size,
                         std::string* out);
  // Appends content of the current file; FAILED_PRECONDITION past its size.
  absl::Status AddData(absl::string_view data, std::string* out);
  // Completes the current file (FAILED_PRECONDITION if short).
  absl::Status EndFile();

  // Completes `manifest` (files, key_id, signature) with what was written,
  // appends it as the last record and ends the stream.
  absl::Status Finish(v1::BackupManifest* manifest, std::string* out);

 private:
  ArchiveWriter() = default;
  absl::Status Emit(absl::string_view plaintext, std::string* out);

  const BackupKeys* keys_ = nullptr;
  std::unique_ptr<storage::SegmentEncryptor> encryptor_;
  std::vector<v1::BackupFile> files_;
  bool in_file_ = false;
  int64_t remaining_ = 0;
  storage::Sha256Hasher hasher_;
  // Of everything written (header and body), for the seal.
  storage::Sha256Hasher archive_hasher_;
};

// Receives the files of an archive being read (restore). Called in archive
// order; every call's data is already authenticated.
class ArchiveVisitor {
 public:
  virtual ~ArchiveVisitor() = default;
  virtual absl::Status BeginFile(const std::string& path, int64_t size) = 0;
  virtual absl::Status FileData(absl::string_view data) = 0;
  virtual absl::Status EndFile() = 0;
};

// Reads the whole archive at `path`, authenticating every byte, checking that
// its records match its signed manifest (paths, order, sizes, SHA-256) and the
// signature; passes the files to `visitor` (may be null) as they are read.
// Returns the manifest. DATA_LOSS for a damaged, truncated or tampered
// archive; FAILED_PRECONDITION for an archive of another master key (the
// message names both key ids); NOT_FOUND if `path` does not exist. Nothing is
// written.
absl::StatusOr<v1::BackupManifest> ReadBackup(const std::string& path,
                                              const BackupKeys& keys,
                                              ArchiveVisitor* visitor);

// Checks the seal of the archive at `path` without any secret: the archive
// (header and body) is intact and was sealed by the backup key whose id is
// `expected_key_id`. Does not decrypt (so it cannot check the files against
// the manifest: VerifyBackup does). DATA_LOSS for a damaged, truncated or
// tampered archive; FAILED_PRECONDITION if sealed by another key.
absl::Status VerifyBackupSeal(const std::string& path,
                              absl::string_view expected_key_id);

// ReadBackup without a visitor: the offline check of an archive.
absl::StatusOr<v1::BackupManifest> VerifyBackup(const std::string& path,
                                                const BackupKeys& keys);

// Restores the archive at `archive` into `target_dir`, a new data directory:
//   - `target_dir` must be empty or absent (FAILED_PRECONDITION otherwise;
//     nothing is written);
//   - the whole archive is verified (VerifyBackup) before anything is written;
//   - files are written into a staging folder inside `target_dir`, checked
//     again against the manifest, fsynced, then moved into place; on any error
//     everything written is removed and `target_dir` is left empty;
//   - the master key file `master_key_file` (the key the backup was made
//     with) is copied to <target_dir>/master.key, and missing parts of the
//     data directory (run/, TLS material if the archive had none) are created.
// The restored directory serves with `clinicd serve --data_dir target_dir`.
absl::StatusOr<v1::BackupManifest> RestoreBackup(
    const std::string& archive, const std::string& master_key_file,
    const std::string& target_dir);

}  // namespace backup
}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_BACKUP_ARCHIVE_H_
