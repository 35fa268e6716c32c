// Which clinic RPCs the client library retries, and how: the gRPC service
// config that turns on gRPC's own retries for them.
//
// Only calls that are safe to repeat are retried: unary methods that read
// (Get*, List*, Search*, Compute*, Verify*, CheckAvailability,
// ExportCalendar), and only on UNAVAILABLE (the server could not be reached or
// is restarting), up to 4 attempts with exponential backoff from 0.2 s to 2 s
// within the call's own deadline. A call that changes something (creating a
// client, recording an event, uploading) is never repeated behind the caller's
// back: it fails, and the caller decides (those RPCs take a request_id for a
// safe retry).
//
// Thread-safe (pure functions).
#ifndef CLINIC_CLIENTS_RETRY_POLICY_H_
#define CLINIC_CLIENTS_RETRY_POLICY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace clinic {

// Whether `method` ("GetClient") of a unary RPC only reads.
bool IsIdempotentMethod(absl::string_view method);

// "clinic.v1.IntakeService/GetClient" for every idempotent unary method of
// the clinic.v1 services linked into this program.
std::vector<std::string> IdempotentMethods();

// The service config JSON (for grpc::ChannelArguments::SetServiceConfigJSON).
std::string RetryServiceConfig();

}  // namespace clinic

#endif  // CLINIC_CLIENTS_RETRY_POLICY_H_
