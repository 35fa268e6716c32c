#include "services/common/token_verifier.h"

#include <chrono>

#include "base/log.h"
#include "base/status_macros.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/token.h"
#include "storage/crypto/ed25519.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time ToAbslTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

constexpr absl::Duration kClockSkew = absl::Minutes(2);
constexpr absl::Duration kKeyFetchInterval = absl::Seconds(5);
// Verified tokens remembered at most: several per member of a large clinic
// network. Beyond it, expired entries go first, then all of them.
constexpr size_t kMaxVerifiedTokens = 20000;

}  // namespace

TokenVerifier::TokenVerifier(
    const Clock* clock,
    std::function<std::shared_ptr<grpc::Channel>()> auth_channel)
    : clock_(clock), auth_channel_(std::move(auth_channel)) {}

TokenVerifier::~TokenVerifier() { Shutdown(); }

void TokenVerifier::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    shutdown_ = true;
    if (watch_context_ != nullptr) watch_context_->TryCancel();
  }
  if (watcher_.joinable()) watcher_.join();
}

void TokenVerifier::set_max_token_lifetime(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  max_token_lifetime_ = d;
}

void TokenVerifier::AddKey(const v1::VerificationKey& key) {
  absl::MutexLock lock(&mu_);
  Key& entry = keys_[key.key_id()];
  entry.public_key = key.public_key();
  entry.retire_time = key.has_retire_time() ? ToAbslTime(key.retire_time())
                                            : absl::InfiniteFuture();
}

void TokenVerifier::Revoke(const v1::Revocation& revocation) {
  absl::MutexLock lock(&mu_);
  absl::Time at = ToAbslTime(revocation.revoke_time());
  if (revocation.has_session_id()) {
    revoked_sessions_[revocation.session_id()] =
        at + max_token_lifetime_ + kClockSkew;
  } else if (revocation.has_username()) {
    absl::Time& current = revoked_users_[revocation.username()];
    current = std::max(current, at);
  }
}

void TokenVerifier::Prune(absl::Time now) {
  if (now - last_prune_ < absl::Minutes(1)) return;
  last_prune_ = now;
  for (auto it = revoked_sessions_.begin(); it != revoked_sessions_.end();) {
    auto current = it++;
    if (current->second < now) revoked_sessions_.erase(current);
  }
  for (auto it = revoked_users_.begin(); it != revoked_users_.end();) {
    auto current = it++;
    if (current->second + max_token_lifetime_ + kClockSkew < now) {
      revoked_users_.erase(current);
    }
  }
}

void TokenVerifier::FetchKeysIfDue() {
  if (!auth_channel_) return;
  {
    absl::MutexLock lock(&mu_);
    absl::Time now = clock_->Now();
    if (now - last_fetch_ < kKeyFetchInterval) return;
    last_fetch_ = now;
  }
  v1::AuthService::Stub stub(auth_channel_());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  v1::GetVerificationKeysResponse response;
  grpc::Status status = stub.GetVerificationKeys(
      &context, v1::GetVerificationKeysRequest(), &response);
  if (!status.ok()) {
    log::Warning("cannot fetch token verification keys from the auth service",
                 {{"code", std::to_string(status.error_code())}});
    return;
  }
  for (const v1::VerificationKey& key : response.keys()) AddKey(key);
}

void TokenVerifier::EnsureWatcher() {
  if (!auth_channel_) return;
  absl::MutexLock lock(&mu_);
  if (watcher_started_ || shutdown_) return;
  watcher_started_ = true;
  watcher_ = std::thread([this] { WatchLoop(); });
}

