// HearingService: IRB hearings with their people's conflicts, availability,
// postponements and an iCalendar feed. See protos/clinic/v1/hearing.proto.
//
// Row-level rules: every hearing belongs to a case; a caller acts on it only
// when case_access() admits them to the case (lawyers on the case team, a
// break-glass administrator for reads); others get NOT_FOUND.
//
// Changes that move a hearing in time (schedule, reschedule, cancel, a granted
// postponement, marking it held) run in this order: validate, check conflicts,
// record the event with DeadlineService (acting for the user), then commit.
// If the deadline service refuses, nothing is committed; if the commit fails
// after the event was recorded, the opposite event is recorded (best effort)
// so that deadlines follow the hearing as stored. Changes are serialized by
// one mutex so that two concurrent schedules cannot both pass the conflict
// check. Thread-safe.
#ifndef CLINIC_SERVICES_HEARING_HEARING_SERVICE_H_
#define CLINIC_SERVICES_HEARING_HEARING_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.pb.h"
#include "services/common/call_context.h"
#include "services/common/service.h"
#include "services/hearing/availability.h"
#include "services/hearing/conflicts.h"
#include "services/hearing/deadline_link.h"
#include "storage/database.h"

namespace clinic {

// How a server hosts the hearing service.
ServiceDefinition HearingServiceDefinition();

class HearingServiceImpl final : public v1::HearingService::Service {
 public:
  struct Settings {
    hearing::BufferPolicy buffers;
    hearing::WorkingHours hours;
  };
  // Settings from the server configuration's `hearing` section (defaults for
  // unset fields); INVALID_ARGUMENT naming the field when out of range.
  static absl::StatusOr<Settings> SettingsFrom(const v1::HearingConfig& config);

  // Opens the database.
  static absl::StatusOr<std::unique_ptr<HearingServiceImpl>> Create(
      ServiceContext& context,
      std::unique_ptr<hearing::DeadlineLink> deadlines);

  grpc::Status ScheduleHearing(grpc::ServerContext* ctx,
                               const v1::ScheduleHearingRequest* req,
                               v1::ScheduleHearingResponse* resp) override;
  grpc::Status GetHearing(grpc::ServerContext* ctx,
                          const v1::GetHearingRequest* req,
                          v1::Hearing* resp) override;
  grpc::Status ListHearings(grpc::ServerContext* ctx,
                            const v1::ListHearingsRequest* req,
                            v1::ListHearingsResponse* resp) override;
  grpc::Status RescheduleHearing(grpc::ServerContext* ctx,
                                 const v1::RescheduleHearingRequest* req,
                                 v1::ScheduleHearingResponse* resp) override;
  grpc::Status CancelHearing(grpc::ServerContext* ctx,
                             const v1::CancelHearingRequest* req,
                             v1::Hearing* resp) override;
  grpc::Status UpdateHearing(grpc::ServerContext* ctx,
                             const v1::UpdateHearingRequest* req,
                             v1::Hearing* resp) override;
  grpc::Status RequestPostponement(grpc::ServerContext* ctx,
                                   const v1::RequestPostponementRequest* req,
                                   v1::Hearing* resp) override;
  grpc::Status ResolvePostponement(grpc::ServerContext* ctx,
                                   const v1::ResolvePostponementRequest* req,
                                   v1::Hearing* resp) override;
  grpc::Status CheckAvailability(grpc::ServerContext* ctx,
                                 const v1::CheckAvailabilityRequest* req,
                                 v1::CheckAvailabilityResponse* resp) override;
  grpc::Status ExportCalendar(grpc::ServerContext* ctx,
                              const v1::ExportCalendarRequest* req,
                              v1::ExportCalendarResponse* resp) override;
  // Internal: the retention sweep's.
  grpc::Status ForgetCase(grpc::ServerContext* ctx,
                          const v1::ForgetCaseRequest* req,
                          v1::ForgetCaseResponse* resp) override;

 private:
  HearingServiceImpl(ServiceContext& context,
                     std::unique_ptr<storage::Database> db,
                     std::unique_ptr<hearing::DeadlineLink> deadlines,
                     Settings settings);

