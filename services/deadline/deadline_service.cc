// Case events and the lawyer's actions on deadlines. The rule-file RPCs are in
// deadline_rules_rpcs.cc, the upcoming list and watches in deadline_watch.cc.
#include "services/deadline/deadline_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "services/common/case_access.h"
#include "services/common/etag.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/deadline/deadline_resources.h"
#include "services/deadline/engine/receipt.h"
#include "services/deadline/engine/rule_set.h"
#include "services/deadline/event_effects.h"
#include "services/deadline/rules/canada_rules.h"

namespace clinic {
namespace {

using deadline::ComputedDeadline;
using deadline::DeadlineEngine;
using deadline_store::StoredDeadline;
using storage::Connection;

constexpr int kMaxEventPage = 500;
constexpr int kDefaultPage = 100;

absl::Status ValidateTime(absl::string_view field, const v1::TimeOfDay& t) {
  if (t.hours() < 0 || t.hours() > 23) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".hours must be 0..23"));
  }
  if (t.minutes() < 0 || t.minutes() > 59) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".minutes must be 0..59"));
  }
  return absl::OkStatus();
}

absl::Status ValidateEvent(const v1::CaseEvent& e, absl::CivilDay today) {
  CLINIC_RETURN_IF_ERROR(ValidateCaseName(e.case_(), "event.case"));
  CLINIC_RETURN_IF_ERROR(
      ValidateEnum("event.type", e.type(), v1::EventType_IsValid, true));
  if (!e.has_date())
    return absl::InvalidArgumentError("event.date is required");
  CLINIC_RETURN_IF_ERROR(ValidateDate("event.date", e.date(), 1990, 2100));
  const bool hearing_event = deadline::IsHearingEvent(e.type());
  if (!hearing_event && ToCivilDay(e.date()) > today) {
    return absl::InvalidArgumentError(
        "event.date is in the future; record this event once it has happened");
  }
  if (e.has_time())
    CLINIC_RETURN_IF_ERROR(ValidateTime("event.time", e.time()));
  if (hearing_event && e.hearing().empty()) {
    return absl::InvalidArgumentError(
        "event.hearing is required for hearing events: name the hearing "
        "(\"cases/{case}/hearings/{hearing}\")");
  }
  if (!e.hearing().empty()) {
    CLINIC_RETURN_IF_ERROR(ValidateHearingName(e.hearing(), e.case_()));
  }
  return ValidateText("event.note", e.note(), 0, 1000, /*multiline=*/true);
}

v1::DeadlineAction Action(v1::DeadlineAction::Kind kind, absl::Time now,
                          const Caller& caller) {
  v1::DeadlineAction action;
  action.set_kind(kind);
  *action.mutable_time() = ToProtoTime(now);
  action.set_actor(caller.user_resource());
  return action;
}

// The case facts stored with each deadline: what its rules depended on.
v1::CaseSummary FactsRecord(const v1::CaseSummary& summary) {
  v1::CaseSummary facts;
  facts.set_type(summary.type());
  facts.set_province(summary.province());
  facts.set_irb_region(summary.irb_region());
  *facts.mutable_conditions() = summary.conditions();
  return facts;
}

deadline::OpenDeadline PlannerView(const StoredDeadline& d) {
  return {d.id, d.deadline.rule_id(), d.subject, d.parent_id,
          ToCivilDay(d.deadline.computed_due_date())};
}

// Sets the computed date, explanation and (unless overridden) the due date.
void ApplyComputed(const ComputedDeadline& computed, const std::string& trigger,
                   v1::Deadline& d) {
  *d.mutable_computed_due_date() = ToDate(computed.due_date);
  if (!d.date_overridden()) *d.mutable_due_date() = ToDate(computed.due_date);
  if (computed.due_time) {
    *d.mutable_due_time() = *computed.due_time;
  } else {
    d.clear_due_time();
  }
  *d.mutable_explanation() = computed.explanation;
  d.mutable_explanation()->set_trigger(trigger);
}

