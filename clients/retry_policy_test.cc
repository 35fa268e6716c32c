// Reads are retried on UNAVAILABLE; changes never are. Checked against a real
// gRPC server on loopback whose handlers fail on purpose and count attempts.
#include "clients/retry_policy.h"

#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "clients/clinic_client.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace clinic {
namespace {

using ::testing::Contains;
using ::testing::Not;

TEST(RetryPolicyTest, OnlyReadsAreIdempotent) {
  std::vector<std::string> methods = IdempotentMethods();
  EXPECT_THAT(methods, Contains("clinic.v1.DeadlineService/ListDeadlines"));
  EXPECT_THAT(methods, Contains("clinic.v1.DeadlineService/GetDeadline"));
  EXPECT_THAT(methods, Contains("clinic.v1.DeadlineService/ComputeDate"));
  EXPECT_THAT(methods, Not(Contains("clinic.v1.DeadlineService/RecordEvent")));
  EXPECT_THAT(methods,
              Not(Contains("clinic.v1.DeadlineService/CompleteDeadline")));
  // Streams are not retried by the policy.
  EXPECT_THAT(methods,
              Not(Contains("clinic.v1.DeadlineService/WatchDeadlines")));
  EXPECT_FALSE(IsIdempotentMethod("CreateClient"));
  EXPECT_FALSE(IsIdempotentMethod("CheckConflicts"));  // records a check
  EXPECT_TRUE(IsIdempotentMethod("CheckAvailability"));
}

// Fails the first call of each method with UNAVAILABLE, then answers.
class FlakyDeadlines final : public v1::DeadlineService::Service {
 public:
  grpc::Status ListCalendars(grpc::ServerContext*,
                             const v1::ListCalendarsRequest*,
                             v1::ListCalendarsResponse*) override {
    return ++list_attempts == 1
               ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting")
               : grpc::Status::OK;
  }
  grpc::Status RecordEvent(grpc::ServerContext*, const v1::RecordEventRequest*,
                           v1::RecordEventResponse*) override {
    return ++record_attempts == 1
               ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting")
               : grpc::Status::OK;
  }
  std::atomic<int> list_attempts{0};
  std::atomic<int> record_attempts{0};
};

TEST(RetryPolicyTest, ClientRetriesReadsButNeverChanges) {
  FlakyDeadlines service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);

  ConnectOptions options;
  options.address = absl::StrCat("127.0.0.1:", port);
  options.dev_plaintext = true;
  auto client = ClinicClient::Connect(options);
  ASSERT_TRUE(client.ok()) << client.status();
  v1::DeadlineService::Stub stub((*client)->ChannelFor("deadline"));

  v1::ListCalendarsResponse calendars;
  auto ctx = (*client)->NewContext();
  EXPECT_TRUE(
      stub.ListCalendars(ctx.get(), v1::ListCalendarsRequest(), &calendars)
          .ok());
  EXPECT_EQ(service.list_attempts.load(), 2);

  v1::RecordEventResponse recorded;
  ctx = (*client)->NewContext();
  EXPECT_EQ(stub.RecordEvent(ctx.get(), v1::RecordEventRequest(), &recorded)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(service.record_attempts.load(), 1);
  server->Shutdown();
}

}  // namespace
}  // namespace clinic
