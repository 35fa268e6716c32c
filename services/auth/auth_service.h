// AuthService: staff accounts, passwords (scrypt), TOTP second factor,
// sessions, Ed25519 access tokens, revocation, break-glass grants. See
// protos/clinic/v1/auth.proto.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_AUTH_AUTH_SERVICE_H_
#define CLINIC_SERVICES_AUTH_AUTH_SERVICE_H_

#include <deque>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/proto_time.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "services/auth/auth_store.h"
#include "services/auth/password_hasher.h"
#include "services/auth/password_policy.h"
#include "services/auth/revocation_hub.h"
#include "services/common/call_context.h"
#include "services/common/service.h"
#include "storage/crypto/ed25519.h"

namespace clinic {

// How a server hosts the auth service.
ServiceDefinition AuthServiceDefinition();

class AuthServiceImpl final : public v1::AuthService::Service {
 public:
  // Opens the auth database (creating the signing key on first start) and
  // registers the token verification key with the process's verifier.
  static absl::StatusOr<std::unique_ptr<AuthServiceImpl>> Create(
      ServiceContext& context);

  // If there are no accounts yet, creates the administrator "admin" with a
  // one-time password and returns the lines to show the operator (once; never
  // logged). Empty if accounts exist.
  absl::StatusOr<std::string> BootstrapAdministrator();

  // Ends WatchRevocations streams (server shutdown).
  void CloseWatchers() { hub_.Close(); }

  grpc::Status Login(grpc::ServerContext* ctx, const v1::LoginRequest* req,
                     v1::LoginResponse* resp) override;
  grpc::Status RefreshToken(grpc::ServerContext* ctx,
                            const v1::RefreshTokenRequest* req,
                            v1::LoginResponse* resp) override;
  grpc::Status Logout(grpc::ServerContext* ctx, const v1::LogoutRequest* req,
                      v1::LogoutResponse* resp) override;
  grpc::Status GetCurrentUser(grpc::ServerContext* ctx,
                              const v1::GetCurrentUserRequest* req,
                              v1::User* resp) override;
  grpc::Status ChangePassword(grpc::ServerContext* ctx,
                              const v1::ChangePasswordRequest* req,
                              v1::ChangePasswordResponse* resp) override;
  grpc::Status BeginTotpEnrollment(
      grpc::ServerContext* ctx, const v1::BeginTotpEnrollmentRequest* req,
      v1::BeginTotpEnrollmentResponse* resp) override;
  grpc::Status ConfirmTotpEnrollment(
      grpc::ServerContext* ctx, const v1::ConfirmTotpEnrollmentRequest* req,
      v1::User* resp) override;
  grpc::Status DisableTotp(grpc::ServerContext* ctx,
                           const v1::DisableTotpRequest* req,
                           v1::User* resp) override;
  grpc::Status CreateUser(grpc::ServerContext* ctx,
                          const v1::CreateUserRequest* req,
                          v1::CreateUserResponse* resp) override;
  grpc::Status GetUser(grpc::ServerContext* ctx, const v1::GetUserRequest* req,
                       v1::User* resp) override;
  grpc::Status ListUsers(grpc::ServerContext* ctx,
                         const v1::ListUsersRequest* req,
                         v1::ListUsersResponse* resp) override;
  grpc::Status UpdateUser(grpc::ServerContext* ctx,
                          const v1::UpdateUserRequest* req,
                          v1::User* resp) override;
  grpc::Status DisableUser(grpc::ServerContext* ctx,
                           const v1::DisableUserRequest* req,
                           v1::User* resp) override;
  grpc::Status EnableUser(grpc::ServerContext* ctx,
                          const v1::EnableUserRequest* req,
                          v1::User* resp) override;
  grpc::Status ResetPassword(grpc::ServerContext* ctx,
                             const v1::ResetPasswordRequest* req,
                             v1::ResetPasswordResponse* resp) override;
  grpc::Status BreakGlass(grpc::ServerContext* ctx,
                          const v1::BreakGlassRequest* req,
                          v1::BreakGlassResponse* resp) override;
  grpc::Status GetVerificationKeys(
      grpc::ServerContext* ctx, const v1::GetVerificationKeysRequest* req,
      v1::GetVerificationKeysResponse* resp) override;
  grpc::Status WatchRevocations(
      grpc::ServerContext* ctx, const v1::WatchRevocationsRequest* req,
      grpc::ServerWriter<v1::Revocation>* writer) override;

 private:
  AuthServiceImpl(ServiceContext& context,
                  std::unique_ptr<storage::Database> db,
                  std::unique_ptr<PasswordPolicy> policy);

  absl::Status DoLogin(const Caller& caller, const v1::LoginRequest& req,
                       v1::LoginResponse* resp);
  absl::Status DoRefresh(const v1::RefreshTokenRequest& req,
                         v1::LoginResponse* resp);
  absl::Status DoChangePassword(const Caller& caller,
                                const v1::ChangePasswordRequest& req,
                                v1::ChangePasswordResponse* resp);
  absl::Status DoCreateUser(const v1::CreateUserRequest& req,
                            v1::CreateUserResponse* resp);
  absl::Status DoUpdateUser(const v1::UpdateUserRequest& req, v1::User* resp);
  absl::Status DoDisableUser(const Caller& caller,
                             const v1::DisableUserRequest& req, v1::User* resp);
  absl::Status DoResetPassword(const v1::ResetPasswordRequest& req,
                               v1::ResetPasswordResponse* resp);
  absl::Status DoBreakGlass(const Caller& caller,
                            const v1::BreakGlassRequest& req,
                            v1::BreakGlassResponse* resp);

  // A new session for `user`: refresh token stored (hashed) and tokens in
  // `resp`.
  absl::Status StartSession(storage::Connection& c,
                            const auth_store::UserRecord& user,
                            v1::LoginResponse* resp);
  // Access token for an existing session.
  std::string IssueAccessToken(const auth_store::UserRecord& user,
                               const std::string& session_id, absl::Time now,
                               absl::Duration lifetime,
                               const v1::BreakGlassGrant* grant,
                               absl::Time* expiry);
  absl::Duration AccessTtl() const {
    return FromProtoDuration(config_.access_token_ttl());
  }
  // Revokes every live session of `username` (inside the caller's transaction)
  // and returns the revocations to publish once it commits.
  absl::StatusOr<std::vector<v1::Revocation>> RevokeAllSessions(
      storage::Connection& c, const std::string& username, bool whole_account);
  // Makes committed revocations effective in this process and for remote
  // watchers.
  void Publish(const std::vector<v1::Revocation>& revocations);

  // Loads a user for an administrator's action; NOT_FOUND naming the user
  // otherwise.
  absl::StatusOr<auth_store::UserRecord> LoadUser(storage::Connection& c,
                                                  const std::string& name_field,
                                                  absl::string_view field);
  absl::Status CheckPeerThrottle(const std::string& peer);
  void RecordPeerFailure(const std::string& peer);

  ServiceContext& context_;
  const Clock* const clock_;
  const v1::AuthConfig config_;
  const ScryptParams scrypt_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<PasswordPolicy> policy_;
  std::unique_ptr<storage::Ed25519Signer> signer_;
  std::string key_id_;
  std::vector<v1::VerificationKey> public_keys_;
  // Verifying against this when the account does not exist keeps timing
  // uniform.
  std::string dummy_hash_;
  RevocationHub hub_;

  absl::Mutex peer_mu_;
  absl::flat_hash_map<std::string, std::deque<absl::Time>> peer_failures_
      ABSL_GUARDED_BY(peer_mu_);
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_AUTH_SERVICE_H_
