#include "services/hearing/deadline_link.h"

#include <chrono>

#include "base/grpc_status.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace clinic {
namespace hearing {
namespace {

std::string Metadata(const grpc::ServerContext* context,
                     const std::string& key) {
  const auto& md = context->client_metadata();
  auto it = md.find(key);
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class GrpcDeadlineLink : public DeadlineLink {
 public:
  explicit GrpcDeadlineLink(
      std::function<std::shared_ptr<grpc::Channel>()> channel)
      : channel_(std::move(channel)) {}

  absl::StatusOr<v1::RecordEventResponse> RecordEvent(
      const OnBehalfOf& who, const v1::RecordEventRequest& request) override {
    v1::RecordEventResponse response;
    auto ctx = Context(who);
    grpc::Status s = Stub().RecordEvent(ctx.get(), request, &response);
    if (!s.ok()) return FromGrpcStatus(s);
    return response;
  }

  absl::StatusOr<v1::ComputeDateResponse> ComputeDate(
      const OnBehalfOf& who, const v1::ComputeDateRequest& request) override {
    v1::ComputeDateResponse response;
    auto ctx = Context(who);
    grpc::Status s = Stub().ComputeDate(ctx.get(), request, &response);
    if (!s.ok()) return FromGrpcStatus(s);
    return response;
  }

  absl::StatusOr<v1::ListHolidaysResponse> ListHolidays(
      const OnBehalfOf& who, const v1::ListHolidaysRequest& request) override {
    v1::ListHolidaysResponse response;
    auto ctx = Context(who);
    grpc::Status s = Stub().ListHolidays(ctx.get(), request, &response);
    if (!s.ok()) return FromGrpcStatus(s);
    return response;
  }

  absl::StatusOr<std::vector<v1::Deadline>> ListUpcomingDeadlines(
      const OnBehalfOf& who) override {
    std::vector<v1::Deadline> out;
    v1::ListUpcomingDeadlinesRequest request;
    request.set_page_size(500);
    // A lawyer with more than 100 pages of open deadlines is not a real case;
    // the bound keeps a misbehaving peer from looping us forever.
    for (int page = 0; page < 100; ++page) {
      v1::ListUpcomingDeadlinesResponse response;
      auto ctx = Context(who);
      grpc::Status s =
          Stub().ListUpcomingDeadlines(ctx.get(), request, &response);
      if (!s.ok()) return FromGrpcStatus(s);
      for (v1::Deadline& d : *response.mutable_deadlines()) {
        out.push_back(std::move(d));
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return out;
  }

 private:
  v1::DeadlineService::Stub Stub() {
    return v1::DeadlineService::Stub(channel_());
  }

  static std::unique_ptr<grpc::ClientContext> Context(const OnBehalfOf& who) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!who.authorization.empty()) {
      ctx->AddMetadata("authorization", who.authorization);
    }
    if (!who.request_id.empty())
      ctx->AddMetadata("x-request-id", who.request_id);
    ctx->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(10));
    return ctx;
  }

  const std::function<std::shared_ptr<grpc::Channel>()> channel_;
};

}  // namespace

OnBehalfOf OnBehalfOf::From(const grpc::ServerContext* context) {
  OnBehalfOf who;
  who.authorization = Metadata(context, "authorization");
  who.request_id = Metadata(context, "x-request-id");
  return who;
}

std::unique_ptr<DeadlineLink> NewGrpcDeadlineLink(
    std::function<std::shared_ptr<grpc::Channel>()> channel) {
  return std::make_unique<GrpcDeadlineLink>(std::move(channel));
}

}  // namespace hearing
}  // namespace clinic
