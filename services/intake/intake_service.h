// IntakeService: clients, family links, cases and their teams, conflict checks.
// See protos/clinic/v1/intake.proto. Row-level rules: intake staff reach every
// client and case record; a lawyer only those on cases whose team includes
// them; an administrator only the case a break-glass grant names. Others get
// NOT_FOUND. Thread-safe.
#ifndef CLINIC_SERVICES_INTAKE_INTAKE_SERVICE_H_
#define CLINIC_SERVICES_INTAKE_INTAKE_SERVICE_H_

#include <memory>
#include <string>

#include "clinic/v1/intake.grpc.pb.h"
#include "services/common/call_context.h"
#include "services/common/service.h"
#include "services/intake/person_matcher.h"
#include "storage/database.h"

namespace clinic {

// How a server hosts the intake service (with the production name matcher;
// defined in intake_definition.cc).
ServiceDefinition IntakeServiceDefinition();

// The same with another matcher (tests).
ServiceDefinition IntakeServiceDefinitionWith(
    std::function<std::unique_ptr<PersonMatcher>()> make_matcher);

class IntakeServiceImpl final : public v1::IntakeService::Service {
 public:
  // Opens the database and builds the name index from every stored person.
  static absl::StatusOr<std::unique_ptr<IntakeServiceImpl>> Create(
      ServiceContext& context, std::unique_ptr<PersonMatcher> matcher);
  ~IntakeServiceImpl() override;

  // The summary of the case named `case_name` ("cases/{id}"): what other
  // services' access checks need (CaseAccess). INVALID_ARGUMENT for a
  // malformed name, NOT_FOUND for no such case.
  absl::StatusOr<v1::CaseSummary> Summary(absl::string_view case_name) const;

  grpc::Status CreateClient(grpc::ServerContext* ctx,
                            const v1::CreateClientRequest* req,
                            v1::Client* resp) override;
  grpc::Status GetClient(grpc::ServerContext* ctx,
                         const v1::GetClientRequest* req,
                         v1::Client* resp) override;
  grpc::Status UpdateClient(grpc::ServerContext* ctx,
                            const v1::UpdateClientRequest* req,
                            v1::Client* resp) override;
  grpc::Status ListClients(grpc::ServerContext* ctx,
                           const v1::ListClientsRequest* req,
                           v1::ListClientsResponse* resp) override;
  grpc::Status SearchClients(grpc::ServerContext* ctx,
                             const v1::SearchClientsRequest* req,
                             v1::SearchClientsResponse* resp) override;
  grpc::Status AddFamilyLink(grpc::ServerContext* ctx,
                             const v1::AddFamilyLinkRequest* req,
                             v1::Client* resp) override;
  grpc::Status RemoveFamilyLink(grpc::ServerContext* ctx,
                                const v1::RemoveFamilyLinkRequest* req,
                                v1::Client* resp) override;
  grpc::Status CheckConflicts(grpc::ServerContext* ctx,
                              const v1::CheckConflictsRequest* req,
                              v1::ConflictCheck* resp) override;
  grpc::Status GetConflictCheck(grpc::ServerContext* ctx,
                                const v1::GetConflictCheckRequest* req,
                                v1::ConflictCheck* resp) override;
  grpc::Status ListConflictChecks(
      grpc::ServerContext* ctx, const v1::ListConflictChecksRequest* req,
      v1::ListConflictChecksResponse* resp) override;
  grpc::Status OpenCase(grpc::ServerContext* ctx,
                        const v1::OpenCaseRequest* req,
                        v1::Case* resp) override;
  grpc::Status GetCase(grpc::ServerContext* ctx, const v1::GetCaseRequest* req,
                       v1::Case* resp) override;
  grpc::Status ListCases(grpc::ServerContext* ctx,
                         const v1::ListCasesRequest* req,
                         v1::ListCasesResponse* resp) override;
  grpc::Status UpdateCase(grpc::ServerContext* ctx,
                          const v1::UpdateCaseRequest* req,
                          v1::Case* resp) override;
  grpc::Status AssignCase(grpc::ServerContext* ctx,
                          const v1::AssignCaseRequest* req,
                          v1::Case* resp) override;
  grpc::Status TransitionCase(grpc::ServerContext* ctx,
                              const v1::TransitionCaseRequest* req,
                              v1::Case* resp) override;
  grpc::Status CloseCase(grpc::ServerContext* ctx,
                         const v1::CloseCaseRequest* req,
                         v1::Case* resp) override;
  grpc::Status GetCaseSummary(grpc::ServerContext* ctx,
                              const v1::GetCaseSummaryRequest* req,
                              v1::CaseSummary* resp) override;
  // The retention sweep's (intake_retention.cc).
  grpc::Status ListCaseSummaries(grpc::ServerContext* ctx,
                                 const v1::ListCaseSummariesRequest* req,
                                 v1::ListCaseSummariesResponse* resp) override;
  grpc::Status EraseCase(grpc::ServerContext* ctx,
                         const v1::EraseCaseRequest* req,
                         v1::EraseCaseResponse* resp) override;

 private:
  IntakeServiceImpl(ServiceContext& context,
                    std::unique_ptr<storage::Database> db,
                    std::unique_ptr<PersonMatcher> matcher);

  // Row-level checks; NOT_FOUND (existence hidden) when refused.
  absl::Status CheckClientAccess(storage::Connection& c, const Caller& caller,
                                 const std::string& client_id,
                                 const std::string& name);
  absl::StatusOr<v1::Case> LoadCaseFor(storage::Connection& c,
                                       const Caller& caller,
                                       const std::string& name,
                                       absl::string_view field);
  absl::Status ApplyRetention(v1::Case* kase) const;
  absl::CivilDay Today() const;

  absl::Status DoCreateClient(const Caller& caller,
                              const v1::CreateClientRequest& req,
                              v1::Client* resp);
  absl::Status DoUpdateClient(const Caller& caller,
                              const v1::UpdateClientRequest& req,
                              v1::Client* resp);
  absl::Status DoFamilyLink(const Caller& caller, const std::string& client,
                            const std::string& etag, const std::string& other,
                            v1::Relationship relationship, bool add,
                            v1::Client* resp);
  absl::Status DoCheckConflicts(const Caller& caller,
                                const v1::CheckConflictsRequest& req,
                                v1::ConflictCheck* resp);
  absl::Status DoOpenCase(const Caller& caller, const v1::OpenCaseRequest& req,
                          v1::Case* resp);
  absl::Status DoUpdateCase(const Caller& caller,
                            const v1::UpdateCaseRequest& req, v1::Case* resp);
  absl::Status DoAssignCase(const Caller& caller,
                            const v1::AssignCaseRequest& req, v1::Case* resp);
  absl::Status DoTransition(const Caller& caller, const std::string& name,
                            const std::string& etag, v1::CaseStatus to,
                            const std::string& reason,
                            const v1::CloseCaseRequest* close, v1::Case* resp);

  ServiceContext& context_;
  const Clock* const clock_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<PersonMatcher> matcher_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_INTAKE_SERVICE_H_
