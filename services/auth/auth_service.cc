#include "services/auth/auth_service.h"

#include <cstdio>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "services/auth/totp.h"
#include "services/common/case_access.h"
#include "services/common/paging.h"
#include "services/common/token.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace {

using auth_store::UserRecord;
using storage::Connection;

constexpr char kBootstrapAdmin[] = "admin";
constexpr absl::Duration kDefaultBreakGlass = absl::Minutes(30);
constexpr absl::Duration kMaxBreakGlass = absl::Hours(4);

absl::Status ValidateUsername(absl::string_view field,
                              absl::string_view username) {
  bool ok = username.size() >= 3 && username.size() <= 32 &&
            absl::ascii_islower(static_cast<unsigned char>(username[0]));
  for (char c : username) {
    ok = ok && (absl::ascii_islower(static_cast<unsigned char>(c)) ||
                absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     " must be 3 to 32 characters of a-z, 0-9, '.', '_' or "
                     "'-', starting with a "
                     "letter"));
  }
  return absl::OkStatus();
}

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          size_t min, size_t max) {
  size_t chars = 0;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " must not contain control characters"));
    }
    if ((c & 0xc0) != 0x80) ++chars;
  }
  if (chars < min || chars > max) {
    return absl::InvalidArgumentError(
        min == 0 ? absl::StrCat(field, " must be at most ", max, " characters")
                 : absl::StrCat(field, " must be ", min, " to ", max,
                                " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRoles(absl::string_view field,
                           const google::protobuf::RepeatedField<int>& roles) {
  if (roles.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must name at least one role"));
  }
  std::set<int> seen;
  for (int role : roles) {
    if (role == v1::ROLE_UNSPECIFIED || !v1::Role_IsValid(role)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " must be ROLE_ADMIN, ROLE_LAWYER or ROLE_INTAKE (got ", role,
          ")"));
    }
    if (!seen.insert(role).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " lists a role twice"));
    }
  }
  return absl::OkStatus();
}

// "users/alice" -> "alice".
absl::StatusOr<std::string> UsernameFromName(absl::string_view field,
                                             absl::string_view name) {
  absl::string_view username = name;
  if (!absl::ConsumePrefix(&username, "users/") ||
      !ValidateUsername(field, username).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a user name like \"users/alice\""));
  }
  return std::string(username);
}

// A one-time password people can read out and type: 24 characters from an
// alphabet without look-alikes, in groups of four (about 117 bits of entropy).
std::string OneTimePassword() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string raw = *RandomBytes(24);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    // 256 is not a multiple of 31; the bias this leaves (about 1%) costs under
    // a bit.
    out.push_back(kAlphabet[static_cast<unsigned char>(raw[i]) % 31]);
  }
  return out;
}

// "ipv4:10.0.0.5:51234" -> "ipv4:10.0.0.5".
std::string PeerAddress(absl::string_view peer) {
  size_t colon = peer.rfind(':');
  size_t scheme = peer.find(':');
  if (colon == absl::string_view::npos || colon == scheme)
    return std::string(peer);
  return std::string(peer.substr(0, colon));
}

v1::User Redacted(const UserRecord& user) { return user.ToProto(); }

}  // namespace

AuthServiceImpl::AuthServiceImpl(ServiceContext& context,
                                 std::unique_ptr<storage::Database> db,
                                 std::unique_ptr<PasswordPolicy> policy)
    : context_(context),
      clock_(context.clock()),
      config_(context.config().auth()),
      scrypt_{config_.scrypt_log2_n(), config_.scrypt_r(), config_.scrypt_p()},
      db_(std::move(db)),
      policy_(std::move(policy)) {}

