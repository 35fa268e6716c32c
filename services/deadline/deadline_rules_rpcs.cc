// The rule file and its calendars: listing, what-if computations, holidays,
// and installing a clinic's own file (which recomputes open deadlines).
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/common/erasure.h"
#include "services/common/validation.h"
#include "services/deadline/deadline_resources.h"
#include "services/deadline/deadline_service.h"
#include "services/deadline/engine/case_facts.h"
#include "services/deadline/engine/rule_set.h"

namespace clinic {
namespace {

using deadline::DeadlineEngine;
using deadline_store::StoredDeadline;
using storage::Connection;

bool RuleCovers(const v1::DeadlineRule& rule, v1::CaseType type) {
  for (int t : rule.case_types()) {
    if (t == type) return true;
  }
  return false;
}

}  // namespace

grpc::Status DeadlineServiceImpl::ListRules(grpc::ServerContext* ctx,
                                            const v1::ListRulesRequest* req,
                                            v1::ListRulesResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(ValidateEnum("case_type", req->case_type(),
                                        v1::CaseType_IsValid, false));
    if (req->has_in_force_on()) {
      CLINIC_RETURN_IF_ERROR(
          ValidateDate("in_force_on", req->in_force_on(), 1990, 2100));
    }
    const auto rules = engine();
    resp->set_rules_version(rules->rules().version());
    for (const v1::DeadlineRule& rule : rules->rules().proto().rules()) {
      if (req->case_type() != v1::CASE_TYPE_UNSPECIFIED &&
          !RuleCovers(rule, req->case_type())) {
        continue;
      }
      if (req->has_in_force_on() &&
          !deadline::WhyNotInForce(rule, ToCivilDay(req->in_force_on()))
               .empty()) {
        continue;
      }
      *resp->add_rules() = rule;
    }
    return absl::OkStatus();
  });
}

grpc::Status DeadlineServiceImpl::ComputeDate(grpc::ServerContext* ctx,
                                              const v1::ComputeDateRequest* req,
                                              v1::ComputeDateResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(ValidateText("rule_id", req->rule_id(), 1, 100));
    if (!req->has_trigger_date()) {
      return absl::InvalidArgumentError("trigger_date is required");
    }
    CLINIC_RETURN_IF_ERROR(
        ValidateDate("trigger_date", req->trigger_date(), 1990, 2100));
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("province", req->province(), v1::Province_IsValid, false));
    CLINIC_RETURN_IF_ERROR(ValidateEnum("irb_region", req->irb_region(),
                                        v1::IrbRegion_IsValid, false));
    deadline::CaseFacts facts;
    facts.province = req->province();
    facts.irb_region = req->irb_region();
    CLINIC_ASSIGN_OR_RETURN(
        deadline::ComputedDeadline computed,
        engine()->ComputeDate(req->rule_id(), ToCivilDay(req->trigger_date()),
                              facts,
                              req->has_receipt() ? &req->receipt() : nullptr));
    *resp->mutable_due_date() = ToDate(computed.due_date);
    if (computed.due_time) *resp->mutable_due_time() = *computed.due_time;
    *resp->mutable_explanation() = computed.explanation;
    return absl::OkStatus();
  });
}

grpc::Status DeadlineServiceImpl::ListHolidays(
    grpc::ServerContext* ctx, const v1::ListHolidaysRequest* req,
    v1::ListHolidaysResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(ValidateText("calendar", req->calendar(), 1, 64));
    if (req->year() < 1990 || req->year() > 2100) {
      return absl::InvalidArgumentError("year must be 1990..2100");
    }
    const auto rules = engine();
    const deadline::HolidayCalendar* calendar =
        rules->rules().FindCalendar(req->calendar());
    if (calendar == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("calendar \"", req->calendar(),
                       "\" is not in the rule file; ListCalendars shows those "
                       "that are"));
    }
    CLINIC_ASSIGN_OR_RETURN(std::vector<deadline::Holiday> holidays,
                            calendar->HolidaysIn(req->year()));
    for (const deadline::Holiday& h : holidays) {
      v1::Holiday* out = resp->add_holidays();
      *out->mutable_date() = ToDate(h.date);
      out->set_name(h.name);
      out->set_observed(h.observed);
      out->set_citation(h.citation);
    }
    for (v1::Weekday day : calendar->non_counting_weekdays()) {
      resp->add_non_counting_weekdays(day);
    }
    return absl::OkStatus();
  });
}

grpc::Status DeadlineServiceImpl::ForgetCase(grpc::ServerContext* ctx,
                                             const v1::ForgetCaseRequest* req,
                                             v1::ForgetCaseResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    return ForgetCaseRecords(ctx, *req, *db_, deadline_store::ForgetCase, resp);
  });
}

grpc::Status DeadlineServiceImpl::ListCalendars(
    grpc::ServerContext* ctx, const v1::ListCalendarsRequest*,
    v1::ListCalendarsResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    const auto rules = engine();
    for (const deadline::HolidayCalendar* calendar :
         rules->rules().calendars()) {
      *resp->add_calendars() = calendar->definition();
    }
    return absl::OkStatus();
  });
}

