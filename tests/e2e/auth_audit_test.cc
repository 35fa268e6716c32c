// Identity and audit behaviour over real TLS: forced password change,
// revocation on disable, refresh-token rotation and reuse detection, TOTP,
// throttling, break-glass, and signed audit exports verified offline (and
// refused when tampered with).
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/auth.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_service.h"
#include "services/audit/export_verifier.h"
#include "services/auth/auth_service.h"
#include "services/auth/totp.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Base32Decode(absl::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c - '2' + 26;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

class AuthAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestServer::Options options;
    options.services = {AuditServiceDefinition(), AuthServiceDefinition()};
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auth_ = std::make_unique<v1::AuthService::Stub>(server_->channel());
    audit_ = std::make_unique<v1::AuditService::Stub>(server_->channel());
  }

  grpc::Status WhoAmI(const std::string& token, v1::User* user = nullptr) {
    v1::User ignored;
    auto ctx = server_->Context(token);
    return auth_->GetCurrentUser(ctx.get(), v1::GetCurrentUserRequest(),
                                 user ? user : &ignored);
  }

  grpc::Status Login(const std::string& user, const std::string& password,
                     v1::LoginResponse* response,
                     const std::string& totp = "") {
    v1::LoginRequest request;
    request.set_username(user);
    request.set_password(password);
    request.set_totp_code(totp);
    auto ctx = server_->Context("");
    return auth_->Login(ctx.get(), request, response);
  }

  std::vector<v1::AuditEvent> Events(const std::string& method) {
    v1::ListAuditEventsRequest request;
    request.set_method(method);
    request.set_page_size(1000);
    v1::ListAuditEventsResponse response;
    auto ctx = server_->Context(server_->admin_token());
    EXPECT_TRUE(audit_->ListAuditEvents(ctx.get(), request, &response).ok());
    return {response.events().begin(), response.events().end()};
  }

  std::string Export(const v1::ExportAuditRequest& request) {
    auto ctx = server_->Context(server_->admin_token());
    auto reader = audit_->ExportAudit(ctx.get(), request);
    v1::ExportAuditResponse chunk;
    std::string file;
    while (reader->Read(&chunk)) {
      if (chunk.has_manifest()) {
        file += audit::ManifestToJsonLine(chunk.manifest());
      } else {
        file += chunk.jsonl();
      }
    }
    EXPECT_TRUE(reader->Finish().ok());
    return file;
  }

  std::string AuditKey() {
    v1::GetAuditPublicKeyResponse key;
    auto ctx = server_->Context("");
    EXPECT_TRUE(audit_->GetAuditPublicKey(ctx.get(), {}, &key).ok());
    return key.public_key();
  }

  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
};

