// The auth service's database: accounts, sessions (refresh tokens, stored only
// as SHA-256 hashes), failed logins, signing keys and revocations. Functions
// take a Connection so the service can compose several in one transaction (see
// storage/database.h).
#ifndef CLINIC_SERVICES_AUTH_AUTH_STORE_H_
#define CLINIC_SERVICES_AUTH_AUTH_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clinic/v1/auth.pb.h"
#include "storage/database.h"

namespace clinic {
namespace auth_store {

using storage::Connection;

// The schema's history.
std::vector<storage::Migration> Migrations();

struct UserRecord {
  std::string username;
  std::string display_name;
  std::vector<v1::Role> roles;
  std::string password_hash;
  bool password_change_required = false;
  bool disabled = false;
  // Active TOTP secret (empty if none) and one awaiting confirmation.
  std::string totp_secret;
  std::string totp_pending_secret;
  // Last TOTP step accepted (replay protection).
  int64_t totp_last_step = 0;
  absl::Time create_time;
  absl::Time update_time;
  absl::Time last_login_time = absl::InfinitePast();
  int64_t version = 1;

  v1::User ToProto() const;
  bool HasRole(v1::Role role) const;
};

absl::StatusOr<std::optional<UserRecord>> FindUser(Connection& c,
                                                   const std::string& username);
// ALREADY_EXISTS if the username is taken.
absl::Status InsertUser(Connection& c, const UserRecord& user);
// Writes `user` (bumping its version). ABORTED if the stored version is not
// `user.version` (someone else changed it).
absl::Status UpdateUser(Connection& c, UserRecord& user);
// Users ordered by username after `after`.
absl::StatusOr<std::vector<UserRecord>> ListUsers(Connection& c,
                                                  const std::string& after,
                                                  int limit, v1::Role role,
                                                  bool include_disabled);
absl::StatusOr<int64_t> CountUsers(Connection& c);
absl::StatusOr<int64_t> CountEnabledAdmins(Connection& c);

struct SessionRecord {
  std::string session_id;
  std::string username;
  std::string refresh_hash;
  std::string previous_refresh_hash;
  absl::Time create_time;
  absl::Time refresh_expire_time;
  bool revoked = false;
};

absl::Status InsertSession(Connection& c, const SessionRecord& session);
// The session whose current or previous refresh token hashes to `hash`.
absl::StatusOr<std::optional<SessionRecord>> FindSessionByRefreshHash(
    Connection& c, const std::string& hash);
absl::Status RotateRefreshToken(Connection& c, const std::string& session_id,
                                const std::string& new_hash,
                                absl::Time new_expiry);
// Marks the session revoked (no-op if already).
absl::Status RevokeSession(Connection& c, const std::string& session_id);
// Live sessions of a user.
absl::StatusOr<std::vector<std::string>> ActiveSessionIds(
    Connection& c, const std::string& username);

// Failed logins, by the username typed (whether or not such an account exists).
absl::Status RecordLoginFailure(Connection& c, const std::string& username,
                                absl::Time at);
absl::StatusOr<int64_t> CountLoginFailures(Connection& c,
                                           const std::string& username,
                                           absl::Time since);
absl::Status ClearLoginFailures(Connection& c, const std::string& username);

struct SigningKey {
  std::string key_id;
  std::string private_key;
  std::string public_key;
  absl::Time create_time;
  absl::Time retire_time = absl::InfiniteFuture();
};
absl::StatusOr<std::vector<SigningKey>> LoadSigningKeys(Connection& c);
absl::Status InsertSigningKey(Connection& c, const SigningKey& key);

absl::Status InsertRevocation(Connection& c, const v1::Revocation& revocation);
// Revocations at or after `since`, oldest first.
absl::StatusOr<std::vector<v1::Revocation>> RevocationsSince(Connection& c,
                                                             absl::Time since);

}  // namespace auth_store
}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_AUTH_STORE_H_