absl::Status DeadlineServiceImpl::Recompute(
    Connection& c, const DeadlineEngine& engine, bool counting_only, int* moved,
    int* recomputed, std::vector<v1::Deadline>* changed) {
  const absl::Time now = context_.clock()->Now();
  CLINIC_ASSIGN_OR_RETURN(std::vector<StoredDeadline> open,
                          deadline_store::OpenDeadlines(c, ""));
  // A deadline running from another is recomputed from its parent's new date,
  // so parents go first: rounds until no deadline is left waiting.
  std::map<std::string, absl::CivilDay> new_dates;
  std::map<std::string, bool> open_ids;
  for (const StoredDeadline& d : open) open_ids[d.id] = true;
  std::vector<StoredDeadline*> pending;
  for (StoredDeadline& d : open) pending.push_back(&d);
  bool progress = true;
  while (!pending.empty() && progress) {
    progress = false;
    std::vector<StoredDeadline*> waiting;
    for (StoredDeadline* d : pending) {
      v1::Deadline& dl = d->deadline;
      absl::CivilDay from = ToCivilDay(dl.explanation().trigger_date());
      if (!d->parent_id.empty() && open_ids.count(d->parent_id)) {
        auto parent = new_dates.find(d->parent_id);
        if (parent == new_dates.end()) {
          waiting.push_back(d);
          continue;
        }
        from = parent->second;
      }
      progress = true;
      const absl::CivilDay old_date = ToCivilDay(dl.computed_due_date());
      new_dates[d->id] = old_date;
      if (dl.date_overridden()) continue;
      ++*recomputed;
      const deadline::CaseFacts facts = FactsOf(d->facts);
      absl::StatusOr<absl::CivilDay> due =
          engine.DueDate(dl.rule_id(), from, facts);
      if (!due.ok()) {
        // The rule is gone or no longer in force for this trigger: the date
        // stands and the lawyer is told to check it; a legal deadline is never
        // dropped silently.
        if (counting_only) continue;
        dl.mutable_explanation()->set_warning(absl::StrCat(
            "Rule file ", engine.rules().version(),
            " no longer gives this deadline (", due.status().message(),
            "); the date was not recomputed: check it by hand."));
      } else {
        new_dates[d->id] = *due;
        if (*due == old_date) continue;
        ++*moved;
        if (counting_only) continue;
        CLINIC_ASSIGN_OR_RETURN(deadline::ComputedDeadline computed,
                                engine.ComputeDate(dl.rule_id(), from, facts));
        const std::string trigger = dl.explanation().trigger();
        const std::string derivation = dl.explanation().trigger_derivation();
        v1::DeadlineAction action;
        action.set_kind(v1::DeadlineAction::KIND_RECOMPUTED_FOR_RULE_CHANGE);
        *action.mutable_time() = ToProtoTime(now);
        *action.mutable_old_date() = dl.computed_due_date();
        *action.mutable_new_date() = ToDate(computed.due_date);
        action.set_reason(
            absl::StrCat("rule file ", engine.rules().version(), " installed"));
        *dl.mutable_computed_due_date() = ToDate(computed.due_date);
        *dl.mutable_due_date() = ToDate(computed.due_date);
        *dl.mutable_explanation() = computed.explanation;
        dl.mutable_explanation()->set_trigger(trigger);
        if (d->parent_id.empty() && !derivation.empty()) {
          dl.mutable_explanation()->set_trigger_derivation(derivation);
        }
        *dl.add_history() = action;
      }
      *dl.mutable_update_time() = ToProtoTime(now);
      CLINIC_RETURN_IF_ERROR(deadline_store::UpdateDeadline(c, *d));
      changed->push_back(Present(*d));
    }
    pending = std::move(waiting);
  }
  return absl::OkStatus();
}

grpc::Status DeadlineServiceImpl::ReplaceRules(
    grpc::ServerContext* ctx, const v1::ReplaceRulesRequest* req,
    v1::ReplaceRulesResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    if (req->rules_textproto().empty()) {
      return absl::InvalidArgumentError("rules_textproto is required");
    }
    if (req->rules_textproto().size() > deadline::RuleSet::kMaxTextBytes) {
      return absl::InvalidArgumentError(
          "rules_textproto is larger than the 1 MiB a rule file may be");
    }
    CLINIC_ASSIGN_OR_RETURN(std::shared_ptr<const deadline::RuleSet> rules,
                            deadline::RuleSet::Load(req->rules_textproto()));
    auto next = std::make_shared<const DeadlineEngine>(rules);
    resp->set_rules_version(rules->version());
    AuditResource(ctx, absl::StrCat("rules/", rules->version()));
    int moved = 0;
    int recomputed = 0;
    std::vector<v1::Deadline> changed;
    if (req->validate_only()) {
      CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) {
        return Recompute(c, *next, /*counting_only=*/true, &moved, &recomputed,
                         &changed);
      }));
    } else {
      std::shared_ptr<const DeadlineEngine> previous;
      absl::Status written = db_->Write([&](Connection& c) -> absl::Status {
        moved = recomputed = 0;
        changed.clear();
        CLINIC_RETURN_IF_ERROR(Recompute(c, *next, /*counting_only=*/false,
                                         &moved, &recomputed, &changed));
        CLINIC_RETURN_IF_ERROR(deadline_store::SaveRuleFile(
            c, req->rules_textproto(), caller.username,
            context_.clock()->Now()));
        // Swapped inside the write: no event can be recorded between the
        // commit and the swap with the old rules.
        absl::MutexLock lock(&engine_mu_);
        previous = engine_;
        engine_ = next;
        return absl::OkStatus();
      });
      if (!written.ok()) {
        if (previous) {
          absl::MutexLock lock(&engine_mu_);
          engine_ = previous;
        }
        return written;
      }
      log::Info("installed a new deadline rule file",
                {{"version", rules->version()},
                 {"deadlines_moved", absl::StrCat(moved)},
                 {"by", caller.user_resource()}});
      for (const v1::Deadline& d : changed) {
        Publish(v1::DeadlineChange::KIND_MOVED, d);
      }
    }
    resp->set_deadlines_moved(moved);
    resp->set_deadlines_recomputed(recomputed);
    return absl::OkStatus();
  });
}

}  // namespace clinic
