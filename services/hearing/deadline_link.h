// What the hearing service asks of DeadlineService: record hearing events (so
// hearing-relative deadlines are created, moved or withdrawn), compute the
// date a postponement application is due, list holidays for availability, and
// list a lawyer's deadlines for the calendar feed.
//
// Calls act for the user: the caller's `authorization` metadata (and request
// id) are forwarded, so the deadline service authorizes and audits the user,
// not the hearing service. Thread-safe.
#ifndef CLINIC_SERVICES_HEARING_DEADLINE_LINK_H_
#define CLINIC_SERVICES_HEARING_DEADLINE_LINK_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clinic/v1/deadline.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/server_context.h"

namespace clinic {
namespace hearing {

// The credentials of the user on whose behalf a call is made.
struct OnBehalfOf {
  // The caller's "authorization" metadata value ("Bearer ...").
  std::string authorization;
  std::string request_id;

  // Takes them from the incoming call's client metadata.
  static OnBehalfOf From(const grpc::ServerContext* context);
};

class DeadlineLink {
 public:
  virtual ~DeadlineLink() = default;

  // Records `event`. Errors: the deadline service's own code for a refusal
  // (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, PERMISSION_DENIED, ...),
  // UNAVAILABLE / DEADLINE_EXCEEDED when it cannot be reached, UNIMPLEMENTED
  // when the deployment has no deadline service yet.
  virtual absl::StatusOr<v1::RecordEventResponse> RecordEvent(
      const OnBehalfOf& who, const v1::RecordEventRequest& request) = 0;

  virtual absl::StatusOr<v1::ComputeDateResponse> ComputeDate(
      const OnBehalfOf& who, const v1::ComputeDateRequest& request) = 0;

  virtual absl::StatusOr<v1::ListHolidaysResponse> ListHolidays(
      const OnBehalfOf& who, const v1::ListHolidaysRequest& request) = 0;

  // Every open deadline of the caller (all pages).
  virtual absl::StatusOr<std::vector<v1::Deadline>> ListUpcomingDeadlines(
      const OnBehalfOf& who) = 0;
};

// Over gRPC on `channel()` (fetched per call: ServiceContext::ChannelTo).
std::unique_ptr<DeadlineLink> NewGrpcDeadlineLink(
    std::function<std::shared_ptr<grpc::Channel>()> channel);

}  // namespace hearing
}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_DEADLINE_LINK_H_
