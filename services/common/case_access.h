// Row-level access to cases: the rules every service applies before touching a
// case's data.
//
//   lawyer   acts only on cases whose team includes them;
//   intake   reads and updates case records (not documents: the access table
//   keeps intake
//            staff out of document reads);
//   admin    only through a break-glass grant naming this very case;
//   service  (another clinic service) may read summaries.
//
// A caller refused by these rules gets NOT_FOUND, exactly as for a case that
// does not exist, so that the existence of a client file does not leak.
//
// CaseAccess fetches the case's team from the intake service: by a direct call
// when the intake service runs in this process (it installs its summaries with
// SetLocal), otherwise IntakeService.GetCaseSummary over mutual TLS. The intake
// service applies the same rule function to its own records. Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_CASE_ACCESS_H_
#define CLINIC_SERVICES_COMMON_CASE_ACCESS_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "clinic/v1/intake.pb.h"
#include "grpcpp/channel.h"
#include "services/common/call_context.h"

namespace clinic {

// OK if `caller` may act on the case summarised by `summary`; NOT_FOUND
// otherwise.
absl::Status CheckCaseAccess(const Caller& caller,
                             const v1::CaseSummary& summary);

// True if `username` is on the case team of `summary` (any team role).
bool IsOnTeam(const v1::CaseSummary& summary, absl::string_view username);

// INVALID_ARGUMENT naming `field` unless `name` is "cases/{id}".
absl::Status ValidateCaseName(absl::string_view name, absl::string_view field);

class CaseAccess {
 public:
  explicit CaseAccess(
      std::function<std::shared_ptr<grpc::Channel>()> intake_channel)
      : intake_channel_(std::move(intake_channel)) {}

  // The case's summary if `caller` may act on it. NOT_FOUND if the case does
  // not exist or the caller may not see it; UNAVAILABLE if the intake service
  // cannot be reached.
  absl::StatusOr<v1::CaseSummary> Check(const Caller& caller,
                                        absl::string_view case_name);

  // The summary regardless of the caller (for the service's own bookkeeping).
  absl::StatusOr<v1::CaseSummary> Fetch(absl::string_view case_name);

  // The summary of a case (INVALID_ARGUMENT for a malformed name, NOT_FOUND
  // for no such case), answered by a co-hosted intake service.
  using LocalSummaries =
      std::function<absl::StatusOr<v1::CaseSummary>(absl::string_view)>;
  // A co-hosted intake service installs its summaries when it starts, sparing
  // every case-scoped call a gRPC round trip, and removes them (nullptr)
  // before it is destroyed; removal waits for calls in progress.
  void SetLocal(LocalSummaries local);

 private:
  const std::function<std::shared_ptr<grpc::Channel>()> intake_channel_;
  absl::Mutex mu_;
  LocalSummaries local_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_CASE_ACCESS_H_
