// Runs the retention sweep (retention.h) against the services that own the
// records, over their internal RPCs (IntakeService.ListCaseSummaries,
// GetCaseSummary, EraseCase; DocumentService.ShredCaseDocuments;
// DeadlineService.ForgetCase; HearingService.ForgetCase), called with
// this server's own service identity: only services may call those, so no
// user, administrators included, can erase a case except through the sweep's
// rules. Each owning service audits what it destroyed, with the rule.
//
// RetentionScheduler runs the sweep on its own every
// RetentionConfig.sweep_interval and records each run in the audit log as the
// server's action.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_ADMIN_RETENTION_RUNNER_H_
#define CLINIC_SERVICES_ADMIN_RETENTION_RUNNER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clinic/v1/admin.pb.h"
#include "clinic/v1/document.pb.h"
#include "services/admin/retention.h"
#include "services/common/service.h"

namespace clinic {

class GrpcRetentionBackend : public retention::RetentionBackend {
 public:
  // `context` must outlive the backend.
  explicit GrpcRetentionBackend(const ServiceContext* context)
      : context_(context) {}

  absl::StatusOr<std::vector<v1::CaseSummary>> ClosedCases() override;
  absl::StatusOr<v1::CaseSummary> CurrentSummary(
      const std::string& kase) override;
  absl::StatusOr<int> CountDocuments(const std::string& kase) override;
  absl::StatusOr<int> ShredDocuments(const std::string& kase,
                                     const std::string& reason) override;
  absl::StatusOr<int> EraseCase(const v1::CaseSummary& kase,
                                const std::string& reason) override;

 private:
  absl::StatusOr<v1::ShredCaseDocumentsResponse> Shred(
      const std::string& kase, const std::string& reason, bool dry_run);
  const ServiceContext* const context_;
};

// The sweep as of today by the server's clock (a real run), recorded in the
// audit log as the server's own action with every case destroyed. Fails (and
// reports nothing as done that was not) when a service or the audit log cannot
// be reached.
absl::StatusOr<v1::RunRetentionSweepResponse> RunScheduledSweep(
    const ServiceContext* context);

class RetentionScheduler {
 public:
  // Starts a thread that runs RunScheduledSweep first after
  // min(interval, 1 minute), then every `interval`. `context` must outlive the
  // scheduler.
  RetentionScheduler(const ServiceContext* context, absl::Duration interval);
  // Stops and waits for a sweep under way.
  ~RetentionScheduler();

  // Completed runs (successful or not), for tests and status.
  int64_t runs() const;

 private:
  void Run();

  const ServiceContext* const context_;
  const absl::Duration interval_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  int64_t runs_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_ADMIN_RETENTION_RUNNER_H_