  // Per-call state: the caller, their credentials for calls made on their
  // behalf, and which cases they may see (asked once per case per call).
  struct Call {
    grpc::ServerContext* ctx;
    const Caller& caller;
    hearing::OnBehalfOf who;
    std::map<std::string, absl::StatusOr<v1::CaseSummary>> cases;
  };
  // The case summary if the caller may act on `case_name` (NOT_FOUND if not).
  absl::StatusOr<v1::CaseSummary> CaseFor(Call& call,
                                          const std::string& case_name);

  // A hearing the caller may act on, named by `field` ("name").
  struct Loaded {
    v1::Hearing hearing;
    v1::CaseSummary summary;
  };
  absl::StatusOr<Loaded> Load(Call& call, const std::string& name,
                              absl::string_view field);

  // The conflicts of `candidate` with everyone else's hearings, as the API
  // reports them (hearings on cases the caller may not see are not named).
  absl::StatusOr<std::vector<v1::HearingConflict>> Conflicts(
      Call& call, const v1::Hearing& candidate)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Records a hearing event with DeadlineService for the caller.
  absl::Status RecordHearingEvent(Call& call, const v1::Hearing& h,
                                  v1::EventType type);
  // After a failed commit: tells DeadlineService the opposite, best effort.
  // `before` is null when the attempted change created the hearing.
  void Compensate(Call& call, const v1::Hearing* before,
                  const v1::Hearing& attempted, v1::EventType attempted_type);

  // Records `event` (unless UNSPECIFIED) and stores `after` as the version
  // after `version`; compensates the event if the store fails.
  absl::Status Commit(Call& call, const v1::Hearing& before, v1::Hearing* after,
                      int64_t version, v1::EventType event,
                      const std::string& action)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Counsel must be a lawyer on the case team; attendees clients of the case
  // (filled with the case's clients when empty).
  absl::Status CheckPeople(const v1::CaseSummary& summary, v1::Hearing* h,
                           absl::string_view prefix);

  // Common path of reschedule and a granted postponement: validates nothing,
  // checks conflicts (accepting them with `accept_reason` when given),
  // records the event and commits.
  absl::Status Move(Call& call, Loaded loaded, int64_t version,
                    absl::Time new_start, absl::Duration new_duration,
                    const std::string& accept_reason, bool validate_only,
                    const std::string& action,
                    std::function<void(v1::Hearing*)> also,
                    v1::ScheduleHearingResponse* resp)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  absl::Status DoSchedule(Call& call, const v1::ScheduleHearingRequest& req,
                          v1::ScheduleHearingResponse* resp);
  absl::Status DoList(Call& call, const v1::ListHearingsRequest& req,
                      v1::ListHearingsResponse* resp);
  absl::Status DoReschedule(Call& call, const v1::RescheduleHearingRequest& req,
                            v1::ScheduleHearingResponse* resp);
  absl::Status DoCancel(Call& call, const v1::CancelHearingRequest& req,
                        v1::Hearing* resp);
  absl::Status DoUpdate(Call& call, const v1::UpdateHearingRequest& req,
                        v1::Hearing* resp);
  absl::Status DoRequestPostponement(Call& call,
                                     const v1::RequestPostponementRequest& req,
                                     v1::Hearing* resp);
  absl::Status DoResolvePostponement(Call& call,
                                     const v1::ResolvePostponementRequest& req,
                                     v1::Hearing* resp);
  absl::Status DoCheckAvailability(Call& call,
                                   const v1::CheckAvailabilityRequest& req,
                                   v1::CheckAvailabilityResponse* resp);
  absl::Status DoExportCalendar(Call& call,
                                const v1::ExportCalendarRequest& req,
                                v1::ExportCalendarResponse* resp);

  ServiceContext& context_;
  const Clock* const clock_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<hearing::DeadlineLink> deadlines_;
  const Settings settings_;
  // Held from the conflict check until the change is committed.
  absl::Mutex write_mu_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_HEARING_HEARING_SERVICE_H_
