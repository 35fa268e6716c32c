// clinicctl login | logout | whoami | password | users ...
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/grpc_status.h"
#include "base/proto_time.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/terminal.h"
#include "clinic/v1/auth.grpc.pb.h"

namespace clinic {
namespace cli {
namespace {

std::string RoleName(int role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_LAWYER:
      return "lawyer";
    case v1::ROLE_INTAKE:
      return "intake";
    default:
      return "?";
  }
}

absl::StatusOr<v1::Role> ParseRole(const std::string& name) {
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "admin") return v1::ROLE_ADMIN;
  if (lower == "lawyer") return v1::ROLE_LAWYER;
  if (lower == "intake") return v1::ROLE_INTAKE;
  return absl::InvalidArgumentError(
      "--role must be admin, lawyer or intake (got \"" + name + "\")");
}

std::string Roles(const v1::User& user) {
  std::vector<std::string> names;
  for (int role : user.roles()) names.push_back(RoleName(role));
  return absl::StrJoin(names, ",");
}

std::string When(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTime(t),
                          absl::LocalTimeZone());
}

SessionTokens TokensOf(const v1::LoginResponse& r) {
  SessionTokens tokens;
  tokens.username = r.user().username();
  tokens.access_token = r.access_token();
  tokens.access_expiry = FromProtoTime(r.access_token_expire_time());
  tokens.refresh_token = r.refresh_token();
  tokens.refresh_expiry = FromProtoTime(r.refresh_token_expire_time());
  return tokens;
}

void PrintUsers(CommandContext& ctx, const std::vector<v1::User>& users) {
  Table table({"USER", "NAME", "ROLES", "STATE", "2FA", "LAST LOGIN"});
  for (const v1::User& u : users) {
    table.AddRow({u.username(), u.display_name(), Roles(u),
                  u.disabled()
                      ? "disabled"
                      : (u.password_change_required() ? "must change password"
                                                      : "active"),
                  u.totp_enabled() ? "yes" : "no", When(u.last_login_time())});
  }
  table.Print();
}

// Asks for a new password twice until both agree.
absl::StatusOr<std::string> AskNewPassword() {
  std::fputs(
      "Choose a password of at least 15 characters. A few unrelated words with "
      "spaces\n"
      "are strong and easy to remember.\n",
      stderr);
  for (int attempt = 0; attempt < 3; ++attempt) {
    absl::StatusOr<std::string> first = ReadSecret("New password: ");
    if (!first.ok()) return first;
    absl::StatusOr<std::string> second =
        ReadSecret("Repeat the new password: ");
    if (!second.ok()) return second;
    if (*first == *second) return first;
    std::fputs("The two passwords differ; try again.\n", stderr);
  }
  return absl::InvalidArgumentError("the passwords did not match");
}