// The new date and reason of an extension or override.
absl::Status ValidateDateChange(bool has_new_date, const v1::Date& new_date,
                                const std::string& reason) {
  if (!has_new_date) return absl::InvalidArgumentError("new_date is required");
  CLINIC_RETURN_IF_ERROR(ValidateDate("new_date", new_date, 1990, 2100));
  return ValidateText("reason", reason, 5, 1000, /*multiline=*/true);
}

absl::Status RequireOpen(const v1::Deadline& d, absl::string_view action) {
  if (d.status() == v1::DEADLINE_STATUS_OPEN) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      d.name(), " is ",
      absl::AsciiStrToLower(absl::StripPrefix(
          v1::DeadlineStatus_Name(d.status()), "DEADLINE_STATUS_")),
      "; only an open deadline can be ", action));
}

}  // namespace

absl::StatusOr<std::unique_ptr<DeadlineServiceImpl>>
DeadlineServiceImpl::Create(ServiceContext& context) {
  CLINIC_ASSIGN_OR_RETURN(
      auto db, context.OpenDatabase("deadline", deadline_store::Migrations()));
  std::optional<std::string> installed;
  CLINIC_RETURN_IF_ERROR(db->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(installed, deadline_store::InstalledRuleFile(c));
    return absl::OkStatus();
  }));
  std::shared_ptr<const deadline::RuleSet> rules;
  if (installed) {
    auto loaded = deadline::RuleSet::Load(*installed);
    if (loaded.ok()) {
      rules = *loaded;
    } else {
      // A file this build no longer accepts: serve with the shipped rules and
      // say so, rather than refusing to start a clinic's server.
      log::Error(
          "the installed deadline rule file no longer loads; serving with "
          "the shipped rules until an administrator installs a valid one",
          {{"error", std::string(loaded.status().message())}});
    }
  }
  if (!rules) {
    CLINIC_ASSIGN_OR_RETURN(
        rules, deadline::RuleSet::Load(deadline::CanadaRulesText()));
  }
  return std::unique_ptr<DeadlineServiceImpl>(new DeadlineServiceImpl(
      context, std::move(db),
      std::make_shared<const DeadlineEngine>(std::move(rules))));
}

std::shared_ptr<const DeadlineEngine> DeadlineServiceImpl::engine() const {
  absl::MutexLock lock(&engine_mu_);
  return engine_;
}

absl::StatusOr<v1::CaseSummary> DeadlineServiceImpl::CheckCase(
    const grpc::ServerContext* ctx, const Caller& caller,
    const std::string& case_name) {
  AuditResource(ctx, case_name);
  return context_.case_access().Check(caller, case_name);
}

v1::Deadline DeadlineServiceImpl::Present(const StoredDeadline& stored) const {
  v1::Deadline d = stored.deadline;
  const absl::CivilDay today = Today(context_.clock()->Now());
  d.set_days_remaining(static_cast<int32_t>(ToCivilDay(d.due_date()) - today));
  return d;
}

void DeadlineServiceImpl::Publish(v1::DeadlineChange::Kind kind,
                                  const v1::Deadline& deadline) {
  v1::DeadlineChange change;
  change.set_kind(kind);
  *change.mutable_deadline() = deadline;
  hub_.Publish(change);
}

