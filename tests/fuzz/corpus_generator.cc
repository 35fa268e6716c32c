// Writes the seeds that need keys (signed tokens, signed audit exports,
// segmented-AEAD ciphertexts) into tests/fuzz/corpus/, using the fixed test
// keys of fuzz_keys.h. The output is committed; run again only when a format
// changes:
//
//   bazel run //tests/fuzz:corpus_generator -- "$PWD/tests/fuzz/corpus"
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/secret.h"
#include "clinic/v1/audit.pb.h"
#include "clinic/v1/auth.pb.h"
#include "services/audit/audit_chain.h"
#include "services/audit/export_verifier.h"
#include "services/common/token.h"
#include "storage/crypto/ed25519.h"
#include "storage/crypto/segmented_aead.h"
#include "storage/crypto/sha256.h"
#include "tests/fuzz/fuzz_keys.h"

namespace clinic {
namespace fuzz {
namespace {

bool Write(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) std::cerr << "cannot write " << path << "\n";
  return static_cast<bool>(out);
}

std::unique_ptr<storage::Ed25519Signer> Signer(const std::string& key) {
  return *storage::Ed25519Signer::FromPrivateKey(SecretBytes(key));
}

v1::AccessTokenClaims Claims(absl::Time issued, absl::Duration ttl) {
  v1::AccessTokenClaims claims;
  claims.set_token_id("tok-1");
  claims.set_username("lena");
  claims.add_roles(v1::ROLE_LAWYER);
  claims.mutable_issue_time()->set_seconds(absl::ToUnixSeconds(issued));
  claims.mutable_expire_time()->set_seconds(absl::ToUnixSeconds(issued + ttl));
  claims.set_session_id("session-1");
  return claims;
}

bool Tokens(const std::string& dir) {
  auto signer = Signer(TokenSigningKey());
  const std::string key_id = storage::KeyId(signer->public_key());
  const absl::Time now = FuzzNow();
  v1::AccessTokenClaims valid =
      Claims(now - absl::Minutes(1), absl::Minutes(15));
  v1::AccessTokenClaims expired =
      Claims(now - absl::Hours(2), absl::Minutes(15));
  v1::AccessTokenClaims revoked = valid;
  revoked.set_session_id("revoked-session");
  v1::AccessTokenClaims glass = valid;
  glass.add_roles(v1::ROLE_ADMIN);
  glass.mutable_break_glass()->set_case_("cases/c1");
  glass.mutable_break_glass()->set_reason("client in hospital");
  auto other = *storage::Ed25519Signer::Generate();
  bool ok = true;
  ok &= Write(dir + "/valid", EncodeAccessToken(valid, *signer, key_id));
  ok &= Write(dir + "/expired", EncodeAccessToken(expired, *signer, key_id));
  ok &= Write(dir + "/revoked", EncodeAccessToken(revoked, *signer, key_id));
  ok &= Write(dir + "/break_glass", EncodeAccessToken(glass, *signer, key_id));
  ok &= Write(dir + "/other_key", EncodeAccessToken(valid, *other, key_id));
  ok &= Write(dir + "/garbage", "v1.not-a-token");
  // Claims for the target's signing mode (odd first byte).
  ok &= Write(dir + "/claims_valid", "\x01" + valid.SerializeAsString());
  ok &= Write(dir + "/claims_expired", "\x01" + expired.SerializeAsString());
  v1::AccessTokenClaims extreme = valid;
  extreme.mutable_issue_time()->set_seconds(-62135596800);
  extreme.mutable_expire_time()->set_seconds(253402300799);
  extreme.mutable_expire_time()->set_nanos(999999999);
  ok &= Write(dir + "/claims_extreme_times",
              "\x01" + extreme.SerializeAsString());
  return ok;
}

std::string Export(const storage::Ed25519Signer& signer, int events,
                   bool filtered) {
  std::string lines;
  std::string previous = audit::GenesisHash();
  v1::ExportManifest manifest;
  for (int i = 1; i <= events; ++i) {
    v1::AuditEvent event;
    event.set_sequence(filtered ? 3 * i : i);
    event.mutable_time()->set_seconds(1795000000 + i);
    event.set_request_id(absl::StrCat("req-", i));
    event.set_user("users/lena");
    event.add_roles(v1::ROLE_LAWYER);
    event.set_method("/clinic.v1.IntakeService/GetCase");
    event.set_action(v1::AUDIT_ACTION_READ);
    event.add_resources("cases/c1");
    event.set_peer("ipv4:127.0.0.1:5000");
    event.set_service("intake");
    event.set_previous_hash(previous);
    event.set_hash(audit::EventHash(previous, event));
    previous = event.hash();
    if (i == 1) {
      manifest.set_first_sequence(event.sequence());
      manifest.set_first_hash(event.hash());
    }
    manifest.set_last_sequence(event.sequence());
    manifest.set_last_hash(event.hash());
    lines += audit::EventToJsonLine(event);
  }
  manifest.set_event_count(events);
  manifest.set_content_sha256(storage::Sha256(lines));
  if (filtered) manifest.mutable_filter()->set_case_("cases/c1");
  manifest.mutable_export_time()->set_seconds(1795000100);
  manifest.set_exported_by("users/admin");
  manifest.set_key_id(storage::KeyId(signer.public_key()));
  manifest.set_signature(signer.Sign(audit::ManifestSigningInput(manifest)));
  return lines + audit::ManifestToJsonLine(manifest);
}

bool Exports(const std::string& dir) {
  auto signer = Signer(AuditSigningKey());
  bool ok = true;
  ok &= Write(dir + "/valid_3_events", Export(*signer, 3, false));
  ok &= Write(dir + "/valid_empty", Export(*signer, 0, false));
  ok &= Write(dir + "/valid_filtered", Export(*signer, 2, true));
  std::string tampered = Export(*signer, 3, false);
  tampered.replace(tampered.find("req-2"), 5, "req-9");
  ok &= Write(dir + "/tampered_event", tampered);
  std::string truncated = Export(*signer, 3, false);
  ok &= Write(dir + "/missing_manifest",
              truncated.substr(0, truncated.find("{\"manifest\"")));
  return ok;
}

bool Ciphertexts(const std::string& dir) {
  storage::SegmentBinding binding;
  binding.document_id = DocumentId();
  binding.version = kDocumentVersion;
  bool ok = true;
  int n = 0;
  for (size_t plaintext_size : {0, 5, 16, 40, 100}) {
    auto encryptor = storage::SegmentEncryptor::Create(
        SecretBytes(DocumentDataKey()), binding,
        storage::SegmentedAead::kMinSegmentBytes);
    if (!encryptor.ok()) return false;
    std::string plaintext(plaintext_size, 'p');
    for (size_t i = 0; i < plaintext_size; ++i) plaintext[i] += i % 7;
    std::string ciphertext;
    ok &= (*encryptor)->Update(plaintext, &ciphertext).ok();
    ok &= (*encryptor)->Finish(&ciphertext).ok();
    // The first byte picks the target's chunk size.
    char mode = static_cast<char>(n++);
    ok &= Write(absl::StrCat(dir, "/plaintext_", plaintext_size),
                std::string(1, mode) + ciphertext);
  }
  return ok;
}

}  // namespace
}  // namespace fuzz
}  // namespace clinic

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: corpus_generator CORPUS_DIR (tests/fuzz/corpus)\n";
    return 2;
  }
  const std::string root = argv[1];
  bool ok = clinic::fuzz::Tokens(root + "/token") &&
            clinic::fuzz::Exports(root + "/export_verifier") &&
            clinic::fuzz::Ciphertexts(root + "/segmented_aead");
  std::cout << (ok ? "seeds written under " : "FAILED writing seeds under ")
            << root << "\n";
  return ok ? 0 : 1;
}
