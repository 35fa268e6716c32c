#include "services/auth/auth_store.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/proto_time.h"
#include "base/status_macros.h"

namespace clinic {
namespace auth_store {
namespace {

using storage::Statement;

constexpr char kUserColumns[] =
    "username, display_name, roles, password_hash, password_change_required, "
    "disabled, "
    "totp_secret, totp_pending_secret, totp_last_step, create_time, "
    "update_time, "
    "last_login_time, version";

std::string EncodeRoles(const std::vector<v1::Role>& roles) {
  std::vector<int> numbers(roles.begin(), roles.end());
  return absl::StrJoin(numbers, ",");
}

std::vector<v1::Role> DecodeRoles(const std::string& text) {
  std::vector<v1::Role> roles;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int number = 0;
    if (absl::SimpleAtoi(part, &number) && v1::Role_IsValid(number)) {
      roles.push_back(static_cast<v1::Role>(number));
    }
  }
  return roles;
}

UserRecord ReadUser(const Statement& s) {
  UserRecord u;
  u.username = s.ColumnText(0);
  u.display_name = s.ColumnText(1);
  u.roles = DecodeRoles(s.ColumnText(2));
  u.password_hash = s.ColumnText(3);
  u.password_change_required = s.ColumnInt(4) != 0;
  u.disabled = s.ColumnInt(5) != 0;
  u.totp_secret = s.ColumnBlob(6);
  u.totp_pending_secret = s.ColumnBlob(7);
  u.totp_last_step = s.ColumnInt(8);
  u.create_time = FromMicros(s.ColumnInt(9));
  u.update_time = FromMicros(s.ColumnInt(10));
  u.last_login_time =
      s.ColumnIsNull(11) ? absl::InfinitePast() : FromMicros(s.ColumnInt(11));
  u.version = s.ColumnInt(12);
  return u;
}

}  // namespace

std::vector<storage::Migration> Migrations() {
  return {
      storage::SqlMigration(1, "accounts, sessions, keys, revocations", R"sql(
    CREATE TABLE users (
      username TEXT PRIMARY KEY,
      display_name TEXT NOT NULL,
      roles TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      password_change_required INTEGER NOT NULL,
      disabled INTEGER NOT NULL DEFAULT 0,
      totp_secret BLOB,
      totp_pending_secret BLOB,
      totp_last_step INTEGER NOT NULL DEFAULT 0,
      create_time INTEGER NOT NULL,
      update_time INTEGER NOT NULL,
      last_login_time INTEGER,
      version INTEGER NOT NULL
    );
    CREATE TABLE sessions (
      session_id TEXT PRIMARY KEY,
      username TEXT NOT NULL REFERENCES users(username),
      refresh_hash BLOB NOT NULL UNIQUE,
      previous_refresh_hash BLOB,
      create_time INTEGER NOT NULL,
      refresh_expire_time INTEGER NOT NULL,
      revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sessions_by_user ON sessions(username, revoked);
    CREATE INDEX sessions_by_previous ON sessions(previous_refresh_hash);
    CREATE TABLE login_failures (
      username TEXT NOT NULL,
      time INTEGER NOT NULL
    );
    CREATE INDEX login_failures_by_user ON login_failures(username, time);
    CREATE TABLE signing_keys (
      key_id TEXT PRIMARY KEY,
      private_key BLOB NOT NULL,
      public_key BLOB NOT NULL,
      create_time INTEGER NOT NULL,
      retire_time INTEGER
    );
    CREATE TABLE revocations (
      id INTEGER PRIMARY KEY,
      session_id TEXT,
      username TEXT,
      revoke_time INTEGER NOT NULL
    );
    CREATE INDEX revocations_by_time ON revocations(revoke_time);
  )sql")};
}

v1::User UserRecord::ToProto() const {
  v1::User user;
  user.set_name(absl::StrCat("users/", username));
  user.set_username(username);
  user.set_display_name(display_name);
  for (v1::Role role : roles) user.add_roles(role);
  user.set_disabled(disabled);
  user.set_totp_enabled(!totp_secret.empty());
  user.set_password_change_required(password_change_required);
  *user.mutable_create_time() = ToProtoTime(create_time);
  *user.mutable_update_time() = ToProtoTime(update_time);
  if (last_login_time != absl::InfinitePast()) {
    *user.mutable_last_login_time() = ToProtoTime(last_login_time);
  }
  user.set_etag(absl::StrCat(version));
  return user;
}

bool UserRecord::HasRole(v1::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::StatusOr<std::optional<UserRecord>> FindUser(
    Connection& c, const std::string& username) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare(absl::StrCat("SELECT ", kUserColumns,
                                          " FROM users WHERE username = ?1")));
  s.BindText(1, username);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUser(s));
}

absl::Status InsertUser(Connection& c, const UserRecord& u) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(absl::StrCat(
          "INSERT INTO users (", kUserColumns,
          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
          "?12, ?13)")));
  s.BindText(1, u.username)
      .BindText(2, u.display_name)
      .BindText(3, EncodeRoles(u.roles))
      .BindText(4, u.password_hash)
      .BindInt(5, u.password_change_required)
      .BindInt(6, u.disabled)
      .BindBlob(7, u.totp_secret)
      .BindBlob(8, u.totp_pending_secret)
      .BindInt(9, u.totp_last_step)
      .BindInt(10, ToMicros(u.create_time))
      .BindInt(11, ToMicros(u.update_time))
      .BindNull(12)
      .BindInt(13, u.version);
  absl::Status status = s.Run();
  if (status.code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat("user.username \"", u.username, "\" is already taken"));
  }
  return status;
}