grpc::Status DeadlineServiceImpl::RecordEvent(grpc::ServerContext* ctx,
                                              const v1::RecordEventRequest* req,
                                              v1::RecordEventResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    if (!req->has_event()) {
      return absl::InvalidArgumentError("event is required");
    }
    const absl::Time now = context_.clock()->Now();
    CLINIC_RETURN_IF_ERROR(ValidateEvent(req->event(), Today(now)));
    CLINIC_RETURN_IF_ERROR(ValidateRequestId("request_id", req->request_id()));
    const std::string& case_name = req->event().case_();
    CLINIC_ASSIGN_OR_RETURN(v1::CaseSummary summary,
                            CheckCase(ctx, caller, case_name));
    const deadline::CaseFacts facts = FactsOf(summary);
    const std::string case_id = ResourceId(case_name);

    if (!req->request_id().empty()) {
      std::optional<v1::RecordEventResponse> earlier;
      CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
        CLINIC_ASSIGN_OR_RETURN(
            earlier,
            deadline_store::FindReply(c, req->request_id(), caller.username));
        return absl::OkStatus();
      }));
      if (earlier) {
        *resp = *earlier;
        return absl::OkStatus();
      }
    }

    v1::CaseEvent event = req->event();
    event.set_name(absl::StrCat(case_name, "/events/", TimeOrderedId()));
    event.set_recorded_by(caller.user_resource());
    *event.mutable_record_time() = ToProtoTime(now);

    std::vector<std::pair<v1::DeadlineChange::Kind, v1::Deadline>> changes;
    // Every run starts by clearing `resp` and `changes` and assigns the rest,
    // so group commit may run it again (Repeat::kSafe).
    auto record = [&](Connection& c) -> absl::Status {
      resp->Clear();
      changes.clear();
      // Taken inside the write so that a rule file installed concurrently is
      // either wholly before or wholly after this event.
      const std::shared_ptr<const DeadlineEngine> rules = engine();
      CLINIC_ASSIGN_OR_RETURN(
          deadline::ReceiptDates receipt,
          deadline::ReadReceipt(
              rules->rules(), event.type(), ToCivilDay(event.date()),
              event.has_receipt() ? &event.receipt() : nullptr));
      const deadline::Trigger trigger =
          deadline::ChooseTrigger(receipt, v1::DEADLINE_KIND_DEADLINE);
      *event.mutable_trigger_date() = ToDate(trigger.date);
      event.set_trigger_derivation(trigger.derivation);

      CLINIC_ASSIGN_OR_RETURN(std::vector<StoredDeadline> open,
                              deadline_store::OpenDeadlines(c, case_id));
      std::vector<deadline::OpenDeadline> view;
      for (const StoredDeadline& d : open) view.push_back(PlannerView(d));
      CLINIC_ASSIGN_OR_RETURN(deadline::EventEffects effects,
                              deadline::PlanEvent(*rules, facts, event, view));
      std::map<std::string, StoredDeadline*> by_id;
      for (StoredDeadline& d : open) by_id[d.id] = &d;

      for (const std::string& id : effects.withdrawn) {
        StoredDeadline& d = *by_id.at(id);
        d.deadline.set_status(v1::DEADLINE_STATUS_WITHDRAWN);
        v1::DeadlineAction action =
            Action(v1::DeadlineAction::KIND_WITHDRAWN, now, caller);
        action.set_reason(absl::StrCat("withdrawn by ", event.name()));
        *d.deadline.add_history() = action;
        *d.deadline.mutable_update_time() = ToProtoTime(now);
        CLINIC_RETURN_IF_ERROR(deadline_store::UpdateDeadline(c, d));
        *resp->add_withdrawn() = Present(d);
        changes.emplace_back(v1::DeadlineChange::KIND_WITHDRAWN, Present(d));
      }
      for (const auto& move : effects.moved) {
        StoredDeadline& d = *by_id.at(move.id);
        const std::string trigger_name =
            d.parent_id.empty() ? event.name()
                                : DeadlineName(case_name, d.parent_id);
        v1::DeadlineAction action =
            Action(v1::DeadlineAction::KIND_MOVED, now, caller);
        *action.mutable_old_date() = d.deadline.computed_due_date();
        *action.mutable_new_date() = ToDate(move.computed.due_date);
        action.set_reason(absl::StrCat("moved by ", event.name()));
        ApplyComputed(move.computed, trigger_name, d.deadline);
        *d.deadline.add_history() = action;
        *d.deadline.mutable_update_time() = ToProtoTime(now);
        CLINIC_RETURN_IF_ERROR(deadline_store::UpdateDeadline(c, d));
        *resp->add_moved() = Present(d);
        changes.emplace_back(v1::DeadlineChange::KIND_MOVED, Present(d));
      }
      std::vector<std::string> created_ids;
      for (const auto& created : effects.created) {
        StoredDeadline d;
        d.id = TimeOrderedId();
        d.case_id = case_id;
        d.subject =
            deadline::IsHearingEvent(event.type()) ? event.hearing() : "";
        d.parent_id = created.parent_index >= 0
                          ? created_ids[created.parent_index]
                          : created.parent_id;
        d.facts = FactsRecord(summary);
        created_ids.push_back(d.id);
        v1::Deadline& dl = d.deadline;
        dl.set_name(DeadlineName(case_name, d.id));
        dl.set_case_(case_name);
        dl.set_rule_id(created.computed.rule_id);
        dl.set_title(created.computed.title);
        dl.set_kind(created.computed.kind);
        dl.set_status(v1::DEADLINE_STATUS_OPEN);
        dl.set_hearing(d.subject);
        ApplyComputed(created.computed,
                      d.parent_id.empty()
                          ? event.name()
                          : DeadlineName(case_name, d.parent_id),
                      dl);
        v1::DeadlineAction action =
            Action(v1::DeadlineAction::KIND_COMPUTED, now, caller);
        *action.mutable_new_date() = dl.due_date();
        action.set_reason(absl::StrCat("computed from ", event.name()));
        *dl.add_history() = action;
        *dl.mutable_create_time() = ToProtoTime(now);
        *dl.mutable_update_time() = ToProtoTime(now);
        CLINIC_RETURN_IF_ERROR(deadline_store::InsertDeadline(c, d));
        *resp->add_created() = Present(d);
        changes.emplace_back(v1::DeadlineChange::KIND_CREATED, Present(d));
      }
      CLINIC_RETURN_IF_ERROR(deadline_store::InsertEvent(
          c, ResourceId(event.name()), case_id, event));
      *resp->mutable_event() = event;
      if (!req->request_id().empty()) {
        CLINIC_RETURN_IF_ERROR(deadline_store::SaveReply(
            c, req->request_id(), caller.username, *resp));
      }
      return absl::OkStatus();
    };
    CLINIC_RETURN_IF_ERROR(
        db_->Write(record, storage::Database::Repeat::kSafe));
    AuditResource(ctx, event.name());
    for (const auto& [kind, deadline] : changes) {
      AuditResource(ctx, deadline.name());
      Publish(kind, deadline);
    }
    return absl::OkStatus();
  });
}