absl::StatusOr<std::unique_ptr<AuthServiceImpl>> AuthServiceImpl::Create(
    ServiceContext& context) {
  CLINIC_ASSIGN_OR_RETURN(
      auto db, context.OpenDatabase("auth", auth_store::Migrations()));
  CLINIC_ASSIGN_OR_RETURN(
      auto policy,
      PasswordPolicy::Create(context.config().auth().banned_passwords_file()));
  std::unique_ptr<AuthServiceImpl> service(
      new AuthServiceImpl(context, std::move(db), std::move(policy)));

  std::vector<auth_store::SigningKey> keys;
  CLINIC_RETURN_IF_ERROR(
      service->db_->Write([&](Connection& c) -> absl::Status {
        CLINIC_ASSIGN_OR_RETURN(keys, auth_store::LoadSigningKeys(c));
        if (!keys.empty()) return absl::OkStatus();
        CLINIC_ASSIGN_OR_RETURN(auto signer,
                                storage::Ed25519Signer::Generate());
        auth_store::SigningKey key;
        key.public_key = signer->public_key();
        key.private_key = std::string(signer->private_key().view());
        key.key_id = storage::KeyId(key.public_key);
        key.create_time = context.clock()->Now();
        CLINIC_RETURN_IF_ERROR(auth_store::InsertSigningKey(c, key));
        keys.push_back(std::move(key));
        return absl::OkStatus();
      }));
  for (const auth_store::SigningKey& key : keys) {
    v1::VerificationKey public_key;
    public_key.set_key_id(key.key_id);
    public_key.set_public_key(key.public_key);
    *public_key.mutable_create_time() = ToProtoTime(key.create_time);
    if (key.retire_time != absl::InfiniteFuture()) {
      *public_key.mutable_retire_time() = ToProtoTime(key.retire_time);
    } else {
      CLINIC_ASSIGN_OR_RETURN(
          service->signer_,
          storage::Ed25519Signer::FromPrivateKey(SecretBytes(key.private_key)));
      service->key_id_ = key.key_id;
    }
    service->public_keys_.push_back(public_key);
    context.token_verifier().AddKey(public_key);
  }
  if (service->signer_ == nullptr) {
    return absl::FailedPreconditionError(
        "the auth database has no active signing key");
  }
  // Revocations recorded before a restart still apply to tokens that have not
  // expired.
  absl::Time since = context.clock()->Now() -
                     FromProtoDuration(service->config_.access_token_ttl()) -
                     absl::Minutes(5);
  std::vector<v1::Revocation> recent;
  CLINIC_RETURN_IF_ERROR(service->db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(recent, auth_store::RevocationsSince(c, since));
    return absl::OkStatus();
  }));
  for (const v1::Revocation& r : recent) context.token_verifier().Revoke(r);

  CLINIC_ASSIGN_OR_RETURN(
      service->dummy_hash_,
      HashPassword("not a real password, only for timing", service->scrypt_));
  return service;
}

absl::StatusOr<std::string> AuthServiceImpl::BootstrapAdministrator() {
  std::string password = OneTimePassword();
  CLINIC_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, scrypt_));
  bool created = false;
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int64_t users, auth_store::CountUsers(c));
    if (users > 0) return absl::OkStatus();
    UserRecord admin;
    admin.username = kBootstrapAdmin;
    admin.display_name = "Administrator";
    admin.roles = {v1::ROLE_ADMIN};
    admin.password_hash = hash;
    admin.password_change_required = true;
    admin.create_time = admin.update_time = clock_->Now();
    created = true;
    return auth_store::InsertUser(c, admin);
  }));
  if (!created) return std::string();
  log::Info("created the first administrator account",
            {{"user", "users/admin"}});
  return absl::StrCat(
      "\nFirst administrator account created.\n"
      "  username: ",
      kBootstrapAdmin,
      "\n"
      "  one-time password: ",
      password,
      "\n"
      "This password is shown only now. Log in with `clinicctl login admin`; "
      "you will be\n"
      "asked to choose a new password at once.\n\n");
}

// ---- Sessions
// ------------------------------------------------------------------------------

std::string AuthServiceImpl::IssueAccessToken(const UserRecord& user,
                                              const std::string& session_id,
                                              absl::Time now,
                                              absl::Duration lifetime,
                                              const v1::BreakGlassGrant* grant,
                                              absl::Time* expiry) {
  v1::AccessTokenClaims claims;
  claims.set_token_id(RandomId());
  claims.set_username(user.username);
  for (v1::Role role : user.roles) claims.add_roles(role);
  *claims.mutable_issue_time() = ToProtoTime(now);
  *expiry = now + lifetime;
  if (grant != nullptr) *claims.mutable_break_glass() = *grant;
  *claims.mutable_expire_time() = ToProtoTime(*expiry);
  claims.set_session_id(session_id);
  claims.set_password_change_required(user.password_change_required);
  return EncodeAccessToken(claims, *signer_, key_id_);
}

