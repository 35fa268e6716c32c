// Verifies access tokens locally in every service: signature (Ed25519, with the
// auth service's public keys), expiry, key retirement, and revocations (logout,
// disabled accounts, password resets).
//
// Where the auth service runs in the same process it feeds keys and revocations
// directly (AddKey / Revoke), so a revocation takes effect before the revoking
// call returns. Where it runs elsewhere, the verifier fetches keys over gRPC
// (again when it meets an unknown key id, at most every few seconds) and
// follows AuthService.WatchRevocations on a background thread, reconnecting
// with backoff.
//
// A token whose signature has been verified is remembered (by its SHA-256,
// never the token itself) until it expires, so a client making many calls pays
// for one Ed25519 verification instead of one per call. Everything else
// (expiry, key retirement, revocations) is checked on every call.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_TOKEN_VERIFIER_H_
#define CLINIC_SERVICES_COMMON_TOKEN_VERIFIER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "clinic/v1/auth.pb.h"
#include "grpcpp/channel.h"

namespace clinic {

class TokenVerifier {
 public:
  // `auth_channel` is called (lazily, while serving) to reach a remote auth
  // service; pass nullptr when the auth service is co-hosted and will call
  // AddKey/Revoke itself.
  TokenVerifier(const Clock* clock,
                std::function<std::shared_ptr<grpc::Channel>()> auth_channel);
  ~TokenVerifier();
  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  // The claims of a valid token; UNAUTHENTICATED (saying "expired" or "not
  // valid") otherwise.
  absl::StatusOr<v1::AccessTokenClaims> Verify(absl::string_view token);

  // Adds or updates a verification key (a retired key keeps verifying tokens
  // issued before its retirement).
  void AddKey(const v1::VerificationKey& key);

  // Applies a revocation. Revocations are kept as long as the tokens they
  // concern could still be unexpired (`max_token_lifetime` after the
  // revocation).
  void Revoke(const v1::Revocation& revocation);

  // How long access tokens live at most (bounds how long revocations are kept).
  void set_max_token_lifetime(absl::Duration d);

  // Stops the background watcher (if any).
  void Shutdown();

 private:
  struct Key {
    std::string public_key;
    absl::Time retire_time = absl::InfiniteFuture();
  };
  // Claims whose signature was verified, kept until the token expires.
  struct Verified {
    v1::AccessTokenClaims claims;
    std::string key_id;
    absl::Time expires;
  };
  // The claims of `token`, from the cache or by verifying its signature.
  absl::StatusOr<Verified> VerifiedClaims(absl::string_view token);
  void Remember(const std::string& digest, const Verified& verified)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FetchKeysIfDue();
  void EnsureWatcher();
  void WatchLoop();
  void Prune(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* const clock_;
  const std::function<std::shared_ptr<grpc::Channel>()> auth_channel_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Key> keys_ ABSL_GUARDED_BY(mu_);
  // Session id -> when its revocation can be forgotten.
  absl::flat_hash_map<std::string, absl::Time> revoked_sessions_
      ABSL_GUARDED_BY(mu_);
  // Username -> tokens issued before this time are revoked.
  absl::flat_hash_map<std::string, absl::Time> revoked_users_
      ABSL_GUARDED_BY(mu_);
  absl::Duration max_token_lifetime_ ABSL_GUARDED_BY(mu_) = absl::Hours(1);
  // SHA-256 of a verified token -> its claims.
  absl::flat_hash_map<std::string, Verified> verified_ ABSL_GUARDED_BY(mu_);
  absl::Time last_fetch_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_prune_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool watcher_started_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
  std::shared_ptr<grpc::ClientContext> watch_context_ ABSL_GUARDED_BY(mu_);
  std::thread watcher_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_TOKEN_VERIFIER_H_
