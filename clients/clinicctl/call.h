// What the case-data commands (clients and cases, deadlines, documents,
// hearings) share around their calls: running a command on the signed-in
// client, explaining a failed call (including a service this server does not
// offer yet), usage errors, reading every page of a List method, and asking
// for confirmation. Not thread-safe (one command runs at a time).
#ifndef CLINIC_CLIENTS_CLINICCTL_CALL_H_
#define CLINIC_CLIENTS_CLINICCTL_CALL_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/clinic_client.h"
#include "clients/clinicctl/command_context.h"
#include "grpcpp/support/status.h"

namespace clinic {
namespace cli {

// The outcome of a call, for ReportError. UNIMPLEMENTED (a server built before
// `feature` existed, or one process of a split deployment that does not host
// it) becomes "this server does not offer <feature> yet"; every other code is
// kept with its message. `feature` is plural ("deadlines").
absl::Status CallStatus(const grpc::Status& status, absl::string_view feature);

// Prints a command-line mistake found before any call and returns kExitUsage.
int UsageError(const absl::Status& status);

// Runs `body` with the signed-in client; returns the exit code (errors are
// reported through ctx.ReportError).
int RunSignedIn(CommandContext& ctx,
                const std::function<absl::Status(ClinicClient&)>& body);

// Calls `fetch(request, &response)` page after page, passing each response to
// `take`, until the last page (or `max_items`, when positive, have been
// taken; `count(response)` says how many a page held).
template <typename Request, typename Response, typename Fetch, typename Take,
          typename Count>
absl::Status FetchAllPages(Request request, Fetch fetch, Take take, Count count,
                           int max_items = 0) {
  int taken = 0;
  std::string previous;
  while (true) {
    Response response;
    absl::Status status = fetch(request, &response);
    if (!status.ok()) return status;
    take(response);
    taken += count(response);
    const std::string& next = response.next_page_token();
    if (next.empty() || next == previous ||
        (max_items > 0 && taken >= max_items)) {
      return absl::OkStatus();
    }
    previous = next;
    request.set_page_token(next);
  }
}

// Asks `question` (on stderr) and reads the answer; true for "y" or "yes".
// FAILED_PRECONDITION at end of input.
absl::StatusOr<bool> Confirm(const std::string& question);

}  // namespace cli
}  // namespace clinic

#endif  // CLINIC_CLIENTS_CLINICCTL_CALL_H_