absl::Status UpdateUser(Connection& c, UserRecord& u) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "UPDATE users SET display_name = ?2, roles = ?3, password_hash = ?4, "
          "password_change_required = ?5, disabled = ?6, totp_secret = ?7, "
          "totp_pending_secret = ?8, totp_last_step = ?9, update_time = ?10, "
          "last_login_time = ?11, version = version + 1 "
          "WHERE username = ?1 AND version = ?12"));
  s.BindText(1, u.username)
      .BindText(2, u.display_name)
      .BindText(3, EncodeRoles(u.roles))
      .BindText(4, u.password_hash)
      .BindInt(5, u.password_change_required)
      .BindInt(6, u.disabled)
      .BindBlob(7, u.totp_secret)
      .BindBlob(8, u.totp_pending_secret)
      .BindInt(9, u.totp_last_step)
      .BindInt(10, ToMicros(u.update_time))
      .BindInt(12, u.version);
  if (u.last_login_time == absl::InfinitePast()) {
    s.BindNull(11);
  } else {
    s.BindInt(11, ToMicros(u.last_login_time));
  }
  CLINIC_RETURN_IF_ERROR(s.Run());
  if (c.Changes() != 1) {
    return absl::AbortedError(
        absl::StrCat("users/", u.username,
                     " was changed by someone else; fetch it again and retry"));
  }
  ++u.version;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<UserRecord>> ListUsers(Connection& c,
                                                  const std::string& after,
                                                  int limit, v1::Role role,
                                                  bool include_disabled) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(absl::StrCat(
          "SELECT ", kUserColumns,
          " FROM users WHERE username > ?1 AND (?2 OR disabled = 0) "
          "ORDER BY username")));
  s.BindText(1, after).BindInt(2, include_disabled);
  std::vector<UserRecord> users;
  while (static_cast<int>(users.size()) < limit) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    UserRecord user = ReadUser(s);
    if (role != v1::ROLE_UNSPECIFIED && !user.HasRole(role)) continue;
    users.push_back(std::move(user));
  }
  return users;
}

absl::StatusOr<int64_t> CountUsers(Connection& c) {
  CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT count(*) FROM users"));
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

absl::StatusOr<int64_t> CountEnabledAdmins(Connection& c) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("SELECT roles FROM users WHERE disabled = 0"));
  int64_t admins = 0;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::vector<v1::Role> roles = DecodeRoles(s.ColumnText(0));
    if (std::find(roles.begin(), roles.end(), v1::ROLE_ADMIN) != roles.end())
      ++admins;
  }
  return admins;
}

absl::Status InsertSession(Connection& c, const SessionRecord& session) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO sessions (session_id, username, refresh_hash, "
                "create_time, "
                "refresh_expire_time) VALUES (?1, ?2, ?3, ?4, ?5)"));
  return s.BindText(1, session.session_id)
      .BindText(2, session.username)
      .BindBlob(3, session.refresh_hash)
      .BindInt(4, ToMicros(session.create_time))
      .BindInt(5, ToMicros(session.refresh_expire_time))
      .Run();
}

