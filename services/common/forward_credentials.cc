#include "services/common/forward_credentials.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace clinic {

std::unique_ptr<grpc::ClientContext> ForwardingContext(
    const grpc::ServerContextBase& incoming, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  for (const char* key : {"authorization", "x-request-id"}) {
    auto it = incoming.client_metadata().find(key);
    if (it != incoming.client_metadata().end()) {
      context->AddMetadata(key,
                           std::string(it->second.data(), it->second.size()));
    }
  }
  auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
  context->set_deadline(std::min(deadline, incoming.deadline()));
  return context;
}

}  // namespace clinic
