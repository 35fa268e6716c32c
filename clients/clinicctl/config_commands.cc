// `clinicctl config`: the configuration file (config_file.h) for the server
// address, the CA, and where each service runs in a split deployment.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/command_context.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/config_file.h"
#include "google/protobuf/struct.pb.h"

namespace clinic {
namespace cli {
namespace {

int Show(CommandContext& ctx) {
  absl::StatusOr<ClientConfig> config = LoadClientConfig();
  if (!config.ok()) return ctx.ReportError(config.status());
  if (ctx.options().json) {
    google::protobuf::Struct out;
    auto& fields = *out.mutable_fields();
    fields["path"].set_string_value(ConfigFilePath());
    fields["server"].set_string_value(config->server);
    fields["ca"].set_string_value(config->ca);
    auto& services =
        *fields["services"].mutable_struct_value()->mutable_fields();
    for (const auto& [service, address] : config->services) {
      services[service].set_string_value(address);
    }
    ctx.PrintJson(out);
    return kExitOk;
  }
  std::printf("# %s\n%s", ConfigFilePath().c_str(),
              RenderClientConfig(*config).c_str());
  return kExitOk;
}

int Set(CommandContext& ctx, const std::string& key, const std::string& value) {
  absl::StatusOr<ClientConfig> config = LoadClientConfig();
  if (!config.ok()) {
    // A damaged file is replaced by one holding only this setting: the person
    // is fixing it.
    config = ClientConfig();
  }
  absl::Status set = SetConfigValue(*config, key, value);
  if (!set.ok()) return UsageError(set);
  absl::Status saved = SaveClientConfig(*config);
  if (!saved.ok()) return ctx.ReportError(saved);
  return kExitOk;
}

}  // namespace

void RegisterConfigCommands(CLI::App& app, CommandContext& ctx,
                            int& exit_code) {
  CLI::App* config = app.add_subcommand(
      "config",
      "Remember the server, the CA and (split deployment) where "
      "each service runs");
  config->require_subcommand(1);
  config->footer(
      "Settings: server, ca, service.<name> (auth, audit, intake, deadline,\n"
      "document, hearing, admin). Flags and CLINIC_SERVER / CLINIC_CA win "
      "over\n"
      "the file.\n"
      "Examples:\n"
      "  clinicctl config set server clinic.example.org:7443\n"
      "  clinicctl config set ca ~/clinic-ca.crt\n"
      "  clinicctl config set service.intake 10.0.0.5:7443\n"
      "  clinicctl config show\n");

  CLI::App* show = config->add_subcommand("show", "Print the settings");
  show->footer("Example:\n  clinicctl config show --json\n");
  show->callback([&ctx, &exit_code] { exit_code = Show(ctx); });

  auto set_args = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* set = config->add_subcommand("set", "Set one setting");
  set->add_option("KEY", set_args->first, "server, ca or service.<name>")
      ->required();
  set->add_option("VALUE", set_args->second, "host:port, or a file")
      ->required();
  set->footer("Example:\n  clinicctl config set server 10.0.0.2:7443\n");
  set->callback([&ctx, &exit_code, set_args] {
    exit_code = Set(ctx, set_args->first, set_args->second);
  });

  auto unset_key = std::make_shared<std::string>();
  CLI::App* unset = config->add_subcommand("unset", "Remove one setting");
  unset->add_option("KEY", *unset_key, "server, ca or service.<name>")
      ->required();
  unset->footer("Example:\n  clinicctl config unset service.intake\n");
  unset->callback(
      [&ctx, &exit_code, unset_key] { exit_code = Set(ctx, *unset_key, ""); });

  CLI::App* path = config->add_subcommand("path", "Print the file's path");
  path->footer("Example:\n  clinicctl config path\n");
  path->callback([&exit_code] {
    std::printf("%s\n", ConfigFilePath().c_str());
    exit_code = kExitOk;
  });
}

}  // namespace cli
}  // namespace clinic