int Login(CommandContext& ctx, const std::string& username_arg) {
  absl::StatusOr<ClinicClient*> client = ctx.Client();
  if (!client.ok()) return ctx.ReportError(client.status());
  std::string username = username_arg;
  if (username.empty()) {
    absl::StatusOr<std::string> typed = ReadLine("Username: ");
    if (!typed.ok()) return ctx.ReportError(typed.status());
    username = *typed;
  }
  absl::StatusOr<std::string> password =
      ReadSecret("Password for " + username + ": ");
  if (!password.ok()) return ctx.ReportError(password.status());

  v1::AuthService::Stub auth((*client)->ChannelFor("auth"));
  v1::LoginRequest request;
  request.set_username(username);
  request.set_password(*password);
  v1::LoginResponse response;
  auto call = (*client)->NewContext();
  grpc::Status status = auth.Login(call.get(), request, &response);
  if (status.ok() && response.second_factor_required()) {
    absl::StatusOr<std::string> code = ReadLine("Authenticator code: ");
    if (!code.ok()) return ctx.ReportError(code.status());
    request.set_totp_code(*code);
    call = (*client)->NewContext();
    status = auth.Login(call.get(), request, &response);
  }
  if (!status.ok()) return ctx.ReportError(FromGrpcStatus(status));

  if (response.password_change_required()) {
    std::fputs("You must choose a new password before going on.\n", stderr);
    for (int attempt = 0; attempt < 3; ++attempt) {
      absl::StatusOr<std::string> fresh = AskNewPassword();
      if (!fresh.ok()) return ctx.ReportError(fresh.status());
      v1::ChangePasswordRequest change;
      change.set_current_password(*password);
      change.set_new_password(*fresh);
      v1::ChangePasswordResponse changed;
      call = (*client)->NewContext();
      call->AddMetadata("authorization", "Bearer " + response.access_token());
      status = auth.ChangePassword(call.get(), change, &changed);
      if (status.ok()) {
        response = changed.session();
        break;
      }
      if (status.error_code() != grpc::StatusCode::INVALID_ARGUMENT ||
          attempt == 2) {
        return ctx.ReportError(FromGrpcStatus(status));
      }
      std::fprintf(stderr, "%s\n", status.error_message().c_str());
    }
  }
  absl::Status saved = ctx.StartSession(TokensOf(response));
  if (!saved.ok()) return ctx.ReportError(saved);
  if (ctx.options().json) {
    ctx.PrintJson(response.user());
  } else {
    std::printf("Logged in to %s as %s (%s).\n", ctx.options().server.c_str(),
                response.user().username().c_str(),
                Roles(response.user()).c_str());
  }
  return kExitOk;
}

// Runs a unary call on a signed-in client; prints errors.
template <typename Call>
int Run(CommandContext& ctx, Call&& call) {
  absl::StatusOr<ClinicClient*> client = ctx.SignedInClient();
  if (!client.ok()) return ctx.ReportError(client.status());
  v1::AuthService::Stub auth((*client)->ChannelFor("auth"));
  grpc::Status status = call(auth, **client);
  if (!status.ok()) return ctx.ReportError(FromGrpcStatus(status));
  return kExitOk;
}

}  // namespace

