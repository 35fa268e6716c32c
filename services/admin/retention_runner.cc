#include "services/admin/retention_runner.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "base/grpc_status.h"
#include "base/log.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"

namespace clinic {
namespace {

constexpr char kSweepMethod[] = "/clinic.v1.AdminService/RunRetentionSweep";

// Destruction of a large case may take a while; listing is quick.
std::unique_ptr<grpc::ClientContext> CallContext(absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoSeconds(timeout));
  return ctx;
}

}  // namespace

absl::StatusOr<std::vector<v1::CaseSummary>>
GrpcRetentionBackend::ClosedCases() {
  v1::IntakeService::Stub stub(context_->ChannelTo("intake"));
  std::vector<v1::CaseSummary> out;
  v1::ListCaseSummariesRequest req;
  req.set_status(v1::CASE_STATUS_CLOSED);
  req.set_page_size(500);
  do {
    v1::ListCaseSummariesResponse resp;
    grpc::Status s = stub.ListCaseSummaries(
        CallContext(absl::Seconds(30)).get(), req, &resp);
    if (!s.ok()) return FromGrpcStatus(s);
    for (v1::CaseSummary& c : *resp.mutable_cases())
      out.push_back(std::move(c));
    req.set_page_token(resp.next_page_token());
  } while (!req.page_token().empty());
  return out;
}

absl::StatusOr<v1::CaseSummary> GrpcRetentionBackend::CurrentSummary(
    const std::string& kase) {
  v1::IntakeService::Stub stub(context_->ChannelTo("intake"));
  v1::GetCaseSummaryRequest req;
  req.set_case_(kase);
  v1::CaseSummary resp;
  grpc::Status s =
      stub.GetCaseSummary(CallContext(absl::Seconds(30)).get(), req, &resp);
  if (!s.ok()) return FromGrpcStatus(s);
  return resp;
}

absl::StatusOr<v1::ShredCaseDocumentsResponse> GrpcRetentionBackend::Shred(
    const std::string& kase, const std::string& reason, bool dry_run) {
  v1::DocumentService::Stub stub(context_->ChannelTo("document"));
  v1::ShredCaseDocumentsRequest req;
  req.set_case_(kase);
  req.set_reason(reason);
  req.set_dry_run(dry_run);
  v1::ShredCaseDocumentsResponse resp;
  grpc::Status s =
      stub.ShredCaseDocuments(CallContext(absl::Minutes(10)).get(), req, &resp);
  if (!s.ok()) return FromGrpcStatus(s);
  return resp;
}

absl::StatusOr<int> GrpcRetentionBackend::CountDocuments(
    const std::string& kase) {
  CLINIC_ASSIGN_OR_RETURN(auto resp,
                          Shred(kase, "retention sweep (dry run)", true));
  return resp.documents();
}

absl::StatusOr<int> GrpcRetentionBackend::ShredDocuments(
    const std::string& kase, const std::string& reason) {
  CLINIC_ASSIGN_OR_RETURN(auto resp, Shred(kase, reason, false));
  return resp.documents();
}

absl::StatusOr<int> GrpcRetentionBackend::EraseCase(const v1::CaseSummary& kase,
                                                    const std::string& reason) {
  // Deadlines and hearings first: until the intake service erases the case,
  // the next sweep finds it again and finishes what a failure left.
  v1::ForgetCaseRequest forget;
  forget.set_case_(kase.case_());
  forget.set_reason(reason);
  v1::ForgetCaseResponse forgotten;
  v1::DeadlineService::Stub deadlines(context_->ChannelTo("deadline"));
  grpc::Status s = deadlines.ForgetCase(CallContext(absl::Minutes(2)).get(),
                                        forget, &forgotten);
  if (!s.ok()) return FromGrpcStatus(s);
  v1::HearingService::Stub hearings(context_->ChannelTo("hearing"));
  s = hearings.ForgetCase(CallContext(absl::Minutes(2)).get(), forget,
                          &forgotten);
  if (!s.ok()) return FromGrpcStatus(s);
  v1::IntakeService::Stub stub(context_->ChannelTo("intake"));
  v1::EraseCaseRequest req;
  req.set_case_(kase.case_());
  req.set_reason(reason);
  v1::EraseCaseResponse resp;
  s = stub.EraseCase(CallContext(absl::Minutes(2)).get(), req, &resp);
  if (!s.ok()) return FromGrpcStatus(s);
  return resp.erased_clients_size();
}

absl::StatusOr<v1::RunRetentionSweepResponse> RunScheduledSweep(
    const ServiceContext* context) {
  GrpcRetentionBackend backend(context);
  const absl::CivilDay today =
      absl::ToCivilDay(context->clock()->Now(), absl::UTCTimeZone());
  std::vector<std::string> destroyed;
  absl::StatusOr<v1::RunRetentionSweepResponse> result = retention::RunSweep(
      backend, context->config().retention(), today, false, &destroyed);
  v1::AuditEvent event;
  event.set_request_id(RandomId());
  event.set_method(kSweepMethod);
  event.set_action(v1::AUDIT_ACTION_ADMIN);
  event.set_service("admin");
  event.set_peer("scheduler");
  event.set_reason("scheduled retention sweep");
  for (const std::string& name : destroyed) event.add_resources(name);
  event.set_status_code(static_cast<int>(result.status().code()));
  absl::Status audited = context->audit_sink().Append(std::move(event));
  if (!result.ok()) return result.status();
  if (!audited.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "the retention sweep ran but could not be recorded in the audit log: ",
        audited.message()));
  }
  return result;
}

RetentionScheduler::RetentionScheduler(const ServiceContext* context,
                                       absl::Duration interval)
    : context_(context), interval_(interval), thread_([this] { Run(); }) {}

RetentionScheduler::~RetentionScheduler() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

int64_t RetentionScheduler::runs() const {
  absl::MutexLock lock(&mu_);
  return runs_;
}

void RetentionScheduler::Run() {
  absl::Duration wait = std::min(interval_, absl::Minutes(1));
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), wait);
      if (stop_) return;
    }
    absl::StatusOr<v1::RunRetentionSweepResponse> result =
        RunScheduledSweep(context_);
    if (result.ok()) {
      log::Info("retention sweep done",
                {{"destroyed", absl::StrCat(result->destroyed_size())},
                 {"held", absl::StrCat(result->held_size())}});
    } else {
      log::Warning("retention sweep failed; it will run again",
                   {{"reason", std::string(result.status().message())}});
    }
    absl::MutexLock lock(&mu_);
    ++runs_;
    wait = interval_;
  }
}

}  // namespace clinic
