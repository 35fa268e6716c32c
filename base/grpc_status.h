// Conversion between absl::Status and grpc::Status. The two share their code
// numbering, so the code is always kept (never collapsed to UNKNOWN); the
// message is kept as is.
#ifndef CLINIC_BASE_GRPC_STATUS_H_
#define CLINIC_BASE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace clinic {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace clinic

#endif  // CLINIC_BASE_GRPC_STATUS_H_
