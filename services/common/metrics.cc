#include "services/common/metrics.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace clinic {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr absl::string_view kCodeNames[RpcMetrics::kCodes] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED"};

// Owners' metrics; weak so that metrics die with their server.
absl::Mutex registry_mu(absl::kConstInit);
std::map<const void*, std::weak_ptr<RpcMetrics>>* Registry()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(registry_mu) {
  static auto* registry = new std::map<const void*, std::weak_ptr<RpcMetrics>>;
  return registry;
}

// Method names come from gRPC's own registered methods; still, only safe
// characters go into the exposition format.
std::string LabelValue(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '\n') continue;
    out.push_back(c);
  }
  return out;
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(grpc::experimental::ServerRpcInfo* info,
                     std::shared_ptr<RpcMetrics> metrics)
      : method_(info->method() ? info->method() : "unknown"),
        metrics_(std::move(metrics)),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* m) override {
    if (m->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = m->GetSendStatus();
      auto elapsed = std::chrono::steady_clock::now() - start_;
      metrics_->Record(method_, status.error_code(), absl::FromChrono(elapsed));
    }
    m->Proceed();
  }

 private:
  const std::string method_;
  const std::shared_ptr<RpcMetrics> metrics_;
  const std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(std::shared_ptr<RpcMetrics> metrics)
      : metrics_(std::move(metrics)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(info, metrics_);
  }

 private:
  const std::shared_ptr<RpcMetrics> metrics_;
};

}  // namespace

constexpr std::array<double, 14> RpcMetrics::kBucketSeconds;

absl::string_view StatusCodeName(int code) {
  if (code < 0 || code >= RpcMetrics::kCodes) return "UNKNOWN";
  return kCodeNames[code];
}

double RpcMetrics::MethodStats::Quantile(double q) const {
  if (calls == 0) return 0;
  int64_t rank = static_cast<int64_t>(q * static_cast<double>(calls));
  if (rank >= calls) rank = calls - 1;
  int64_t seen = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    seen += buckets[i];
    if (seen > rank) {
      return i < kBucketSeconds.size() ? kBucketSeconds[i]
                                       : kBucketSeconds.back();
    }
  }
  return kBucketSeconds.back();
}

void RpcMetrics::Record(absl::string_view method, grpc::StatusCode code,
                        absl::Duration latency) {
  int index = static_cast<int>(code);
  if (index < 0 || index >= kCodes) index = grpc::StatusCode::UNKNOWN;
  double seconds = absl::ToDoubleSeconds(latency);
  size_t bucket = 0;
  while (bucket < kBucketSeconds.size() && seconds > kBucketSeconds[bucket]) {
    ++bucket;
  }
  absl::MutexLock lock(&mu_);
  auto it = methods_.find(method);
  if (it == methods_.end()) {
    it = methods_.emplace(std::string(method), MethodStats()).first;
    it->second.method = std::string(method);
  }
  MethodStats& stats = it->second;
  ++stats.calls;
  ++stats.by_code[index];
  ++stats.buckets[bucket];
  stats.latency_seconds_sum += seconds;
  ++served_;
  if (index != 0) ++failed_;
}

std::vector<RpcMetrics::MethodStats> RpcMetrics::Snapshot() const {
  std::vector<MethodStats> out;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& entry : methods_) out.push_back(entry.second);
  }
  std::sort(out.begin(), out.end(),
            [](const MethodStats& a, const MethodStats& b) {
              return a.method < b.method;
            });
  return out;
}

int64_t RpcMetrics::served() const {
  absl::MutexLock lock(&mu_);
  return served_;
}

int64_t RpcMetrics::failed() const {
  absl::MutexLock lock(&mu_);
  return failed_;
}

std::string RpcMetrics::PrometheusText() const {
  std::vector<MethodStats> stats = Snapshot();
  std::string out;
  absl::StrAppend(&out,
                  "# HELP clinic_rpc_calls_total RPCs finished, by method and "
                  "status code.\n# TYPE clinic_rpc_calls_total counter\n");
  for (const MethodStats& s : stats) {
    std::string method = LabelValue(s.method);
    for (int code = 0; code < kCodes; ++code) {
      if (s.by_code[code] == 0) continue;
      absl::StrAppend(&out, "clinic_rpc_calls_total{method=\"", method,
                      "\",code=\"", kCodeNames[code], "\"} ", s.by_code[code],
                      "\n");
    }
  }
  absl::StrAppend(&out,
                  "# HELP clinic_rpc_latency_seconds RPC latency, by "
                  "method.\n# TYPE clinic_rpc_latency_seconds histogram\n");
  for (const MethodStats& s : stats) {
    std::string method = LabelValue(s.method);
    int64_t cumulative = 0;
    for (size_t i = 0; i < s.buckets.size(); ++i) {
      cumulative += s.buckets[i];
      std::string le = i < kBucketSeconds.size()
                           ? absl::StrFormat("%g", kBucketSeconds[i])
                           : "+Inf";
      absl::StrAppend(&out, "clinic_rpc_latency_seconds_bucket{method=\"",
                      method, "\",le=\"", le, "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out, "clinic_rpc_latency_seconds_sum{method=\"", method,
                    "\"} ", absl::StrFormat("%.6f", s.latency_seconds_sum),
                    "\n");
    absl::StrAppend(&out, "clinic_rpc_latency_seconds_count{method=\"", method,
                    "\"} ", s.calls, "\n");
  }
  return out;
}

std::shared_ptr<RpcMetrics> RpcMetrics::Attach(const void* owner) {
  absl::MutexLock lock(&registry_mu);
  auto* registry = Registry();
  // Forget metrics of servers that are gone.
  for (auto it = registry->begin(); it != registry->end();) {
    it = it->second.expired() ? registry->erase(it) : std::next(it);
  }
  std::shared_ptr<RpcMetrics> metrics = (*registry)[owner].lock();
  if (metrics == nullptr) {
    metrics = std::make_shared<RpcMetrics>();
    (*registry)[owner] = metrics;
  }
  return metrics;
}

std::shared_ptr<RpcMetrics> RpcMetrics::Find(const void* owner) {
  absl::MutexLock lock(&registry_mu);
  auto* registry = Registry();
  auto it = registry->find(owner);
  return it == registry->end() ? nullptr : it->second.lock();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewMetricsInterceptorFactory(std::shared_ptr<RpcMetrics> metrics) {
  return std::make_unique<MetricsInterceptorFactory>(std::move(metrics));
}

}  // namespace clinic