TEST_F(AuthAuditTest, NewAccountMustChangeItsOneTimePasswordFirst) {
  v1::CreateUserRequest create;
  create.mutable_user()->set_username("nadia");
  create.mutable_user()->set_display_name("Nadia Haile");
  create.mutable_user()->add_roles(v1::ROLE_INTAKE);
  v1::CreateUserResponse created;
  {
    auto ctx = server_->Context(server_->admin_token());
    ASSERT_TRUE(auth_->CreateUser(ctx.get(), create, &created).ok());
  }
  EXPECT_GE(created.one_time_password().size(), 15u);
  v1::LoginResponse first;
  ASSERT_TRUE(Login("nadia", created.one_time_password(), &first).ok());
  EXPECT_TRUE(first.password_change_required());

  // Nothing but the password change is allowed yet.
  v1::BeginTotpEnrollmentResponse totp;
  auto ctx = server_->Context(first.access_token());
  grpc::Status refused = auth_->BeginTotpEnrollment(ctx.get(), {}, &totp);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(refused.error_message(), HasSubstr("change your password"));

  v1::ChangePasswordRequest weak;
  weak.set_current_password(created.one_time_password());
  weak.set_new_password("password123456789");
  v1::ChangePasswordResponse changed;
  ctx = server_->Context(first.access_token());
  grpc::Status status = auth_->ChangePassword(ctx.get(), weak, &changed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("new_password"));

  v1::ChangePasswordRequest good = weak;
  good.set_new_password("harbour millet copper wren 7");
  ctx = server_->Context(first.access_token());
  ASSERT_TRUE(auth_->ChangePassword(ctx.get(), good, &changed).ok());
  EXPECT_FALSE(changed.session().password_change_required());
  // The old session ended with the old password; the new one works.
  EXPECT_EQ(WhoAmI(first.access_token()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::User me;
  ASSERT_TRUE(WhoAmI(changed.session().access_token(), &me).ok());
  EXPECT_EQ(me.name(), "users/nadia");
  EXPECT_FALSE(me.password_change_required());
}

TEST_F(AuthAuditTest, DisablingAUserRevokesTheirLiveTokensAtOnce) {
  auto token = server_->CreateUser("lena", {v1::ROLE_LAWYER});
  ASSERT_TRUE(token.ok());
  v1::LoginResponse second;
  ASSERT_TRUE(Login("lena", testing::kTestPassword, &second).ok());
  ASSERT_TRUE(WhoAmI(*token).ok());
  ASSERT_TRUE(WhoAmI(second.access_token()).ok());

  v1::DisableUserRequest disable;
  disable.set_name("users/lena");
  disable.set_reason("left the clinic");
  v1::User disabled;
  auto ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(auth_->DisableUser(ctx.get(), disable, &disabled).ok());
  EXPECT_TRUE(disabled.disabled());

  // No clock movement: the tokens are unexpired, yet refused.
  EXPECT_EQ(WhoAmI(*token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(WhoAmI(second.access_token()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  v1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(second.refresh_token());
  v1::LoginResponse refreshed;
  ctx = server_->Context("");
  EXPECT_EQ(auth_->RefreshToken(ctx.get(), refresh, &refreshed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Login("lena", testing::kTestPassword, &refreshed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // The revocation survives a restart of the server.
  ASSERT_TRUE(server_->Restart().ok());
  auth_ = std::make_unique<v1::AuthService::Stub>(server_->channel());
  EXPECT_EQ(WhoAmI(second.access_token()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthAuditTest, LogoutEndsTheSession) {
  auto token = server_->CreateUser("omar", {v1::ROLE_INTAKE});
  ASSERT_TRUE(token.ok());
  auto ctx = server_->Context(*token);
  v1::LogoutResponse out;
  ASSERT_TRUE(auth_->Logout(ctx.get(), {}, &out).ok());
  EXPECT_EQ(WhoAmI(*token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthAuditTest, RefreshRotatesAndAReusedRefreshTokenEndsTheSession) {
  ASSERT_TRUE(server_->CreateUser("ines", {v1::ROLE_LAWYER}).ok());
  v1::LoginResponse login;
  ASSERT_TRUE(Login("ines", testing::kTestPassword, &login).ok());
  server_->clock().Advance(absl::Minutes(20));  // access token expired
  EXPECT_EQ(WhoAmI(login.access_token()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  v1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(login.refresh_token());
  v1::LoginResponse rotated;
  auto ctx = server_->Context("");
  ASSERT_TRUE(auth_->RefreshToken(ctx.get(), refresh, &rotated).ok());
  EXPECT_NE(rotated.refresh_token(), login.refresh_token());
  ASSERT_TRUE(WhoAmI(rotated.access_token()).ok());

  // The old refresh token comes back (a stolen copy): the whole session ends.
  v1::LoginResponse stolen;
  ctx = server_->Context("");
  EXPECT_EQ(auth_->RefreshToken(ctx.get(), refresh, &stolen).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(WhoAmI(rotated.access_token()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthAuditTest, BruteForceLoginIsThrottledPerAccountAndPerAddress) {
  ASSERT_TRUE(server_->CreateUser("target", {v1::ROLE_LAWYER}).ok());
  v1::LoginResponse response;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        Login("target", "wrong guess number " + std::to_string(i), &response)
            .error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
  // Even the right password is refused while throttled.
  grpc::Status throttled = Login("target", testing::kTestPassword, &response);
  EXPECT_EQ(throttled.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(throttled.error_message(), HasSubstr("wait"));
  // After the window, the right password works again.
  server_->clock().Advance(absl::Minutes(16));
  EXPECT_TRUE(Login("target", testing::kTestPassword, &response).ok());

  // One address guessing across many accounts is throttled too (20 failures).
  for (int i = 0; i < 20; ++i) {
    Login("nobody" + std::to_string(i), "some wrong password", &response);
  }
  EXPECT_EQ(Login("target", testing::kTestPassword, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(AuthAuditTest, TotpSecondFactorIsRequiredAndCodesCannotBeReplayed) {
  auto token = server_->CreateUser("tesfay", {v1::ROLE_LAWYER});
  ASSERT_TRUE(token.ok());
  v1::BeginTotpEnrollmentResponse begin;
  auto ctx = server_->Context(*token);
  ASSERT_TRUE(auth_->BeginTotpEnrollment(ctx.get(), {}, &begin).ok());
  EXPECT_THAT(begin.otpauth_uri(), HasSubstr("otpauth://totp/Clinic:tesfay"));
  std::string secret = Base32Decode(begin.secret_base32());

  v1::ConfirmTotpEnrollmentRequest confirm;
  confirm.set_totp_code("000000");
  v1::User user;
  ctx = server_->Context(*token);
  EXPECT_EQ(
      auth_->ConfirmTotpEnrollment(ctx.get(), confirm, &user).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  confirm.set_totp_code(TotpCode(secret, TotpStep(server_->clock().Now())));
  ctx = server_->Context(*token);
  ASSERT_TRUE(auth_->ConfirmTotpEnrollment(ctx.get(), confirm, &user).ok());
  EXPECT_TRUE(user.totp_enabled());

  server_->clock().Advance(absl::Seconds(30));
  v1::LoginResponse response;
  ASSERT_TRUE(Login("tesfay", testing::kTestPassword, &response).ok());
  EXPECT_TRUE(response.second_factor_required());
  EXPECT_TRUE(response.access_token().empty());
  std::string code = TotpCode(secret, TotpStep(server_->clock().Now()));
  ASSERT_TRUE(Login("tesfay", testing::kTestPassword, &response, code).ok());
  EXPECT_FALSE(response.access_token().empty());
  // The same code again is refused.
  EXPECT_EQ(
      Login("tesfay", testing::kTestPassword, &response, code).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AuthAuditTest, AdministratorResetForcesAChangeAndEndsSessions) {
  auto token = server_->CreateUser("amira", {v1::ROLE_INTAKE});
  ASSERT_TRUE(token.ok());
  v1::ResetPasswordRequest reset;
  reset.set_name("users/amira");
  v1::ResetPasswordResponse response;
  auto ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(auth_->ResetPassword(ctx.get(), reset, &response).ok());
  EXPECT_EQ(WhoAmI(*token).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::LoginResponse login;
  ASSERT_TRUE(Login("amira", response.one_time_password(), &login).ok());
  EXPECT_TRUE(login.password_change_required());
}

TEST_F(AuthAuditTest, TheLastAdministratorCannotBeRemoved) {
  v1::DisableUserRequest disable;
  disable.set_name("users/admin");
  disable.set_reason("oops");
  v1::User user;
  auto ctx = server_->Context(server_->admin_token());
  EXPECT_EQ(auth_->DisableUser(ctx.get(), disable, &user).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::GetUserRequest get;
  get.set_name("users/admin");
  ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(auth_->GetUser(ctx.get(), get, &user).ok());
  v1::UpdateUserRequest demote;
  *demote.mutable_user() = user;
  demote.mutable_user()->clear_roles();
  demote.mutable_user()->add_roles(v1::ROLE_LAWYER);
  demote.add_update_mask("roles");
  ctx = server_->Context(server_->admin_token());
  EXPECT_EQ(auth_->UpdateUser(ctx.get(), demote, &user).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(AuthAuditTest, StaleEtagIsAborted) {
  ASSERT_TRUE(server_->CreateUser("sam", {v1::ROLE_INTAKE}).ok());
  v1::GetUserRequest get;
  get.set_name("users/sam");
  v1::User user;
  auto ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(auth_->GetUser(ctx.get(), get, &user).ok());
  v1::UpdateUserRequest update;
  *update.mutable_user() = user;
  update.mutable_user()->set_display_name("Sam One");
  update.add_update_mask("display_name");
  v1::User updated;
  ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(auth_->UpdateUser(ctx.get(), update, &updated).ok());
  update.mutable_user()->set_display_name("Sam Two");  // still the old etag
  ctx = server_->Context(server_->admin_token());
  EXPECT_EQ(auth_->UpdateUser(ctx.get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(AuthAuditTest, BreakGlassDemandsAReasonAndIsAudited) {
  v1::BreakGlassRequest request;
  request.set_case_("cases/abc123");
  request.set_reason("because");
  v1::BreakGlassResponse response;
  auto ctx = server_->Context(server_->admin_token());
  grpc::Status short_reason = auth_->BreakGlass(ctx.get(), request, &response);
  EXPECT_EQ(short_reason.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(short_reason.error_message(), HasSubstr("reason"));
  request.set_reason("Client's lawyer is in hospital; IRB deadline tomorrow");
  ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(auth_->BreakGlass(ctx.get(), request, &response).ok());
  EXPECT_FALSE(response.access_token().empty());
  auto events = Events("/clinic.v1.AuthService/BreakGlass");
  ASSERT_FALSE(events.empty());
  const v1::AuditEvent& last = events.back();
  EXPECT_EQ(last.user(), "users/admin");
  EXPECT_EQ(last.status_code(), 0);
  EXPECT_THAT(last.resources(), ::testing::Contains("cases/abc123"));
  EXPECT_THAT(last.reason(), HasSubstr("IRB deadline tomorrow"));
}

TEST_F(AuthAuditTest, AuditRecordsWhoAndWhatButNeverSecrets) {
  std::vector<std::string> logs;
  log::SetSinkForTesting(
      [&](absl::string_view line) { logs.emplace_back(line); });
  v1::LoginResponse response;
  Login("admin", "a wrong password guess", &response);
  ASSERT_TRUE(Login("admin", testing::kTestPassword, &response).ok());
  log::SetSinkForTesting(nullptr);

  auto events = Events("/clinic.v1.AuthService/Login");
  ASSERT_GE(events.size(), 2u);
  const v1::AuditEvent& failed = events[events.size() - 2];
  const v1::AuditEvent& ok = events.back();
  EXPECT_EQ(failed.status_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ok.status_code(), 0);
  EXPECT_THAT(ok.resources(), ::testing::Contains("users/admin"));
  EXPECT_THAT(ok.peer(), HasSubstr("127.0.0.1"));
  for (const v1::AuditEvent& e : events) {
    std::string text = e.DebugString();
    EXPECT_THAT(text, Not(HasSubstr(testing::kTestPassword)));
    EXPECT_THAT(text, Not(HasSubstr("a wrong password guess")));
    EXPECT_THAT(text, Not(HasSubstr(response.access_token())));
  }
  for (const std::string& line : logs) {
    EXPECT_THAT(line, Not(HasSubstr(testing::kTestPassword)));
    EXPECT_THAT(line, Not(HasSubstr("a wrong password guess")));
    EXPECT_THAT(line, Not(HasSubstr(response.access_token())));
    EXPECT_THAT(line, Not(HasSubstr(response.refresh_token())));
  }
}

TEST_F(AuthAuditTest, ExportVerifiesOfflineAndEveryTamperingIsNamed) {
  for (const char* name : {"alpha", "bravo", "charlie"}) {
    ASSERT_TRUE(server_->CreateUser(name, {v1::ROLE_LAWYER}).ok());
  }
  v1::ExportAuditRequest request;
  *request.mutable_start_time() = ToProtoTime(absl::UnixEpoch());
  *request.mutable_end_time() =
      ToProtoTime(server_->clock().Now() + absl::Hours(1));
  std::string file = Export(request);
  std::string key = AuditKey();

  auto verify = [&](const std::string& text) {
    std::istringstream in(text);
    auto report = audit::VerifyExport(in, key);
    EXPECT_TRUE(report.ok());
    return *report;
  };
  audit::ExportReport genuine = verify(file);
  ASSERT_TRUE(genuine.ok) << genuine.problem;
  ASSERT_GT(genuine.events, 10);

  std::vector<std::string> lines =
      absl::StrSplit(file, '\n', absl::SkipEmpty());
  auto join = [](const std::vector<std::string>& ls) {
    std::string out;
    for (const std::string& l : ls) absl::StrAppend(&out, l, "\n");
    return out;
  };
  // Altered: the user of event 5 is changed.
  {
    auto altered = lines;
    altered[4] = absl::StrReplaceAll(altered[4], {{"users/", "users/x"}});
    audit::ExportReport r = verify(join(altered));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_line, 5);
    EXPECT_EQ(r.bad_sequence, 5);
  }
  // Deleted: event 6 removed.
  {
    auto deleted = lines;
    deleted.erase(deleted.begin() + 5);
    audit::ExportReport r = verify(join(deleted));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_sequence, 7);
    EXPECT_THAT(r.problem, HasSubstr("removed"));
  }
  // Reordered: events 3 and 4 swapped.
  {
    auto swapped = lines;
    std::swap(swapped[2], swapped[3]);
    audit::ExportReport r = verify(join(swapped));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_sequence, 4);
  }
  // Inserted: a copy of event 2 slipped in after event 7.
  {
    auto inserted = lines;
    inserted.insert(inserted.begin() + 7, lines[1]);
    audit::ExportReport r = verify(join(inserted));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.bad_line, 8);
  }
  // Truncated: no manifest.
  {
    auto truncated = lines;
    truncated.pop_back();
    EXPECT_THAT(verify(join(truncated)).problem,
                HasSubstr("manifest is missing"));
  }
  // Another server's key does not verify it.
  {
    auto other = storage::Ed25519Signer::Generate();
    std::istringstream in(file);
    EXPECT_FALSE(audit::VerifyExport(in, (*other)->public_key())->ok);
  }
}

TEST_F(AuthAuditTest, ServerSideVerificationPasses) {
  ASSERT_TRUE(server_->CreateUser("zeynep", {v1::ROLE_INTAKE}).ok());
  v1::VerifyChainResponse response;
  auto ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(audit_->VerifyChain(ctx.get(), {}, &response).ok());
  EXPECT_TRUE(response.ok()) << response.problem();
  EXPECT_GE(response.events_checked(), 5);
}

}  // namespace
}  // namespace clinic