absl::StatusOr<std::optional<SessionRecord>> FindSessionByRefreshHash(
    Connection& c, const std::string& hash) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "SELECT session_id, username, refresh_hash, previous_refresh_hash, "
          "create_time, refresh_expire_time, revoked FROM sessions "
          "WHERE refresh_hash = ?1 OR previous_refresh_hash = ?1"));
  s.BindBlob(1, hash);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<SessionRecord>();
  SessionRecord r;
  r.session_id = s.ColumnText(0);
  r.username = s.ColumnText(1);
  r.refresh_hash = s.ColumnBlob(2);
  r.previous_refresh_hash = s.ColumnBlob(3);
  r.create_time = FromMicros(s.ColumnInt(4));
  r.refresh_expire_time = FromMicros(s.ColumnInt(5));
  r.revoked = s.ColumnInt(6) != 0;
  return std::optional<SessionRecord>(std::move(r));
}

absl::Status RotateRefreshToken(Connection& c, const std::string& session_id,
                                const std::string& new_hash,
                                absl::Time new_expiry) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "UPDATE sessions SET previous_refresh_hash = refresh_hash, "
          "refresh_hash = ?2, refresh_expire_time = ?3 WHERE session_id = ?1"));
  return s.BindText(1, session_id)
      .BindBlob(2, new_hash)
      .BindInt(3, ToMicros(new_expiry))
      .Run();
}

absl::Status RevokeSession(Connection& c, const std::string& session_id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("UPDATE sessions SET revoked = 1 WHERE session_id = ?1"));
  return s.BindText(1, session_id).Run();
}

absl::StatusOr<std::vector<std::string>> ActiveSessionIds(
    Connection& c, const std::string& username) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("SELECT session_id FROM sessions WHERE "
                                    "username = ?1 AND revoked = 0"));
  s.BindText(1, username);
  std::vector<std::string> ids;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ids.push_back(s.ColumnText(0));
  }
  return ids;
}

absl::Status RecordLoginFailure(Connection& c, const std::string& username,
                                absl::Time at) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO login_failures (username, time) VALUES (?1, ?2)"));
  return s.BindText(1, username).BindInt(2, ToMicros(at)).Run();
}

absl::StatusOr<int64_t> CountLoginFailures(Connection& c,
                                           const std::string& username,
                                           absl::Time since) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("SELECT count(*) FROM login_failures WHERE "
                                    "username = ?1 AND time >= ?2"));
  s.BindText(1, username).BindInt(2, ToMicros(since));
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

absl::Status ClearLoginFailures(Connection& c, const std::string& username) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("DELETE FROM login_failures WHERE username = ?1"));
  return s.BindText(1, username).Run();
}

absl::StatusOr<std::vector<SigningKey>> LoadSigningKeys(Connection& c) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "SELECT key_id, private_key, public_key, create_time, retire_time "
          "FROM signing_keys ORDER BY create_time"));
  std::vector<SigningKey> keys;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    SigningKey key;
    key.key_id = s.ColumnText(0);
    key.private_key = s.ColumnBlob(1);
    key.public_key = s.ColumnBlob(2);
    key.create_time = FromMicros(s.ColumnInt(3));
    if (!s.ColumnIsNull(4)) key.retire_time = FromMicros(s.ColumnInt(4));
    keys.push_back(std::move(key));
  }
  return keys;
}

absl::Status InsertSigningKey(Connection& c, const SigningKey& key) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("INSERT INTO signing_keys (key_id, "
                                    "private_key, public_key, create_time) "
                                    "VALUES (?1, ?2, ?3, ?4)"));
  return s.BindText(1, key.key_id)
      .BindBlob(2, key.private_key)
      .BindBlob(3, key.public_key)
      .BindInt(4, ToMicros(key.create_time))
      .Run();
}

absl::Status InsertRevocation(Connection& c, const v1::Revocation& revocation) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO revocations (session_id, username, revoke_time) "
                "VALUES (?1, ?2, ?3)"));
  s.BindTextOrNull(1, revocation.session_id())
      .BindTextOrNull(2, revocation.username())
      .BindInt(3, ToMicros(FromProtoTime(revocation.revoke_time())));
  return s.Run();
}

absl::StatusOr<std::vector<v1::Revocation>> RevocationsSince(Connection& c,
                                                             absl::Time since) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT session_id, username, revoke_time FROM revocations "
                "WHERE revoke_time >= ?1 ORDER BY id"));
  s.BindInt(1, ToMicros(since));
  std::vector<v1::Revocation> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    v1::Revocation r;
    if (!s.ColumnIsNull(0)) {
      r.set_session_id(s.ColumnText(0));
    } else {
      r.set_username(s.ColumnText(1));
    }
    *r.mutable_revoke_time() = ToProtoTime(FromMicros(s.ColumnInt(2)));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace auth_store
}  // namespace clinic
