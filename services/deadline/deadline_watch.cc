// A lawyer's view across their cases: upcoming deadlines and the watch stream.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "services/common/case_access.h"
#include "services/common/forward_credentials.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/deadline/deadline_service.h"

namespace clinic {
namespace {

using deadline_store::StoredDeadline;
using storage::Connection;

constexpr int kMaxPage = 500;
constexpr int kDefaultPage = 100;
constexpr int kDefaultRemindDays = 14;
// How often a watch looks at the clock for deadlines coming into its window.
constexpr absl::Duration kWatchTick = absl::Milliseconds(500);

}  // namespace

absl::StatusOr<std::set<std::string>> DeadlineServiceImpl::CallersCases(
    const grpc::ServerContext* ctx, const Caller& caller) {
  v1::IntakeService::Stub intake(context_.ChannelTo("intake"));
  std::set<std::string> cases;
  v1::ListCasesRequest request;
  request.set_page_size(200);
  request.set_team_member(caller.user_resource());
  do {
    auto call = ForwardingContext(*ctx);
    v1::ListCasesResponse page;
    grpc::Status status = intake.ListCases(call.get(), request, &page);
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("the intake service could not list your cases: ",
                       status.error_message()));
    }
    for (const v1::Case& c : page.cases()) cases.insert(c.name());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return cases;
}

grpc::Status DeadlineServiceImpl::ListUpcomingDeadlines(
    grpc::ServerContext* ctx, const v1::ListUpcomingDeadlinesRequest* req,
    v1::ListUpcomingDeadlinesResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    if (!req->lawyer().empty()) {
      CLINIC_RETURN_IF_ERROR(ValidateUserName("lawyer", req->lawyer()));
      if (req->lawyer() != caller.user_resource()) {
        return absl::PermissionDeniedError(
            "lawyer: you can list only your own upcoming deadlines");
      }
    }
    if (req->due_within_days() < 0 || req->due_within_days() > 3650) {
      return absl::InvalidArgumentError("due_within_days must be 0..3650");
    }
    CLINIC_ASSIGN_OR_RETURN(
        int page_size,
        EffectivePageSize(req->page_size(), kDefaultPage, kMaxPage));
    CLINIC_ASSIGN_OR_RETURN(std::string after,
                            DecodePageToken(req->page_token()));
    CLINIC_ASSIGN_OR_RETURN(std::set<std::string> cases,
                            CallersCases(ctx, caller));
    const absl::CivilDay today = Today(context_.clock()->Now());
    const absl::CivilDay last = today + req->due_within_days();
    std::vector<StoredDeadline> due;
    CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      for (const std::string& case_name : cases) {
        CLINIC_ASSIGN_OR_RETURN(
            std::vector<StoredDeadline> open,
            deadline_store::OpenDeadlines(c, ResourceId(case_name)));
        for (StoredDeadline& d : open) {
          if (req->due_within_days() > 0 &&
              ToCivilDay(d.deadline.due_date()) > last) {
            continue;
          }
          if (deadline_store::PageKey(d) <= after) continue;
          due.push_back(std::move(d));
        }
      }
      return absl::OkStatus();
    }));
    // Overdue deadlines have the earliest dates, so date order puts them
    // first.
    std::sort(due.begin(), due.end(),
              [](const StoredDeadline& a, const StoredDeadline& b) {
                return deadline_store::PageKey(a) < deadline_store::PageKey(b);
              });
    for (int i = 0; i < static_cast<int>(due.size()); ++i) {
      if (i == page_size) {
        resp->set_next_page_token(
            EncodePageToken(deadline_store::PageKey(due[i - 1])));
        break;
      }
      AuditResource(ctx, due[i].deadline.name());
      *resp->add_deadlines() = Present(due[i]);
    }
    return absl::OkStatus();
  });
}

grpc::Status DeadlineServiceImpl::WatchDeadlines(
    grpc::ServerContext* ctx, const v1::WatchDeadlinesRequest* req,
    grpc::ServerWriter<v1::DeadlineChange>* writer) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    if (req->remind_within_days() < 0 || req->remind_within_days() > 60) {
      return absl::InvalidArgumentError("remind_within_days must be 0..60");
    }
    const int window = req->remind_within_days() == 0
                           ? kDefaultRemindDays
                           : req->remind_within_days();
    std::set<std::string> cases;
    if (!req->case_().empty()) {
      CLINIC_RETURN_IF_ERROR(ValidateCaseName(req->case_(), "case"));
      CLINIC_RETURN_IF_ERROR(CheckCase(ctx, caller, req->case_()).status());
      cases.insert(req->case_());
    } else {
      CLINIC_ASSIGN_OR_RETURN(cases, CallersCases(ctx, caller));
    }
    // Subscribed before the first read, so no change falls between the two.
    auto subscription = hub_.Subscribe(cases);
    struct Unsubscribe {
      deadline::ChangeHub& hub;
      std::shared_ptr<deadline::ChangeHub::Subscription> s;
      ~Unsubscribe() { hub.Unsubscribe(s); }
    } unsubscribe{hub_, subscription};

    // Open deadlines of the watched cases due on a day in [first, last].
    auto due_between =
        [&](absl::CivilDay first,
            absl::CivilDay last) -> absl::StatusOr<std::vector<v1::Deadline>> {
      std::vector<v1::Deadline> out;
      CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
        for (const std::string& case_name : cases) {
          CLINIC_ASSIGN_OR_RETURN(
              std::vector<StoredDeadline> open,
              deadline_store::OpenDeadlines(c, ResourceId(case_name)));
          for (const StoredDeadline& d : open) {
            const absl::CivilDay day = ToCivilDay(d.deadline.due_date());
            if (day >= first && day <= last) out.push_back(Present(d));
          }
        }
        return absl::OkStatus();
      }));
      return out;
    };
    auto send = [&](v1::DeadlineChange::Kind kind, v1::Deadline deadline) {
      v1::DeadlineChange change;
      change.set_kind(kind);
      *change.mutable_deadline() = std::move(deadline);
      return writer->Write(change);
    };

    absl::CivilDay today = Today(context_.clock()->Now());
    CLINIC_ASSIGN_OR_RETURN(
        std::vector<v1::Deadline> existing,
        due_between(absl::CivilDay(1990, 1, 1), today + window));
    for (v1::Deadline& d : existing) {
      if (!send(v1::DeadlineChange::KIND_EXISTING, std::move(d))) {
        return absl::OkStatus();  // the watcher went away
      }
    }
    while (!ctx->IsCancelled()) {
      std::optional<v1::DeadlineChange> change = subscription->Next(kWatchTick);
      if (subscription->closed()) {
        return absl::UnavailableError(
            "the server is shutting down; watch again in a moment");
      }
      if (subscription->overflowed()) {
        return absl::AbortedError(
            "this watch fell too far behind; start it again");
      }
      if (change) {
        change->mutable_deadline()->set_days_remaining(static_cast<int32_t>(
            ToCivilDay(change->deadline().due_date()) - today));
        if (!writer->Write(*change)) return absl::OkStatus();
      }
      const absl::CivilDay now_day = Today(context_.clock()->Now());
      if (now_day > today) {
        // Days passed: deadlines that have just come within the window.
        CLINIC_ASSIGN_OR_RETURN(
            std::vector<v1::Deadline> coming,
            due_between(today + window + 1, now_day + window));
        today = now_day;
        for (v1::Deadline& d : coming) {
          if (!send(v1::DeadlineChange::KIND_DUE_SOON, std::move(d))) {
            return absl::OkStatus();
          }
        }
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace clinic