void TokenVerifier::WatchLoop() {
  absl::Duration backoff = absl::Milliseconds(200);
  while (true) {
    auto context = std::make_shared<grpc::ClientContext>();
    {
      absl::MutexLock lock(&mu_);
      if (shutdown_) return;
      watch_context_ = context;
    }
    v1::AuthService::Stub stub(auth_channel_());
    auto reader =
        stub.WatchRevocations(context.get(), v1::WatchRevocationsRequest());
    v1::Revocation revocation;
    bool received = false;
    while (reader->Read(&revocation)) {
      Revoke(revocation);
      received = true;
    }
    grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&mu_);
      watch_context_.reset();
      if (shutdown_) return;
    }
    if (received) backoff = absl::Milliseconds(200);
    log::Warning("revocation stream from the auth service ended; reconnecting",
                 {{"code", std::to_string(status.error_code())}});
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(10));
  }
}

void TokenVerifier::Remember(const std::string& digest,
                             const Verified& verified) {
  if (verified_.size() >= kMaxVerifiedTokens) {
    const absl::Time now = clock_->Now();
    for (auto it = verified_.begin(); it != verified_.end();) {
      auto current = it++;
      if (current->second.expires <= now) verified_.erase(current);
    }
    if (verified_.size() >= kMaxVerifiedTokens) verified_.clear();
  }
  verified_.emplace(digest, verified);
}

absl::StatusOr<TokenVerifier::Verified> TokenVerifier::VerifiedClaims(
    absl::string_view token) {
  const absl::Status invalid =
      absl::UnauthenticatedError("the access token is not valid; log in again");
  // Any change to the token changes the digest, so a hit is a token whose
  // signature was verified byte for byte.
  const std::string digest = storage::Sha256(token);
  {
    absl::MutexLock lock(&mu_);
    auto it = verified_.find(digest);
    if (it != verified_.end()) return it->second;
  }
  absl::StatusOr<v1::SignedToken> signed_token = DecodeAccessToken(token);
  if (!signed_token.ok()) return signed_token.status();
  EnsureWatcher();

  std::string public_key;
  for (int attempt = 0; attempt < 2 && public_key.empty(); ++attempt) {
    {
      absl::MutexLock lock(&mu_);
      auto it = keys_.find(signed_token->key_id());
      if (it != keys_.end()) public_key = it->second.public_key;
    }
    if (public_key.empty() && attempt == 0) FetchKeysIfDue();
  }
  if (public_key.empty()) return invalid;
  if (!storage::Ed25519Verify(public_key,
                              TokenSigningInput(signed_token->claims()),
                              signed_token->signature())) {
    return invalid;
  }
  Verified verified;
  if (!verified.claims.ParseFromString(signed_token->claims()) ||
      verified.claims.username().empty() ||
      verified.claims.session_id().empty()) {
    return invalid;
  }
  verified.key_id = signed_token->key_id();
  verified.expires = ToAbslTime(verified.claims.expire_time());
  absl::MutexLock lock(&mu_);
  Remember(digest, verified);
  return verified;
}

absl::StatusOr<v1::AccessTokenClaims> TokenVerifier::Verify(
    absl::string_view token) {
  const absl::Status invalid =
      absl::UnauthenticatedError("the access token is not valid; log in again");
  CLINIC_ASSIGN_OR_RETURN(Verified verified, VerifiedClaims(token));
  const v1::AccessTokenClaims& claims = verified.claims;
  absl::Time now = clock_->Now();
  absl::Time issued = ToAbslTime(claims.issue_time());
  if (issued > now + kClockSkew) return invalid;
  if (verified.expires <= now) {
    return absl::UnauthenticatedError(
        "the access token has expired; log in again");
  }
  absl::MutexLock lock(&mu_);
  // The key may have been retired since the signature was verified.
  auto key = keys_.find(verified.key_id);
  if (key == keys_.end() || issued >= key->second.retire_time) return invalid;
  Prune(now);
  if (revoked_sessions_.contains(claims.session_id())) {
    return absl::UnauthenticatedError("this session has ended; log in again");
  }
  auto user = revoked_users_.find(claims.username());
  if (user != revoked_users_.end() && issued <= user->second) {
    return absl::UnauthenticatedError("this session has ended; log in again");
  }
  return claims;
}

}  // namespace clinic