void RegisterAuthCommands(CLI::App& app, CommandContext& ctx, int& exit_code) {
  auto username = std::make_shared<std::string>();
  CLI::App* login =
      app.add_subcommand("login", "Sign in (the password is not echoed)");
  login->add_option("username", *username,
                    "Your username (asked for if omitted)");
  login->footer(
      "You are asked for your password, for your authenticator code if you set "
      "one up,\n"
      "and for a new password if yours must be changed. The session is kept in "
      "a\n"
      "private file under ~/.config/clinicctl until `clinicctl logout`.\n"
      "Example:\n  clinicctl --server clinic.example.org:7443 --ca ca.crt "
      "login lena\n");
  login->callback(
      [&ctx, &exit_code, username] { exit_code = Login(ctx, *username); });

  CLI::App* logout =
      app.add_subcommand("logout", "End your session on this server");
  logout->footer("Example:\n  clinicctl logout\n");
  logout->callback([&ctx, &exit_code] {
    absl::StatusOr<ClinicClient*> client = ctx.Client();
    if (client.ok() && (*client)->has_session()) {
      v1::AuthService::Stub auth((*client)->ChannelFor("auth"));
      v1::LogoutResponse out;
      auto call = (*client)->NewContext();
      auth.Logout(call.get(), {}, &out);  // the local session ends either way
    }
    absl::Status ended = ctx.EndSession();
    exit_code = ended.ok() ? kExitOk : ctx.ReportError(ended);
    if (ended.ok() && !ctx.options().json) std::printf("Logged out.\n");
  });

  CLI::App* whoami =
      app.add_subcommand("whoami", "Show who you are signed in as");
  whoami->footer("Example:\n  clinicctl whoami --json\n");
  whoami->callback([&ctx, &exit_code] {
    exit_code =
        Run(ctx, [&](v1::AuthService::Stub& auth, ClinicClient& client) {
          v1::User me;
          auto call = client.NewContext();
          grpc::Status status = auth.GetCurrentUser(call.get(), {}, &me);
          if (!status.ok()) return status;
          if (ctx.options().json) {
            ctx.PrintJson(me);
          } else {
            PrintUsers(ctx, {me});
          }
          return status;
        });
  });

  CLI::App* password =
      app.add_subcommand("password", "Change your own password");
  password->footer("Example:\n  clinicctl password\n");
  password->callback([&ctx, &exit_code] {
    exit_code = Run(ctx, [&](v1::AuthService::Stub& auth,
                             ClinicClient& client) {
      absl::StatusOr<std::string> current = ReadSecret("Current password: ");
      if (!current.ok()) return ToGrpcStatus(current.status());
      absl::StatusOr<std::string> fresh = AskNewPassword();
      if (!fresh.ok()) return ToGrpcStatus(fresh.status());
      v1::ChangePasswordRequest change;
      change.set_current_password(*current);
      change.set_new_password(*fresh);
      v1::ChangePasswordResponse changed;
      auto call = client.NewContext();
      grpc::Status status = auth.ChangePassword(call.get(), change, &changed);
      if (status.ok()) {
        ctx.StartSession(TokensOf(changed.session())).IgnoreError();
        std::printf("Password changed; your other sessions have ended.\n");
      }
      return status;
    });
  });

  // ---- users (administrators)
  // ----------------------------------------------------------
  CLI::App* users =
      app.add_subcommand("users", "Manage staff accounts (administrators)");
  users->require_subcommand(1);

  struct CreateArgs {
    std::string username, name;
    std::vector<std::string> roles;
  };
  auto create_args = std::make_shared<CreateArgs>();
  CLI::App* create = users->add_subcommand("create", "Create an account");
  create
      ->add_option("username", create_args->username,
                   "3-32 of a-z 0-9 . _ -, starting with a letter")
      ->required();
  create->add_option("--name", create_args->name, "Display name")->required();
  create
      ->add_option("--role", create_args->roles,
                   "admin, lawyer or intake (repeatable)")
      ->required();
  create->footer(
      "Prints a one-time password once: hand it over in person; it must be "
      "changed at\n"
      "first login.\n"
      "Example:\n  clinicctl users create lena --name \"Lena Haile\" --role "
      "lawyer\n");
  create->callback([&ctx, &exit_code, create_args] {
    exit_code = Run(ctx, [&](v1::AuthService::Stub& auth,
                             ClinicClient& client) {
      v1::CreateUserRequest request;
      request.mutable_user()->set_username(create_args->username);
      request.mutable_user()->set_display_name(create_args->name);
      for (const std::string& r : create_args->roles) {
        absl::StatusOr<v1::Role> role = ParseRole(r);
        if (!role.ok()) return ToGrpcStatus(role.status());
        request.mutable_user()->add_roles(*role);
      }
      v1::CreateUserResponse response;
      auto call = client.NewContext();
      grpc::Status status = auth.CreateUser(call.get(), request, &response);
      if (!status.ok()) return status;
      if (ctx.options().json) {
        ctx.PrintJson(response);
      } else {
        std::printf(
            "Created %s (%s).\nOne-time password (shown only now): %s\n",
            response.user().username().c_str(), Roles(response.user()).c_str(),
            response.one_time_password().c_str());
      }
      return status;
    });
  });

  struct ListArgs {
    std::string role;
    bool all = false;
  };
  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list = users->add_subcommand("list", "List accounts");
  list->add_option("--role", list_args->role,
                   "Only admin, lawyer or intake accounts");
  list->add_flag("--all", list_args->all, "Include disabled accounts");
  list->footer(
      "Examples:\n  clinicctl users list\n  clinicctl users list --role lawyer "
      "--json\n");
  list->callback([&ctx, &exit_code, list_args] {
    exit_code =
        Run(ctx, [&](v1::AuthService::Stub& auth, ClinicClient& client) {
          v1::ListUsersRequest request;
          request.set_include_disabled(list_args->all);
          if (!list_args->role.empty()) {
            absl::StatusOr<v1::Role> role = ParseRole(list_args->role);
            if (!role.ok()) return ToGrpcStatus(role.status());
            request.set_role(*role);
          }
          std::vector<v1::User> all;
          v1::ListUsersResponse page;
          do {
            auto call = client.NewContext();
            grpc::Status status = auth.ListUsers(call.get(), request, &page);
            if (!status.ok()) return status;
            all.insert(all.end(), page.users().begin(), page.users().end());
            request.set_page_token(page.next_page_token());
          } while (!page.next_page_token().empty());
          if (ctx.options().json) {
            v1::ListUsersResponse everything;
            for (const v1::User& u : all) *everything.add_users() = u;
            ctx.PrintJson(everything);
          } else {
            PrintUsers(ctx, all);
          }
          return grpc::Status::OK;
        });
  });

  struct DisableArgs {
    std::string username, reason;
  };
  auto disable_args = std::make_shared<DisableArgs>();
  CLI::App* disable = users->add_subcommand(
      "disable", "Disable an account; its sessions end at once");
  disable->add_option("username", disable_args->username, "The account")
      ->required();
  disable
      ->add_option("--reason", disable_args->reason,
                   "Why (kept in the audit log)")
      ->required();
  disable->footer(
      "Example:\n  clinicctl users disable omar --reason \"left the "
      "clinic\"\n");
  disable->callback([&ctx, &exit_code, disable_args] {
    exit_code =
        Run(ctx, [&](v1::AuthService::Stub& auth, ClinicClient& client) {
          v1::DisableUserRequest request;
          request.set_name("users/" + disable_args->username);
          request.set_reason(disable_args->reason);
          v1::User user;
          auto call = client.NewContext();
          grpc::Status status = auth.DisableUser(call.get(), request, &user);
          if (status.ok()) {
            if (ctx.options().json) {
              ctx.PrintJson(user);
            } else {
              std::printf("Disabled %s; their sessions have ended.\n",
                          user.username().c_str());
            }
          }
          return status;
        });
  });

  auto enable_user = std::make_shared<std::string>();
  CLI::App* enable =
      users->add_subcommand("enable", "Enable a disabled account");
  enable->add_option("username", *enable_user, "The account")->required();
  enable->footer("Example:\n  clinicctl users enable omar\n");
  enable->callback([&ctx, &exit_code, enable_user] {
    exit_code =
        Run(ctx, [&](v1::AuthService::Stub& auth, ClinicClient& client) {
          v1::EnableUserRequest request;
          request.set_name("users/" + *enable_user);
          v1::User user;
          auto call = client.NewContext();
          grpc::Status status = auth.EnableUser(call.get(), request, &user);
          if (status.ok() && !ctx.options().json) {
            std::printf("Enabled %s.\n", user.username().c_str());
          }
          if (status.ok() && ctx.options().json) ctx.PrintJson(user);
          return status;
        });
  });

  auto reset_user = std::make_shared<std::string>();
  CLI::App* reset = users->add_subcommand(
      "reset-password",
      "Give an account a one-time password (their sessions end)");
  reset->add_option("username", *reset_user, "The account")->required();
  reset->footer("Example:\n  clinicctl users reset-password lena\n");
  reset->callback([&ctx, &exit_code, reset_user] {
    exit_code =
        Run(ctx, [&](v1::AuthService::Stub& auth, ClinicClient& client) {
          v1::ResetPasswordRequest request;
          request.set_name("users/" + *reset_user);
          v1::ResetPasswordResponse response;
          auto call = client.NewContext();
          grpc::Status status =
              auth.ResetPassword(call.get(), request, &response);
          if (!status.ok()) return status;
          if (ctx.options().json) {
            ctx.PrintJson(response);
          } else {
            std::printf("One-time password for %s (shown only now): %s\n",
                        response.user().username().c_str(),
                        response.one_time_password().c_str());
          }
          return status;
        });
  });
}

}  // namespace cli
}  // namespace clinic