absl::Status AuthServiceImpl::StartSession(Connection& c,
                                           const UserRecord& user,
                                           v1::LoginResponse* resp) {
  absl::Time now = clock_->Now();
  CLINIC_ASSIGN_OR_RETURN(SecretBytes refresh_raw, RandomSecret(32));
  std::string refresh_token =
      absl::StrCat("r1.", Base64UrlEncode(refresh_raw.view()));
  auth_store::SessionRecord session;
  session.session_id = RandomId();
  session.username = user.username;
  session.refresh_hash = storage::Sha256(refresh_token);
  session.create_time = now;
  session.refresh_expire_time =
      now + FromProtoDuration(config_.refresh_token_ttl());
  CLINIC_RETURN_IF_ERROR(auth_store::InsertSession(c, session));
  absl::Time access_expiry;
  resp->set_access_token(IssueAccessToken(
      user, session.session_id, now, AccessTtl(), nullptr, &access_expiry));
  *resp->mutable_access_token_expire_time() = ToProtoTime(access_expiry);
  resp->set_refresh_token(refresh_token);
  *resp->mutable_refresh_token_expire_time() =
      ToProtoTime(session.refresh_expire_time);
  *resp->mutable_user() = Redacted(user);
  resp->set_password_change_required(user.password_change_required);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Revocation>> AuthServiceImpl::RevokeAllSessions(
    Connection& c, const std::string& username, bool whole_account) {
  std::vector<v1::Revocation> revocations;
  google::protobuf::Timestamp now = ToProtoTime(clock_->Now());
  CLINIC_ASSIGN_OR_RETURN(std::vector<std::string> sessions,
                          auth_store::ActiveSessionIds(c, username));
  for (const std::string& id : sessions) {
    CLINIC_RETURN_IF_ERROR(auth_store::RevokeSession(c, id));
    v1::Revocation r;
    r.set_session_id(id);
    *r.mutable_revoke_time() = now;
    revocations.push_back(r);
  }
  if (whole_account) {
    // Also covers tokens of sessions created concurrently with this change.
    v1::Revocation r;
    r.set_username(username);
    *r.mutable_revoke_time() = now;
    revocations.push_back(r);
  }
  for (const v1::Revocation& r : revocations) {
    CLINIC_RETURN_IF_ERROR(auth_store::InsertRevocation(c, r));
  }
  return revocations;
}

void AuthServiceImpl::Publish(const std::vector<v1::Revocation>& revocations) {
  for (const v1::Revocation& r : revocations) {
    context_.token_verifier().Revoke(r);
    hub_.Publish(r);
  }
}

absl::Status AuthServiceImpl::CheckPeerThrottle(const std::string& peer) {
  absl::MutexLock lock(&peer_mu_);
  auto it = peer_failures_.find(peer);
  if (it == peer_failures_.end()) return absl::OkStatus();
  absl::Time since =
      clock_->Now() - FromProtoDuration(config_.throttle_window());
  while (!it->second.empty() && it->second.front() < since)
    it->second.pop_front();
  if (static_cast<int>(it->second.size()) >= config_.max_failures_per_peer()) {
    return absl::ResourceExhaustedError(
        "too many failed sign-in attempts from this computer; wait a few "
        "minutes and try "
        "again");
  }
  return absl::OkStatus();
}

void AuthServiceImpl::RecordPeerFailure(const std::string& peer) {
  absl::MutexLock lock(&peer_mu_);
  std::deque<absl::Time>& failures = peer_failures_[peer];
  failures.push_back(clock_->Now());
  while (static_cast<int>(failures.size()) >
         config_.max_failures_per_peer() + 1) {
    failures.pop_front();
  }
  // Bound memory against address floods: forget the oldest addresses first.
  if (peer_failures_.size() > 100000)
    peer_failures_.erase(peer_failures_.begin());
}

absl::Status AuthServiceImpl::DoLogin(const Caller& caller,
                                      const v1::LoginRequest& req,
                                      v1::LoginResponse* resp) {
  if (req.username().empty() || req.username().size() > 64) {
    return absl::InvalidArgumentError("username must be 1 to 64 characters");
  }
  if (req.password().empty() || req.password().size() > 1024) {
    return absl::InvalidArgumentError("password must be 1 to 1024 bytes");
  }
  if (!req.totp_code().empty() &&
      (req.totp_code().size() != 6 ||
       !std::all_of(req.totp_code().begin(), req.totp_code().end(), [](char c) {
         return absl::ascii_isdigit(static_cast<unsigned char>(c));
       }))) {
    return absl::InvalidArgumentError("totp_code must be 6 digits");
  }
  const std::string peer = PeerAddress(caller.peer);
  CLINIC_RETURN_IF_ERROR(CheckPeerThrottle(peer));
  const std::string username = absl::AsciiStrToLower(req.username());
  absl::Time now = clock_->Now();
  absl::Time window_start = now - FromProtoDuration(config_.throttle_window());

  std::optional<UserRecord> user;
  int64_t failures = 0;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        failures, auth_store::CountLoginFailures(c, username, window_start));
    CLINIC_ASSIGN_OR_RETURN(user, auth_store::FindUser(c, username));
    return absl::OkStatus();
  }));
  if (failures >= config_.max_failures_per_account()) {
    return absl::ResourceExhaustedError(
        "too many failed sign-in attempts for this account; wait a few minutes "
        "and try "
        "again, or ask an administrator to reset the password");
  }
  const std::string password = PasswordPolicy::Normalize(req.password());
  bool password_ok =
      VerifyPassword(password, user ? user->password_hash : dummy_hash_);
  bool ok = user.has_value() && password_ok && !user->disabled;

  if (ok && !user->totp_secret.empty()) {
    if (req.totp_code().empty()) {
      // Right password; the second factor is still needed. Not a failure.
      resp->set_second_factor_required(true);
      return absl::OkStatus();
    }
    std::optional<int64_t> step = MatchTotp(user->totp_secret, req.totp_code(),
                                            now, config_.totp_window_steps());
    ok = step.has_value() && *step > user->totp_last_step;
    if (ok) user->totp_last_step = *step;
  }
  if (!ok) {
    RecordPeerFailure(peer);
    CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) {
      return auth_store::RecordLoginFailure(c, username, now);
    }));
    return absl::UnauthenticatedError(
        user && password_ok && !user->disabled && !user->totp_secret.empty()
            ? "the authenticator code is wrong or was already used; wait for "
              "the next code"
            : "wrong username or password, or the account is disabled");
  }
  return db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(auth_store::ClearLoginFailures(c, username));
    user->last_login_time = now;
    user->update_time = now;
    if (NeedsRehash(user->password_hash, scrypt_)) {
      CLINIC_ASSIGN_OR_RETURN(user->password_hash,
                              HashPassword(password, scrypt_));
    }
    CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, *user));
    return StartSession(c, *user, resp);
  });
}

