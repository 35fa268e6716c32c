// clinicctl health: is the server (or one of its services) serving?
#include <cstdio>
#include <memory>

#include "clients/clinicctl/commands.h"
#include "grpc/health/v1/health.pb.h"

namespace clinic {
namespace cli {

void RegisterHealthCommand(CLI::App& app, CommandContext& ctx, int& exit_code) {
  auto service = std::make_shared<std::string>();
  CLI::App* health = app.add_subcommand(
      "health", "Check that the server (or one of its services) is serving");
  health->add_option("--service", *service,
                     "A full service name, e.g. clinic.v1.IntakeService "
                     "(default: the server)");
  health->footer(
      "Examples:\n"
      "  clinicctl health\n"
      "  clinicctl --server clinic.example.org:7443 --ca ca.crt health\n"
      "  clinicctl health --service clinic.v1.DeadlineService --json\n"
      "Exit code 0 when SERVING, 3 when not serving or unreachable.\n");
  health->callback([&ctx, &exit_code, service] {
    absl::StatusOr<ClinicClient*> client = ctx.Client();
    if (!client.ok()) {
      exit_code = ctx.ReportError(client.status());
      return;
    }
    absl::StatusOr<bool> serving = (*client)->CheckHealth(*service);
    if (!serving.ok() &&
        serving.status().code() == absl::StatusCode::kNotFound) {
      exit_code = ctx.ReportError(absl::NotFoundError(
          "this server does not host service \"" + *service + "\""));
      return;
    }
    if (!serving.ok()) {
      exit_code = ctx.ReportError(serving.status());
      return;
    }
    const char* state = *serving ? "SERVING" : "NOT_SERVING";
    std::string target = service->empty() ? "server" : *service;
    if (ctx.options().json) {
      grpc::health::v1::HealthCheckResponse response;
      response.set_status(
          *serving ? grpc::health::v1::HealthCheckResponse::SERVING
                   : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
      ctx.PrintJson(response);
    } else {
      Table table({"TARGET", "ADDRESS", "STATUS"});
      table.AddRow({target, ctx.options().server, state});
      table.Print();
    }
    exit_code = *serving ? kExitOk : kExitUnavailable;
  });
}

}  // namespace cli
}  // namespace clinic
