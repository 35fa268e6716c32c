// DeadlineService: case events, the deadlines the rule file derives from them,
// lawyers' actions on deadlines, the rule file and its calendars, and watches.
// See protos/clinic/v1/deadline.proto.
//
// The rules in use are the file an administrator installed with ReplaceRules
// (kept in the service's database), else the one shipped with the server.
// Row-level: a case's events and deadlines are seen and changed only by those
// the case-access rules admit (services/common/case_access.h); others get
// NOT_FOUND. Thread-safe.
#ifndef CLINIC_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
#define CLINIC_SERVICES_DEADLINE_DEADLINE_SERVICE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/intake.pb.h"
#include "services/common/call_context.h"
#include "services/common/service.h"
#include "services/deadline/change_hub.h"
#include "services/deadline/deadline_store.h"
#include "services/deadline/engine/engine.h"
#include "storage/database.h"

namespace clinic {

// How a server hosts the deadline service.
ServiceDefinition DeadlineServiceDefinition();

class DeadlineServiceImpl final : public v1::DeadlineService::Service {
 public:
  // Opens the database and loads the installed (or shipped) rule file.
  static absl::StatusOr<std::unique_ptr<DeadlineServiceImpl>> Create(
      ServiceContext& context);

  // Ends every watch (server shutdown).
  void EndWatches() { hub_.CloseAll(); }

  grpc::Status RecordEvent(grpc::ServerContext* ctx,
                           const v1::RecordEventRequest* req,
                           v1::RecordEventResponse* resp) override;
  grpc::Status ListEvents(grpc::ServerContext* ctx,
                          const v1::ListEventsRequest* req,
                          v1::ListEventsResponse* resp) override;
  grpc::Status GetDeadline(grpc::ServerContext* ctx,
                           const v1::GetDeadlineRequest* req,
                           v1::Deadline* resp) override;
  grpc::Status ListDeadlines(grpc::ServerContext* ctx,
                             const v1::ListDeadlinesRequest* req,
                             v1::ListDeadlinesResponse* resp) override;
  grpc::Status ListUpcomingDeadlines(
      grpc::ServerContext* ctx, const v1::ListUpcomingDeadlinesRequest* req,
      v1::ListUpcomingDeadlinesResponse* resp) override;
  grpc::Status CompleteDeadline(grpc::ServerContext* ctx,
                                const v1::CompleteDeadlineRequest* req,
                                v1::Deadline* resp) override;
  grpc::Status WaiveDeadline(grpc::ServerContext* ctx,
                             const v1::WaiveDeadlineRequest* req,
                             v1::Deadline* resp) override;
  grpc::Status ExtendDeadline(grpc::ServerContext* ctx,
                              const v1::ExtendDeadlineRequest* req,
                              v1::Deadline* resp) override;
  grpc::Status OverrideDeadline(grpc::ServerContext* ctx,
                                const v1::OverrideDeadlineRequest* req,
                                v1::Deadline* resp) override;
  grpc::Status ListRules(grpc::ServerContext* ctx,
                         const v1::ListRulesRequest* req,
                         v1::ListRulesResponse* resp) override;
  grpc::Status ComputeDate(grpc::ServerContext* ctx,
                           const v1::ComputeDateRequest* req,
                           v1::ComputeDateResponse* resp) override;
  grpc::Status ListHolidays(grpc::ServerContext* ctx,
                            const v1::ListHolidaysRequest* req,
                            v1::ListHolidaysResponse* resp) override;
  grpc::Status ListCalendars(grpc::ServerContext* ctx,
                             const v1::ListCalendarsRequest* req,
                             v1::ListCalendarsResponse* resp) override;
  // Internal: the retention sweep's.
  grpc::Status ForgetCase(grpc::ServerContext* ctx,
                          const v1::ForgetCaseRequest* req,
                          v1::ForgetCaseResponse* resp) override;
  grpc::Status ReplaceRules(grpc::ServerContext* ctx,
                            const v1::ReplaceRulesRequest* req,
                            v1::ReplaceRulesResponse* resp) override;
  grpc::Status WatchDeadlines(
      grpc::ServerContext* ctx, const v1::WatchDeadlinesRequest* req,
      grpc::ServerWriter<v1::DeadlineChange>* writer) override;

 private:
  DeadlineServiceImpl(ServiceContext& context,
                      std::unique_ptr<storage::Database> db,
                      std::shared_ptr<const deadline::DeadlineEngine> engine)
      : context_(context), db_(std::move(db)), engine_(std::move(engine)) {}

  std::shared_ptr<const deadline::DeadlineEngine> engine() const;

  // The case, if `caller` may act on it (NOT_FOUND otherwise), audited.
  absl::StatusOr<v1::CaseSummary> CheckCase(const grpc::ServerContext* ctx,
                                            const Caller& caller,
                                            const std::string& case_name);

  // A lawyer's action on one open deadline: validates `name` and `etag`,
  // checks access, applies `change` and records it.
  absl::Status ChangeDeadline(
      grpc::ServerContext* ctx, const Caller& caller, const std::string& name,
      const std::string& etag, v1::DeadlineChange::Kind kind,
      const std::function<absl::Status(v1::Deadline&)>& change,
      v1::Deadline* resp);

  // The deadline as clients see it (days_remaining from today).
  v1::Deadline Present(const deadline_store::StoredDeadline& stored) const;

  // Every case the calling lawyer is on the team of, from the intake service.
  absl::StatusOr<std::set<std::string>> CallersCases(
      const grpc::ServerContext* ctx, const Caller& caller);

  // Recomputes every open, non-overridden deadline with `engine`; writes the
  // moves unless `counting_only`. Adds to the counters.
  absl::Status Recompute(storage::Connection& c,
                         const deadline::DeadlineEngine& engine,
                         bool counting_only, int* moved, int* recomputed,
                         std::vector<v1::Deadline>* changed);

  void Publish(v1::DeadlineChange::Kind kind, const v1::Deadline& deadline);

  ServiceContext& context_;
  std::unique_ptr<storage::Database> db_;
  deadline::ChangeHub hub_;
  mutable absl::Mutex engine_mu_;
  std::shared_ptr<const deadline::DeadlineEngine> engine_
      ABSL_GUARDED_BY(engine_mu_);
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_DEADLINE_DEADLINE_SERVICE_H_
