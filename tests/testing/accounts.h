// Staff accounts for tests, through the real AuthService: first sign-in with a
// one-time password (which forces a change to kTestPassword), and creating a
// user as an administrator. Used by the in-process TestServer and by the
// process-level Deployment alike.
#ifndef CLINIC_TESTS_TESTING_ACCOUNTS_H_
#define CLINIC_TESTS_TESTING_ACCOUNTS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clinic/v1/auth.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace clinic {
namespace testing {

// A password that passes the policy, used for every test account.
constexpr char kTestPassword[] = "violet quarry saddle ember 42";

// A context carrying `token` (empty: none) with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token);

absl::StatusOr<v1::LoginResponse> LogIn(
    const std::shared_ptr<grpc::Channel>& auth, const std::string& username,
    const std::string& password);

// Logs in with `one_time_password`, changes it to kTestPassword, and returns
// the access token of the new session.
absl::StatusOr<std::string> FirstSignIn(
    const std::shared_ptr<grpc::Channel>& auth, const std::string& username,
    const std::string& one_time_password);

// Creates `username` with `roles` as the administrator `admin_token`, signs
// them in for the first time, and returns their access token.
absl::StatusOr<std::string> CreateUserAndSignIn(
    const std::shared_ptr<grpc::Channel>& auth, const std::string& admin_token,
    const std::string& username, const std::vector<v1::Role>& roles);

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_ACCOUNTS_H_
