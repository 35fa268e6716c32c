#include "tests/testing/accounts.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "base/grpc_status.h"
#include "base/status_macros.h"
#include "clinic/v1/auth.grpc.pb.h"

namespace clinic {
namespace testing {

std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(10));
  if (!token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  }
  return ctx;
}

absl::StatusOr<v1::LoginResponse> LogIn(
    const std::shared_ptr<grpc::Channel>& auth, const std::string& username,
    const std::string& password) {
  v1::AuthService::Stub stub(auth);
  v1::LoginRequest request;
  request.set_username(username);
  request.set_password(password);
  v1::LoginResponse response;
  auto ctx = TokenContext("");
  CLINIC_RETURN_IF_ERROR(
      FromGrpcStatus(stub.Login(ctx.get(), request, &response)));
  return response;
}

absl::StatusOr<std::string> FirstSignIn(
    const std::shared_ptr<grpc::Channel>& auth, const std::string& username,
    const std::string& one_time_password) {
  CLINIC_ASSIGN_OR_RETURN(v1::LoginResponse first,
                          LogIn(auth, username, one_time_password));
  v1::AuthService::Stub stub(auth);
  v1::ChangePasswordRequest change;
  change.set_current_password(one_time_password);
  change.set_new_password(kTestPassword);
  v1::ChangePasswordResponse changed;
  auto ctx = TokenContext(first.access_token());
  CLINIC_RETURN_IF_ERROR(
      FromGrpcStatus(stub.ChangePassword(ctx.get(), change, &changed)));
  return changed.session().access_token();
}

absl::StatusOr<std::string> CreateUserAndSignIn(
    const std::shared_ptr<grpc::Channel>& auth, const std::string& admin_token,
    const std::string& username, const std::vector<v1::Role>& roles) {
  v1::AuthService::Stub stub(auth);
  v1::CreateUserRequest create;
  create.mutable_user()->set_username(username);
  create.mutable_user()->set_display_name(absl::StrCat("Test ", username));
  for (v1::Role role : roles) create.mutable_user()->add_roles(role);
  v1::CreateUserResponse created;
  auto ctx = TokenContext(admin_token);
  CLINIC_RETURN_IF_ERROR(
      FromGrpcStatus(stub.CreateUser(ctx.get(), create, &created)));
  return FirstSignIn(auth, username, created.one_time_password());
}

}  // namespace testing
}  // namespace clinic