absl::Status AuthServiceImpl::DoRefresh(const v1::RefreshTokenRequest& req,
                                        v1::LoginResponse* resp) {
  const absl::Status invalid = absl::UnauthenticatedError(
      "the session has ended or the refresh token is not valid; log in again");
  if (req.refresh_token().empty()) {
    return absl::InvalidArgumentError("refresh_token is required");
  }
  if (!absl::StartsWith(req.refresh_token(), "r1.") ||
      req.refresh_token().size() > 200) {
    return invalid;
  }
  std::string hash = storage::Sha256(req.refresh_token());
  std::vector<v1::Revocation> revoked;
  absl::Status status = db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto session,
                            auth_store::FindSessionByRefreshHash(c, hash));
    if (!session || session->revoked) return invalid;
    absl::Time now = clock_->Now();
    if (!ConstantTimeEquals(session->refresh_hash, hash)) {
      // A refresh token that was already exchanged came back: someone holds a
      // copy. End the whole session.
      CLINIC_RETURN_IF_ERROR(auth_store::RevokeSession(c, session->session_id));
      v1::Revocation r;
      r.set_session_id(session->session_id);
      *r.mutable_revoke_time() = ToProtoTime(now);
      CLINIC_RETURN_IF_ERROR(auth_store::InsertRevocation(c, r));
      revoked.push_back(r);
      log::Warning("a used refresh token was presented again; session revoked",
                   {{"user", absl::StrCat("users/", session->username)}});
      return absl::OkStatus();
    }
    if (session->refresh_expire_time <= now) return invalid;
    CLINIC_ASSIGN_OR_RETURN(auto user,
                            auth_store::FindUser(c, session->username));
    if (!user || user->disabled) return invalid;
    CLINIC_ASSIGN_OR_RETURN(SecretBytes raw, RandomSecret(32));
    std::string refresh_token =
        absl::StrCat("r1.", Base64UrlEncode(raw.view()));
    absl::Time refresh_expiry =
        now + FromProtoDuration(config_.refresh_token_ttl());
    CLINIC_RETURN_IF_ERROR(auth_store::RotateRefreshToken(
        c, session->session_id, storage::Sha256(refresh_token),
        refresh_expiry));
    absl::Time access_expiry;
    resp->set_access_token(IssueAccessToken(
        *user, session->session_id, now, AccessTtl(), nullptr, &access_expiry));
    *resp->mutable_access_token_expire_time() = ToProtoTime(access_expiry);
    resp->set_refresh_token(refresh_token);
    *resp->mutable_refresh_token_expire_time() = ToProtoTime(refresh_expiry);
    *resp->mutable_user() = Redacted(*user);
    resp->set_password_change_required(user->password_change_required);
    return absl::OkStatus();
  });
  Publish(revoked);
  if (status.ok() && !revoked.empty()) return invalid;
  return status;
}

absl::StatusOr<UserRecord> AuthServiceImpl::LoadUser(
    Connection& c, const std::string& name_field, absl::string_view field) {
  CLINIC_ASSIGN_OR_RETURN(std::string username,
                          UsernameFromName(field, name_field));
  CLINIC_ASSIGN_OR_RETURN(auto user, auth_store::FindUser(c, username));
  if (!user)
    return absl::NotFoundError(absl::StrCat(name_field, " was not found"));
  return *std::move(user);
}

