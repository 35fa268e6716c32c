#include "services/common/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

TEST(RpcMetricsTest, CountsCallsErrorsByCodeAndLatencyBuckets) {
  RpcMetrics metrics;
  const std::string get = "/clinic.v1.IntakeService/GetClient";
  for (int i = 0; i < 90; ++i)
    metrics.Record(get, grpc::StatusCode::OK, absl::Microseconds(300));
  for (int i = 0; i < 9; ++i)
    metrics.Record(get, grpc::StatusCode::NOT_FOUND, absl::Milliseconds(20));
  metrics.Record(get, grpc::StatusCode::INTERNAL, absl::Seconds(30));
  metrics.Record("/clinic.v1.AuthService/Login", grpc::StatusCode::OK,
                 absl::Milliseconds(2));

  EXPECT_EQ(metrics.served(), 101);
  EXPECT_EQ(metrics.failed(), 10);
  auto stats = metrics.Snapshot();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].method, "/clinic.v1.AuthService/Login");
  const auto& s = stats[1];
  EXPECT_EQ(s.calls, 100);
  EXPECT_EQ(s.errors(), 10);
  EXPECT_EQ(s.by_code[grpc::StatusCode::NOT_FOUND], 9);
  EXPECT_EQ(s.by_code[grpc::StatusCode::INTERNAL], 1);
  EXPECT_DOUBLE_EQ(s.Quantile(0.5), 0.0005);
  EXPECT_DOUBLE_EQ(s.Quantile(0.95), 0.025);
  EXPECT_DOUBLE_EQ(s.Quantile(0.999), 10);  // +Inf bucket: largest bound
}

TEST(RpcMetricsTest, PrometheusTextHasCountersAndCumulativeHistogram) {
  RpcMetrics metrics;
  const std::string m = "/clinic.v1.AdminService/GetServerStatus";
  metrics.Record(m, grpc::StatusCode::OK, absl::Milliseconds(3));
  metrics.Record(m, grpc::StatusCode::PERMISSION_DENIED, absl::Milliseconds(3));
  std::string text = metrics.PrometheusText();
  EXPECT_THAT(text, HasSubstr("# TYPE clinic_rpc_calls_total counter"));
  EXPECT_THAT(text, HasSubstr("clinic_rpc_calls_total{method=\"" + m +
                              "\",code=\"OK\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("code=\"PERMISSION_DENIED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("clinic_rpc_latency_seconds_bucket{method=\"" +
                              m + "\",le=\"0.0025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("clinic_rpc_latency_seconds_bucket{method=\"" +
                              m + "\",le=\"0.005\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("le=\"+Inf\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("clinic_rpc_latency_seconds_count{method=\"" + m +
                              "\"} 2\n"));
}

TEST(RpcMetricsTest, AttachedMetricsAreFoundWhileHeldAndForgottenAfter) {
  int owner = 0, other = 0;
  EXPECT_EQ(RpcMetrics::Find(&owner), nullptr);
  {
    auto metrics = RpcMetrics::Attach(&owner);
    EXPECT_EQ(RpcMetrics::Find(&owner), metrics);
    EXPECT_EQ(RpcMetrics::Attach(&owner), metrics);
    EXPECT_EQ(RpcMetrics::Find(&other), nullptr);
  }
  EXPECT_EQ(RpcMetrics::Find(&owner), nullptr);
}

TEST(RpcMetricsTest, StatusCodeNamesMatchGrpc) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED),
            "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(99), "UNKNOWN");
}

}  // namespace
}  // namespace clinic