grpc::Status DeadlineServiceImpl::ListEvents(grpc::ServerContext* ctx,
                                             const v1::ListEventsRequest* req,
                                             v1::ListEventsResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(ValidateCaseName(req->case_(), "case"));
    CLINIC_ASSIGN_OR_RETURN(
        int page_size,
        EffectivePageSize(req->page_size(), kDefaultPage, kMaxEventPage));
    CLINIC_ASSIGN_OR_RETURN(std::string after,
                            DecodePageToken(req->page_token()));
    int64_t after_seq = 0;
    if (!after.empty() && !absl::SimpleAtoi(after, &after_seq)) {
      return absl::InvalidArgumentError("page_token is not valid");
    }
    CLINIC_RETURN_IF_ERROR(CheckCase(ctx, caller, req->case_()).status());
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(
          auto events, deadline_store::ListEvents(c, ResourceId(req->case_()),
                                                  after_seq, page_size + 1));
      for (int i = 0; i < static_cast<int>(events.size()); ++i) {
        if (i == page_size) {
          resp->set_next_page_token(
              EncodePageToken(absl::StrCat(events[i - 1].first)));
          break;
        }
        *resp->add_events() = events[i].second;
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status DeadlineServiceImpl::GetDeadline(grpc::ServerContext* ctx,
                                              const v1::GetDeadlineRequest* req,
                                              v1::Deadline* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(DeadlineRef ref,
                            ParseDeadlineName("name", req->name()));
    CLINIC_RETURN_IF_ERROR(CheckCase(ctx, caller, ref.case_name).status());
    AuditResource(ctx, req->name());
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto stored,
                              deadline_store::FindDeadline(c, ref.id));
      if (!stored || stored->deadline.case_() != ref.case_name) {
        return NotFoundError(req->name());
      }
      *resp = Present(*stored);
      return absl::OkStatus();
    });
  });
}