absl::Status AuthServiceImpl::DoChangePassword(
    const Caller& caller, const v1::ChangePasswordRequest& req,
    v1::ChangePasswordResponse* resp) {
  if (req.current_password().empty()) {
    return absl::InvalidArgumentError("current_password is required");
  }
  std::vector<v1::Revocation> revoked;
  absl::Status status = db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto user,
                            auth_store::FindUser(c, caller.username));
    if (!user || user->disabled) {
      return absl::UnauthenticatedError("the account is no longer active");
    }
    if (!VerifyPassword(PasswordPolicy::Normalize(req.current_password()),
                        user->password_hash)) {
      CLINIC_RETURN_IF_ERROR(
          auth_store::RecordLoginFailure(c, user->username, clock_->Now()));
      return absl::InvalidArgumentError("current_password is wrong");
    }
    CLINIC_RETURN_IF_ERROR(policy_->Check("new_password", req.new_password(),
                                          user->username, user->display_name));
    std::string new_password = PasswordPolicy::Normalize(req.new_password());
    if (VerifyPassword(new_password, user->password_hash)) {
      return absl::InvalidArgumentError(
          "new_password must differ from the current password");
    }
    CLINIC_ASSIGN_OR_RETURN(user->password_hash,
                            HashPassword(new_password, scrypt_));
    user->password_change_required = false;
    user->update_time = clock_->Now();
    CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, *user));
    // Every other session ends with the old password.
    CLINIC_ASSIGN_OR_RETURN(revoked,
                            RevokeAllSessions(c, user->username, false));
    return StartSession(c, *user, resp->mutable_session());
  });
  if (status.ok()) Publish(revoked);
  return status;
}

absl::Status AuthServiceImpl::DoCreateUser(const v1::CreateUserRequest& req,
                                           v1::CreateUserResponse* resp) {
  const v1::User& u = req.user();
  CLINIC_RETURN_IF_ERROR(ValidateUsername("user.username", u.username()));
  CLINIC_RETURN_IF_ERROR(
      ValidateText("user.display_name", u.display_name(), 1, 100));
  CLINIC_RETURN_IF_ERROR(ValidateRoles("user.roles", u.roles()));
  std::string password = OneTimePassword();
  UserRecord user;
  user.username = u.username();
  user.display_name = u.display_name();
  for (int role : u.roles()) user.roles.push_back(static_cast<v1::Role>(role));
  CLINIC_ASSIGN_OR_RETURN(user.password_hash, HashPassword(password, scrypt_));
  user.password_change_required = true;
  user.create_time = user.update_time = clock_->Now();
  CLINIC_RETURN_IF_ERROR(db_->Write(
      [&](Connection& c) { return auth_store::InsertUser(c, user); }));
  *resp->mutable_user() = Redacted(user);
  resp->set_one_time_password(password);
  return absl::OkStatus();
}

absl::Status AuthServiceImpl::DoUpdateUser(const v1::UpdateUserRequest& req,
                                           v1::User* resp) {
  if (req.update_mask().empty()) {
    return absl::InvalidArgumentError(
        "update_mask must name display_name and/or roles");
  }
  for (const std::string& path : req.update_mask()) {
    if (path == "display_name") {
      CLINIC_RETURN_IF_ERROR(
          ValidateText("user.display_name", req.user().display_name(), 1, 100));
    } else if (path == "roles") {
      CLINIC_RETURN_IF_ERROR(ValidateRoles("user.roles", req.user().roles()));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path,
                       "\" cannot be changed here (only "
                       "display_name and roles)"));
    }
  }
  if (req.user().etag().empty())
    return absl::InvalidArgumentError("user.etag is required");
  return db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(UserRecord user,
                            LoadUser(c, req.user().name(), "user.name"));
    if (req.user().etag() != absl::StrCat(user.version)) {
      return absl::AbortedError(absl::StrCat(
          req.user().name(),
          " was changed by someone else; fetch it again and retry"));
    }
    const bool was_admin = user.HasRole(v1::ROLE_ADMIN);
    for (const std::string& path : req.update_mask()) {
      if (path == "display_name") user.display_name = req.user().display_name();
      if (path == "roles") {
        user.roles.clear();
        for (int role : req.user().roles())
          user.roles.push_back(static_cast<v1::Role>(role));
      }
    }
    if (was_admin && !user.HasRole(v1::ROLE_ADMIN) && !user.disabled) {
      CLINIC_ASSIGN_OR_RETURN(int64_t admins,
                              auth_store::CountEnabledAdmins(c));
      if (admins <= 1) {
        return absl::FailedPreconditionError(
            "this is the last active administrator; make someone else an "
            "administrator "
            "first");
      }
    }
    user.update_time = clock_->Now();
    CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, user));
    *resp = Redacted(user);
    return absl::OkStatus();
  });
}

