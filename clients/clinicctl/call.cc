#include "clients/clinicctl/call.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/grpc_status.h"
#include "clients/clinicctl/terminal.h"

namespace clinic {
namespace cli {

absl::Status CallStatus(const grpc::Status& status, absl::string_view feature) {
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    return absl::UnimplementedError(
        absl::StrCat("this server does not offer ", feature,
                     " yet; check --server, or ask the clinic's administrator "
                     "where ",
                     feature, " are served"));
  }
  return FromGrpcStatus(status);
}

int UsageError(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  std::fprintf(stderr,
               "Run the command with --help for its options and examples.\n");
  return kExitUsage;
}

int RunSignedIn(CommandContext& ctx,
                const std::function<absl::Status(ClinicClient&)>& body) {
  absl::StatusOr<ClinicClient*> client = ctx.SignedInClient();
  if (!client.ok()) return ctx.ReportError(client.status());
  absl::Status status = body(**client);
  if (!status.ok()) return ctx.ReportError(status);
  return kExitOk;
}

absl::StatusOr<bool> Confirm(const std::string& question) {
  absl::StatusOr<std::string> answer = ReadLine(question + " [y/N] ");
  if (!answer.ok()) return answer.status();
  std::string a = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*answer));
  return a == "y" || a == "yes";
}

}  // namespace cli
}  // namespace clinic