grpc::Status DeadlineServiceImpl::ListDeadlines(
    grpc::ServerContext* ctx, const v1::ListDeadlinesRequest* req,
    v1::ListDeadlinesResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(ValidateCaseName(req->case_(), "case"));
    CLINIC_ASSIGN_OR_RETURN(
        int page_size,
        EffectivePageSize(req->page_size(), kDefaultPage, kMaxEventPage));
    CLINIC_ASSIGN_OR_RETURN(std::string after,
                            DecodePageToken(req->page_token()));
    std::vector<v1::DeadlineStatus> statuses;
    for (int status : req->statuses()) {
      CLINIC_RETURN_IF_ERROR(ValidateEnum(
          "statuses", status, v1::DeadlineStatus_IsValid, /*required=*/true));
      statuses.push_back(static_cast<v1::DeadlineStatus>(status));
    }
    CLINIC_RETURN_IF_ERROR(CheckCase(ctx, caller, req->case_()).status());
    return db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(auto page, deadline_store::ListDeadlines(
                                             c, ResourceId(req->case_()),
                                             statuses, after, page_size + 1));
      for (int i = 0; i < static_cast<int>(page.size()); ++i) {
        if (i == page_size) {
          resp->set_next_page_token(
              EncodePageToken(deadline_store::PageKey(page[i - 1])));
          break;
        }
        *resp->add_deadlines() = Present(page[i]);
      }
      return absl::OkStatus();
    });
  });
}

absl::Status DeadlineServiceImpl::ChangeDeadline(
    grpc::ServerContext* ctx, const Caller& caller, const std::string& name,
    const std::string& etag, v1::DeadlineChange::Kind kind,
    const std::function<absl::Status(v1::Deadline&)>& change,
    v1::Deadline* resp) {
  CLINIC_ASSIGN_OR_RETURN(DeadlineRef ref, ParseDeadlineName("name", name));
  CLINIC_RETURN_IF_ERROR(ParseEtag("etag", etag).status());
  CLINIC_RETURN_IF_ERROR(CheckCase(ctx, caller, ref.case_name).status());
  AuditResource(ctx, name);
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(auto stored,
                            deadline_store::FindDeadline(c, ref.id));
    if (!stored || stored->deadline.case_() != ref.case_name) {
      return NotFoundError(name);
    }
    CLINIC_RETURN_IF_ERROR(CheckEtag(name, etag, stored->deadline.etag()));
    CLINIC_RETURN_IF_ERROR(change(stored->deadline));
    *stored->deadline.mutable_update_time() =
        ToProtoTime(context_.clock()->Now());
    CLINIC_RETURN_IF_ERROR(deadline_store::UpdateDeadline(c, *stored));
    *resp = Present(*stored);
    return absl::OkStatus();
  }));
  Publish(kind, *resp);
  return absl::OkStatus();
}

grpc::Status DeadlineServiceImpl::CompleteDeadline(
    grpc::ServerContext* ctx, const v1::CompleteDeadlineRequest* req,
    v1::Deadline* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    const absl::Time now = context_.clock()->Now();
    CLINIC_RETURN_IF_ERROR(ValidateText(
        "filed_description", req->filed_description(), 1, 500, true));
    if (!req->has_filed_date()) {
      return absl::InvalidArgumentError("filed_date is required");
    }
    CLINIC_RETURN_IF_ERROR(
        ValidateDate("filed_date", req->filed_date(), 1990, 2100));
    if (ToCivilDay(req->filed_date()) > Today(now)) {
      return absl::InvalidArgumentError("filed_date must not be in the future");
    }
    return ChangeDeadline(
        ctx, caller, req->name(), req->etag(),
        v1::DeadlineChange::KIND_COMPLETED,
        [&](v1::Deadline& d) -> absl::Status {
          CLINIC_RETURN_IF_ERROR(RequireOpen(d, "completed"));
          d.set_status(v1::DEADLINE_STATUS_COMPLETED);
          v1::DeadlineAction action =
              Action(v1::DeadlineAction::KIND_COMPLETED, now, caller);
          action.set_filed_description(req->filed_description());
          *action.mutable_filed_date() = req->filed_date();
          *d.add_history() = action;
          return absl::OkStatus();
        },
        resp);
  });
}