absl::Status AuthServiceImpl::DoDisableUser(const Caller& caller,
                                            const v1::DisableUserRequest& req,
                                            v1::User* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 1, 1000));
  std::vector<v1::Revocation> revoked;
  absl::Status status = db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(UserRecord user, LoadUser(c, req.name(), "name"));
    if (user.username == caller.username) {
      return absl::FailedPreconditionError(
          "you cannot disable your own account");
    }
    if (user.HasRole(v1::ROLE_ADMIN) && !user.disabled) {
      CLINIC_ASSIGN_OR_RETURN(int64_t admins,
                              auth_store::CountEnabledAdmins(c));
      if (admins <= 1) {
        return absl::FailedPreconditionError(
            "the last active administrator cannot be disabled");
      }
    }
    user.disabled = true;
    user.update_time = clock_->Now();
    CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, user));
    CLINIC_ASSIGN_OR_RETURN(revoked, RevokeAllSessions(c, user.username, true));
    *resp = Redacted(user);
    return absl::OkStatus();
  });
  // Committed: from here on no service in this process accepts the account's
  // tokens.
  if (status.ok()) Publish(revoked);
  return status;
}

absl::Status AuthServiceImpl::DoResetPassword(
    const v1::ResetPasswordRequest& req, v1::ResetPasswordResponse* resp) {
  std::string password = OneTimePassword();
  CLINIC_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, scrypt_));
  std::vector<v1::Revocation> revoked;
  absl::Status status = db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(UserRecord user, LoadUser(c, req.name(), "name"));
    user.password_hash = hash;
    user.password_change_required = true;
    user.update_time = clock_->Now();
    CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, user));
    CLINIC_RETURN_IF_ERROR(auth_store::ClearLoginFailures(c, user.username));
    CLINIC_ASSIGN_OR_RETURN(revoked,
                            RevokeAllSessions(c, user.username, false));
    *resp->mutable_user() = Redacted(user);
    resp->set_one_time_password(password);
    return absl::OkStatus();
  });
  if (status.ok()) Publish(revoked);
  return status;
}

absl::Status AuthServiceImpl::DoBreakGlass(const Caller& caller,
                                           const v1::BreakGlassRequest& req,
                                           v1::BreakGlassResponse* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateCaseName(req.case_(), "case"));
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 20, 2000));
  absl::Duration duration = kDefaultBreakGlass;
  if (req.has_duration()) {
    duration = FromProtoDuration(req.duration());
    if (duration <= absl::ZeroDuration() || duration > kMaxBreakGlass) {
      return absl::InvalidArgumentError(
          "duration must be more than 0 and at most 4 hours");
    }
  }
  if (!caller.break_glass_case.empty()) {
    return absl::FailedPreconditionError(
        "a break-glass token cannot grant another; use your normal session");
  }
  std::optional<UserRecord> user;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(user, auth_store::FindUser(c, caller.username));
    return absl::OkStatus();
  }));
  if (!user || user->disabled) {
    return absl::UnauthenticatedError("the account is no longer active");
  }
  v1::BreakGlassGrant grant;
  grant.set_case_(req.case_());
  grant.set_reason(req.reason());
  absl::Time now = clock_->Now();
  absl::Time expiry;
  // The grant shares the administrator's session, so logging out ends it too.
  std::string token =
      IssueAccessToken(*user, caller.session_id, now,
                       std::min(duration, kMaxBreakGlass), &grant, &expiry);
  resp->set_access_token(token);
  *resp->mutable_expire_time() = ToProtoTime(expiry);
  log::Warning("break-glass access granted",
               {{"user", caller.user_resource()}, {"case", req.case_()}});
  return absl::OkStatus();
}

// ---- Handlers
// ------------------------------------------------------------------------------

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* ctx,
                                    const v1::LoginRequest* req,
                                    v1::LoginResponse* resp) {
  return HandleCall(
      ctx, [&](const Caller& caller) { return DoLogin(caller, *req, resp); });
}

grpc::Status AuthServiceImpl::RefreshToken(grpc::ServerContext* ctx,
                                           const v1::RefreshTokenRequest* req,
                                           v1::LoginResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) { return DoRefresh(*req, resp); });
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* ctx,
                                     const v1::LogoutRequest*,
                                     v1::LogoutResponse*) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    v1::Revocation r;
    r.set_session_id(caller.session_id);
    *r.mutable_revoke_time() = ToProtoTime(clock_->Now());
    CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_RETURN_IF_ERROR(auth_store::RevokeSession(c, caller.session_id));
      return auth_store::InsertRevocation(c, r);
    }));
    Publish({r});
    return absl::OkStatus();
  });
}

