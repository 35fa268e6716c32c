#include "clients/retry_policy.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"

namespace clinic {
namespace {

// Every clinic.v1 service a client may call.
constexpr const char* kServices[] = {
    "clinic.v1.AuthService",     "clinic.v1.IntakeService",
    "clinic.v1.DeadlineService", "clinic.v1.DocumentService",
    "clinic.v1.HearingService",  "clinic.v1.AuditService",
    "clinic.v1.AdminService",
};

}  // namespace

bool IsIdempotentMethod(absl::string_view method) {
  for (absl::string_view prefix :
       {"Get", "List", "Search", "Compute", "Verify"}) {
    if (absl::StartsWith(method, prefix)) return true;
  }
  return method == "CheckAvailability" || method == "ExportCalendar";
}

std::vector<std::string> IdempotentMethods() {
  std::vector<std::string> out;
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  for (const char* name : kServices) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(name);
    if (service == nullptr) continue;  // not linked into this program
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      if (IsIdempotentMethod(method->name())) {
        out.push_back(absl::StrCat(name, "/", method->name()));
      }
    }
  }
  return out;
}

std::string RetryServiceConfig() {
  std::vector<std::string> names;
  for (const std::string& full : IdempotentMethods()) {
    const size_t slash = full.find('/');
    names.push_back(absl::StrCat("{\"service\":\"", full.substr(0, slash),
                                 "\",\"method\":\"", full.substr(slash + 1),
                                 "\"}"));
  }
  if (names.empty()) return "{}";
  return absl::StrCat(
      "{\"methodConfig\":[{\"name\":[", absl::StrJoin(names, ","),
      "],\"retryPolicy\":{\"maxAttempts\":4,\"initialBackoff\":\"0.2s\","
      "\"maxBackoff\":\"2s\",\"backoffMultiplier\":2,"
      "\"retryableStatusCodes\":[\"UNAVAILABLE\"]}}]}");
}

}  // namespace clinic
