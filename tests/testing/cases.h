// Clients and cases for tests, through the real IntakeService: register a
// person, and open a case for them the way intake staff do (a conflict check
// first, a waiver if it finds anyone, the lead lawyer on the team).
#ifndef CLINIC_TESTS_TESTING_CASES_H_
#define CLINIC_TESTS_TESTING_CASES_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "clinic/v1/intake.pb.h"
#include "grpcpp/channel.h"

namespace clinic {
namespace testing {

// Registers `client` (its legal name at least) as the intake worker `token`.
absl::StatusOr<v1::Client> RegisterClient(
    const std::shared_ptr<grpc::Channel>& intake, const std::string& token,
    const v1::Client& client);

// A client with just a name.
v1::Client Person(const std::string& given, const std::string& family);

struct CaseOptions {
  v1::CaseType type = v1::CASE_TYPE_RPD_CLAIM;
  v1::Province province = v1::PROVINCE_ON;
  // Default: the province's.
  v1::IrbRegion irb_region = v1::IRB_REGION_UNSPECIFIED;
  // "users/{name}" of the lead lawyer.
  std::string lead_lawyer = "users/lena";
};

// Checks conflicts for `client` and opens a case for them as `token`.
absl::StatusOr<v1::Case> OpenCaseFor(
    const std::shared_ptr<grpc::Channel>& intake, const std::string& token,
    const v1::Client& client, const CaseOptions& options = CaseOptions());

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_CASES_H_