grpc::Status AuthServiceImpl::GetCurrentUser(grpc::ServerContext* ctx,
                                             const v1::GetCurrentUserRequest*,
                                             v1::User* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto user,
                              auth_store::FindUser(c, caller.username));
      if (!user)
        return absl::UnauthenticatedError("the account no longer exists");
      *resp = Redacted(*user);
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::ChangePassword(
    grpc::ServerContext* ctx, const v1::ChangePasswordRequest* req,
    v1::ChangePasswordResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return DoChangePassword(caller, *req, resp);
  });
}

grpc::Status AuthServiceImpl::BeginTotpEnrollment(
    grpc::ServerContext* ctx, const v1::BeginTotpEnrollmentRequest*,
    v1::BeginTotpEnrollmentResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(SecretBytes secret, RandomSecret(20));
    return db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto user,
                              auth_store::FindUser(c, caller.username));
      if (!user)
        return absl::UnauthenticatedError("the account no longer exists");
      if (!user->totp_secret.empty()) {
        return absl::FailedPreconditionError(
            "an authenticator is already set up; disable it first to enrol "
            "another");
      }
      user->totp_pending_secret = std::string(secret.view());
      user->update_time = clock_->Now();
      CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, *user));
      resp->set_secret_base32(Base32Encode(secret.view()));
      resp->set_otpauth_uri(OtpauthUri(user->username, secret.view()));
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::ConfirmTotpEnrollment(
    grpc::ServerContext* ctx, const v1::ConfirmTotpEnrollmentRequest* req,
    v1::User* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    return db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto user,
                              auth_store::FindUser(c, caller.username));
      if (!user)
        return absl::UnauthenticatedError("the account no longer exists");
      if (user->totp_pending_secret.empty()) {
        return absl::FailedPreconditionError(
            "no authenticator enrolment is in progress; begin one first");
      }
      std::optional<int64_t> step =
          MatchTotp(user->totp_pending_secret, req->totp_code(), clock_->Now(),
                    config_.totp_window_steps());
      if (!step) {
        return absl::InvalidArgumentError(
            "totp_code does not match; check the authenticator's clock and try "
            "the current "
            "code");
      }
      user->totp_secret = user->totp_pending_secret;
      user->totp_pending_secret.clear();
      user->totp_last_step = *step;
      user->update_time = clock_->Now();
      CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, *user));
      *resp = Redacted(*user);
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::DisableTotp(grpc::ServerContext* ctx,
                                          const v1::DisableTotpRequest* req,
                                          v1::User* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    return db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(UserRecord user,
                              LoadUser(c, req->user(), "user"));
      bool self = user.username == caller.username;
      if (!self && !caller.HasRole(v1::ROLE_ADMIN)) {
        return absl::PermissionDeniedError(
            "only an administrator may remove another person's authenticator");
      }
      if (self && !VerifyPassword(PasswordPolicy::Normalize(req->password()),
                                  user.password_hash)) {
        return absl::InvalidArgumentError("password is wrong");
      }
      user.totp_secret.clear();
      user.totp_pending_secret.clear();
      user.update_time = clock_->Now();
      CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, user));
      *resp = Redacted(user);
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::CreateUser(grpc::ServerContext* ctx,
                                         const v1::CreateUserRequest* req,
                                         v1::CreateUserResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(DoCreateUser(*req, resp));
    AuditResource(ctx, resp->user().name());
    return absl::OkStatus();
  });
}

grpc::Status AuthServiceImpl::GetUser(grpc::ServerContext* ctx,
                                      const v1::GetUserRequest* req,
                                      v1::User* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(UserRecord user,
                              LoadUser(c, req->name(), "name"));
      if (user.username != caller.username && !caller.HasRole(v1::ROLE_ADMIN)) {
        return absl::PermissionDeniedError(
            "you may only look at your own account");
      }
      *resp = Redacted(user);
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::ListUsers(grpc::ServerContext* ctx,
                                        const v1::ListUsersRequest* req,
                                        v1::ListUsersResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(req->page_size(), 100, 500));
    CLINIC_ASSIGN_OR_RETURN(std::string after,
                            DecodePageToken(req->page_token()));
    if (!v1::Role_IsValid(req->role())) {
      return absl::InvalidArgumentError("role is not a known role");
    }
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(
          auto users,
          auth_store::ListUsers(c, after, page_size + 1, req->role(),
                                req->include_disabled()));
      for (size_t i = 0; i < users.size() && static_cast<int>(i) < page_size;
           ++i) {
        *resp->add_users() = Redacted(users[i]);
      }
      if (static_cast<int>(users.size()) > page_size) {
        resp->set_next_page_token(
            EncodePageToken(users[page_size - 1].username));
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::UpdateUser(grpc::ServerContext* ctx,
                                         const v1::UpdateUserRequest* req,
                                         v1::User* resp) {
  return HandleCall(ctx,
                    [&](const Caller&) { return DoUpdateUser(*req, resp); });
}

grpc::Status AuthServiceImpl::DisableUser(grpc::ServerContext* ctx,
                                          const v1::DisableUserRequest* req,
                                          v1::User* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    AuditReason(ctx, req->reason());
    return DoDisableUser(caller, *req, resp);
  });
}