grpc::Status DeadlineServiceImpl::WaiveDeadline(
    grpc::ServerContext* ctx, const v1::WaiveDeadlineRequest* req,
    v1::Deadline* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    const absl::Time now = context_.clock()->Now();
    CLINIC_RETURN_IF_ERROR(
        ValidateText("reason", req->reason(), 5, 1000, true));
    return ChangeDeadline(
        ctx, caller, req->name(), req->etag(),
        v1::DeadlineChange::KIND_WITHDRAWN,
        [&](v1::Deadline& d) -> absl::Status {
          CLINIC_RETURN_IF_ERROR(RequireOpen(d, "waived"));
          d.set_status(v1::DEADLINE_STATUS_WAIVED);
          v1::DeadlineAction action =
              Action(v1::DeadlineAction::KIND_WAIVED, now, caller);
          action.set_reason(req->reason());
          *d.add_history() = action;
          return absl::OkStatus();
        },
        resp);
  });
}

grpc::Status DeadlineServiceImpl::ExtendDeadline(
    grpc::ServerContext* ctx, const v1::ExtendDeadlineRequest* req,
    v1::Deadline* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    const absl::Time now = context_.clock()->Now();
    CLINIC_RETURN_IF_ERROR(ValidateDateChange(req->has_new_date(),
                                              req->new_date(), req->reason()));
    CLINIC_RETURN_IF_ERROR(
        ValidateText("order_reference", req->order_reference(), 0, 200));
    return ChangeDeadline(
        ctx, caller, req->name(), req->etag(), v1::DeadlineChange::KIND_MOVED,
        [&](v1::Deadline& d) -> absl::Status {
          CLINIC_RETURN_IF_ERROR(RequireOpen(d, "extended"));
          if (ToCivilDay(req->new_date()) <= ToCivilDay(d.due_date())) {
            return absl::InvalidArgumentError(
                absl::StrCat("new_date must be after the current due date ",
                             FormatDate(d.due_date()),
                             "; to set an earlier date, override "
                             "the deadline"));
          }
          v1::DeadlineAction action =
              Action(v1::DeadlineAction::KIND_EXTENDED, now, caller);
          *action.mutable_old_date() = d.due_date();
          *action.mutable_new_date() = req->new_date();
          action.set_reason(req->reason());
          action.set_order_reference(req->order_reference());
          *d.add_history() = action;
          *d.mutable_due_date() = req->new_date();
          d.set_date_overridden(true);
          return absl::OkStatus();
        },
        resp);
  });
}

grpc::Status DeadlineServiceImpl::OverrideDeadline(
    grpc::ServerContext* ctx, const v1::OverrideDeadlineRequest* req,
    v1::Deadline* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    const absl::Time now = context_.clock()->Now();
    CLINIC_RETURN_IF_ERROR(ValidateDateChange(req->has_new_date(),
                                              req->new_date(), req->reason()));
    return ChangeDeadline(
        ctx, caller, req->name(), req->etag(), v1::DeadlineChange::KIND_MOVED,
        [&](v1::Deadline& d) -> absl::Status {
          CLINIC_RETURN_IF_ERROR(RequireOpen(d, "overridden"));
          v1::DeadlineAction action =
              Action(v1::DeadlineAction::KIND_OVERRIDDEN, now, caller);
          *action.mutable_old_date() = d.due_date();
          *action.mutable_new_date() = req->new_date();
          action.set_reason(req->reason());
          *d.add_history() = action;
          *d.mutable_due_date() = req->new_date();
          d.set_date_overridden(true);
          return absl::OkStatus();
        },
        resp);
  });
}

namespace {

class HostedDeadlineService : public HostedService {
 public:
  explicit HostedDeadlineService(std::unique_ptr<DeadlineServiceImpl> impl)
      : impl_(std::move(impl)) {}
  grpc::Service* grpc_service() override { return impl_.get(); }
  void BeginShutdown() override { impl_->EndWatches(); }

 private:
  std::unique_ptr<DeadlineServiceImpl> impl_;
};

}  // namespace

ServiceDefinition DeadlineServiceDefinition() {
  ServiceDefinition def;
  def.name = "deadline";
  def.full_name = "clinic.v1.DeadlineService";
  def.create = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    CLINIC_ASSIGN_OR_RETURN(auto impl, DeadlineServiceImpl::Create(context));
    return std::make_unique<HostedDeadlineService>(std::move(impl));
  };
  return def;
}

}  // namespace clinic
