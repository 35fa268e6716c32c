// Per-RPC metrics of a server: calls, errors by status code and a latency
// histogram per method, recorded by a server interceptor, read by the admin
// service (GetServerStatus) and the Prometheus text endpoint.
//
// Labels are gRPC method names and status code names only: nothing here can
// identify a client, a case or a user. Latencies are measured on the
// monotonic clock (not the injected Clock, which tests freeze).
//
// Installing: ServerHost adds the interceptor after the security interceptor,
//   factories.push_back(NewMetricsInterceptorFactory(
//       RpcMetrics::Attach(host->context_.get())));
// and services find the same metrics with RpcMetrics::Find(&context).
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_METRICS_H_
#define CLINIC_SERVICES_COMMON_METRICS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "grpcpp/support/status.h"

namespace clinic {

class RpcMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (then +Inf).
  static constexpr std::array<double, 14> kBucketSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  static constexpr int kCodes = 17;

  struct MethodStats {
    std::string method;
    int64_t calls = 0;
    // Calls by gRPC status code (index = code).
    std::array<int64_t, kCodes> by_code{};
    // Calls per bucket: [i] counts latencies <= kBucketSeconds[i] and above
    // the previous bound; the last entry counts the rest (+Inf).
    std::array<int64_t, kBucketSeconds.size() + 1> buckets{};
    double latency_seconds_sum = 0;

    int64_t errors() const { return calls - by_code[0]; }
    // Estimate of the q-quantile (0..1) of latency: the upper bound of the
    // bucket holding it, in seconds (the largest finite bound for +Inf); 0
    // without calls.
    double Quantile(double q) const;
  };

  RpcMetrics() = default;
  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  void Record(absl::string_view method, grpc::StatusCode code,
              absl::Duration latency);

  // Every method seen so far, sorted by name.
  std::vector<MethodStats> Snapshot() const;
  // Calls finished, and those not OK, since start.
  int64_t served() const;
  int64_t failed() const;

  // The metrics in Prometheus text exposition format (version 0.0.4):
  // clinic_rpc_calls_total{method,code}, clinic_rpc_latency_seconds histogram
  // {method}.
  std::string PrometheusText() const;

  // The metrics of the server whose ServiceContext is `owner`: created on the
  // first Attach, shared while anyone holds them. Find returns null when no
  // metrics are attached (the interceptor is not installed).
  static std::shared_ptr<RpcMetrics> Attach(const void* owner);
  static std::shared_ptr<RpcMetrics> Find(const void* owner);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, MethodStats> methods_ ABSL_GUARDED_BY(mu_);
  int64_t served_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
};

// "NOT_FOUND" for grpc::StatusCode::NOT_FOUND.
absl::string_view StatusCodeName(int code);

// The interceptor factory that records every call's outcome into `metrics`.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewMetricsInterceptorFactory(std::shared_ptr<RpcMetrics> metrics);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_METRICS_H_