grpc::Status AuthServiceImpl::EnableUser(grpc::ServerContext* ctx,
                                         const v1::EnableUserRequest* req,
                                         v1::User* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    return db_->Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(UserRecord user,
                              LoadUser(c, req->name(), "name"));
      user.disabled = false;
      user.update_time = clock_->Now();
      CLINIC_RETURN_IF_ERROR(auth_store::ClearLoginFailures(c, user.username));
      CLINIC_RETURN_IF_ERROR(auth_store::UpdateUser(c, user));
      *resp = Redacted(user);
      return absl::OkStatus();
    });
  });
}

grpc::Status AuthServiceImpl::ResetPassword(grpc::ServerContext* ctx,
                                            const v1::ResetPasswordRequest* req,
                                            v1::ResetPasswordResponse* resp) {
  return HandleCall(ctx,
                    [&](const Caller&) { return DoResetPassword(*req, resp); });
}

grpc::Status AuthServiceImpl::BreakGlass(grpc::ServerContext* ctx,
                                         const v1::BreakGlassRequest* req,
                                         v1::BreakGlassResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    AuditReason(ctx, absl::StrCat("break-glass grant: ", req->reason()));
    return DoBreakGlass(caller, *req, resp);
  });
}

grpc::Status AuthServiceImpl::GetVerificationKeys(
    grpc::ServerContext*, const v1::GetVerificationKeysRequest*,
    v1::GetVerificationKeysResponse* resp) {
  // Public keys only; nothing here needs the caller.
  for (const v1::VerificationKey& key : public_keys_) *resp->add_keys() = key;
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::WatchRevocations(
    grpc::ServerContext* ctx, const v1::WatchRevocationsRequest*,
    grpc::ServerWriter<v1::Revocation>* writer) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    int64_t cursor = hub_.Position();
    absl::Time since = clock_->Now() -
                       FromProtoDuration(config_.access_token_ttl()) -
                       absl::Minutes(5);
    std::vector<v1::Revocation> backlog;
    CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(backlog, auth_store::RevocationsSince(c, since));
      return absl::OkStatus();
    }));
    for (const v1::Revocation& r : backlog) {
      if (!writer->Write(r)) return absl::OkStatus();
    }
    while (!ctx->IsCancelled() && !hub_.closed()) {
      for (const v1::Revocation& r :
           hub_.WaitForNew(&cursor, absl::Seconds(1))) {
        if (!writer->Write(r)) return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  });
}

// ---- Hosting
// -------------------------------------------------------------------------------

namespace {

class HostedAuthService : public HostedService {
 public:
  explicit HostedAuthService(std::unique_ptr<AuthServiceImpl> impl)
      : impl_(std::move(impl)) {}
  grpc::Service* grpc_service() override { return impl_.get(); }
  void BeginShutdown() override { impl_->CloseWatchers(); }

 private:
  std::unique_ptr<AuthServiceImpl> impl_;
};

}  // namespace

ServiceDefinition AuthServiceDefinition() {
  ServiceDefinition def;
  def.name = "auth";
  def.full_name = "clinic.v1.AuthService";
  def.create = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    CLINIC_ASSIGN_OR_RETURN(auto impl, AuthServiceImpl::Create(context));
    // A server started on a data directory without accounts (init skipped)
    // still gets its first administrator; the password goes to the operator's
    // terminal, not the log.
    CLINIC_ASSIGN_OR_RETURN(std::string notes, impl->BootstrapAdministrator());
    if (!notes.empty()) {
      std::fputs(notes.c_str(), stdout);
      std::fflush(stdout);
    }
    return std::make_unique<HostedAuthService>(std::move(impl));
  };
  def.initialize = [](ServiceContext& context,
                      std::string* operator_notes) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto impl, AuthServiceImpl::Create(context));
    CLINIC_ASSIGN_OR_RETURN(std::string notes, impl->BootstrapAdministrator());
    operator_notes->append(notes);
    return absl::OkStatus();
  };
  return def;
}

}  // namespace clinic
