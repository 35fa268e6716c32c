// HearingService: the methods that change hearings. Each runs under write_mu_
// from loading the hearing to committing it, so the etag check, the conflict
// check, the deadline event and the commit see one consistent state.
#include <algorithm>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "base/status_macros.h"
#include "services/common/case_access.h"
#include "services/common/validation.h"
#include "services/hearing/hearing_internal.h"
#include "services/hearing/hearing_service.h"
#include "services/hearing/hearing_store.h"
#include "services/hearing/hearing_validation.h"

namespace clinic {

using hearing_internal::CheckEtag;
using hearing_internal::ConflictRefusal;
using hearing_internal::DeadlineFailure;
using hearing_internal::DefaultCalendarFor;
using hearing_internal::DescribeTime;
using hearing_internal::LocalStart;
using hearing_internal::NotFound;
using hearing_internal::ParseHearingName;
using hearing_internal::ZoneOf;
using storage::Connection;

namespace {

// The rule of the shipped rule file that gives the last day to apply for a
// change of the date or time of a hearing (RPD Rules r.54). The rule file has
// no RAD or ID counterpart, so it serves every division.
constexpr char kChangeDateRuleId[] = "rpd.hearing.change_date";

// A grant keeps the date the IRB fixed even when it conflicts: the conflict is
// recorded for the lawyer to resolve elsewhere.
constexpr char kIrbFixedDateReason[] =
    "date fixed by the IRB when granting the postponement";

absl::Status ValidateOptionalReason(absl::string_view field,
                                    const std::string& reason) {
  if (reason.empty()) return absl::OkStatus();
  return ValidateText(field, reason, 10, 1000, true);
}

void AddAccepted(const Caller& caller, absl::Time now,
                 const std::vector<v1::HearingConflict>& conflicts,
                 const std::string& reason, v1::Hearing* h) {
  v1::AcceptedConflict* accepted = h->add_accepted_conflicts();
  std::set<std::string> names;
  for (const v1::HearingConflict& c : conflicts) {
    names.insert(c.hearing().empty() ? "(a hearing on another case)"
                                     : c.hearing());
  }
  for (const std::string& n : names) accepted->add_hearings(n);
  accepted->set_reason(reason);
  accepted->set_accepted_by(caller.user_resource());
  *accepted->mutable_time() = ToProtoTime(now);
}

std::string CalendarOfRegion(v1::IrbRegion region, absl::string_view zone) {
  switch (region) {
    case v1::IRB_REGION_EASTERN:
      return "IRB-EASTERN";
    case v1::IRB_REGION_CENTRAL:
      return "IRB-CENTRAL";
    case v1::IRB_REGION_WESTERN:
      return "IRB-WESTERN";
    default:
      return DefaultCalendarFor(zone);
  }
}

bool SameConflict(const v1::HearingConflict& a, const v1::HearingConflict& b) {
  return a.who() == b.who() && a.party() == b.party() &&
         a.hearing() == b.hearing() &&
         a.start_time().seconds() == b.start_time().seconds();
}

}  // namespace

absl::Status HearingServiceImpl::DoSchedule(
    Call& call, const v1::ScheduleHearingRequest& req,
    v1::ScheduleHearingResponse* resp) {
  const absl::Time now = clock_->Now();
  CLINIC_RETURN_IF_ERROR(ValidateCaseName(req.case_(), "case"));
  CLINIC_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CLINIC_RETURN_IF_ERROR(ValidateOptionalReason("accept_conflicts_reason",
                                                req.accept_conflicts_reason()));
  if (!req.has_hearing()) {
    return absl::InvalidArgumentError("hearing is required");
  }
  CLINIC_RETURN_IF_ERROR(
      hearing::ValidateNewHearing(req.hearing(), "hearing", now));
  CLINIC_ASSIGN_OR_RETURN(v1::CaseSummary summary, CaseFor(call, req.case_()));
  AuditResource(call.ctx, req.case_());
  if (summary.status() == v1::CASE_STATUS_CLOSED) {
    return absl::FailedPreconditionError(
        absl::StrCat(req.case_(), " is closed; reopen it to schedule"));
  }

  v1::Hearing h = req.hearing();
  for (auto clear :
       {&v1::Hearing::clear_name, &v1::Hearing::clear_case_,
        &v1::Hearing::clear_status, &v1::Hearing::clear_sequence,
        &v1::Hearing::clear_postponements,
        &v1::Hearing::clear_accepted_conflicts, &v1::Hearing::clear_create_time,
        &v1::Hearing::clear_update_time, &v1::Hearing::clear_etag}) {
    (h.*clear)();
  }
  CLINIC_RETURN_IF_ERROR(CheckPeople(summary, &h, "hearing"));

  absl::MutexLock lock(&write_mu_);
  if (!req.request_id().empty() && !req.validate_only()) {
    std::optional<v1::Hearing> earlier;
    CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(
          earlier, hearing_store::FindByRequestId(c, req.request_id()));
      return absl::OkStatus();
    }));
    if (earlier) {
      if (earlier->case_() != req.case_()) {
        return absl::AlreadyExistsError(
            "request_id was already used for another request");
      }
      AuditResource(call.ctx, earlier->name());
      *resp->mutable_hearing() = *std::move(earlier);
      return absl::OkStatus();
    }
  }
  h.set_case_(req.case_());
  h.set_name(absl::StrCat(req.case_(), "/hearings/", TimeOrderedId()));
  h.set_status(v1::HEARING_STATUS_SCHEDULED);
  h.set_sequence(0);
  *h.mutable_create_time() = ToProtoTime(now);
  *h.mutable_update_time() = ToProtoTime(now);

  CLINIC_ASSIGN_OR_RETURN(std::vector<v1::HearingConflict> conflicts,
                          Conflicts(call, h));
  for (const auto& c : conflicts) *resp->add_conflicts() = c;
  if (req.validate_only()) return absl::OkStatus();
  if (!conflicts.empty()) {
    if (req.accept_conflicts_reason().empty()) {
      return ConflictRefusal(conflicts, ZoneOf(h));
    }
    AddAccepted(call.caller, now, conflicts, req.accept_conflicts_reason(), &h);
    AuditReason(call.ctx, req.accept_conflicts_reason());
  }
  CLINIC_RETURN_IF_ERROR(
      RecordHearingEvent(call, h, v1::EVENT_TYPE_HEARING_SCHEDULED));
  absl::Status stored = db_->Write([&](Connection& c) {
    return hearing_store::Insert(c, &h, req.request_id(),
                                 call.caller.user_resource(), "scheduled");
  });
  if (!stored.ok()) {
    Compensate(call, nullptr, h, v1::EVENT_TYPE_HEARING_SCHEDULED);
    return stored;
  }
  AuditResource(call.ctx, h.name());
  *resp->mutable_hearing() = std::move(h);
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::Move(
    Call& call, Loaded loaded, int64_t version, absl::Time new_start,
    absl::Duration new_duration, const std::string& accept_reason,
    bool validate_only, const std::string& action,
    std::function<void(v1::Hearing*)> also, v1::ScheduleHearingResponse* resp) {
  const absl::Time now = clock_->Now();
  const v1::Hearing& before = loaded.hearing;
  v1::Hearing after = before;
  *after.mutable_start_time() = ToProtoTime(new_start);
  *after.mutable_duration() = ToProtoDuration(new_duration);
  after.set_sequence(before.sequence() + 1);
  *after.mutable_update_time() = ToProtoTime(now);
  if (also) also(&after);

  CLINIC_ASSIGN_OR_RETURN(std::vector<v1::HearingConflict> conflicts,
                          Conflicts(call, after));
  for (const auto& c : conflicts) *resp->add_conflicts() = c;
  if (validate_only) return absl::OkStatus();
  if (!conflicts.empty()) {
    if (accept_reason.empty()) return ConflictRefusal(conflicts, ZoneOf(after));
    AddAccepted(call.caller, now, conflicts, accept_reason, &after);
  }
  CLINIC_RETURN_IF_ERROR(Commit(call, before, &after, version,
                                v1::EVENT_TYPE_HEARING_RESCHEDULED, action));
  *resp->mutable_hearing() = std::move(after);
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::DoReschedule(
    Call& call, const v1::RescheduleHearingRequest& req,
    v1::ScheduleHearingResponse* resp) {
  const absl::Time now = clock_->Now();
  CLINIC_RETURN_IF_ERROR(ParseHearingName("name", req.name()).status());
  if (req.etag().empty()) return absl::InvalidArgumentError("etag is required");
  if (!req.has_start_time()) {
    return absl::InvalidArgumentError("start_time is required");
  }
  CLINIC_RETURN_IF_ERROR(
      hearing::ValidateStart("start_time", req.start_time(), now));
  if (req.has_duration()) {
    CLINIC_RETURN_IF_ERROR(
        hearing::ValidateDuration("duration", req.duration()));
  }
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 5, 1000, true));
  CLINIC_RETURN_IF_ERROR(ValidateOptionalReason("accept_conflicts_reason",
                                                req.accept_conflicts_reason()));

  absl::MutexLock lock(&write_mu_);
  CLINIC_ASSIGN_OR_RETURN(Loaded loaded, Load(call, req.name(), "name"));
  CLINIC_ASSIGN_OR_RETURN(int64_t version,
                          CheckEtag("etag", req.etag(), loaded.hearing));
  if (loaded.hearing.status() != v1::HEARING_STATUS_SCHEDULED) {
    return absl::FailedPreconditionError(
        absl::StrCat(req.name(), " is not scheduled (",
                     v1::HearingStatus_Name(loaded.hearing.status()),
                     "); only a scheduled hearing can be rescheduled"));
  }
  const absl::Time start = FromProtoTime(req.start_time());
  const absl::Duration duration =
      req.has_duration() ? FromProtoDuration(req.duration())
                         : FromProtoDuration(loaded.hearing.duration());
  if (start == FromProtoTime(loaded.hearing.start_time()) &&
      duration == FromProtoDuration(loaded.hearing.duration())) {
    return absl::InvalidArgumentError(
        "start_time and duration are the hearing's current ones");
  }
  if (!req.validate_only()) AuditReason(call.ctx, req.reason());
  return Move(call, std::move(loaded), version, start, duration,
              req.accept_conflicts_reason(), req.validate_only(), "rescheduled",
              nullptr, resp);
}

absl::Status HearingServiceImpl::DoCancel(Call& call,
                                          const v1::CancelHearingRequest& req,
                                          v1::Hearing* resp) {
  CLINIC_RETURN_IF_ERROR(ParseHearingName("name", req.name()).status());
  if (req.etag().empty()) return absl::InvalidArgumentError("etag is required");
  CLINIC_RETURN_IF_ERROR(ValidateText("reason", req.reason(), 5, 1000, true));

  absl::MutexLock lock(&write_mu_);
  CLINIC_ASSIGN_OR_RETURN(Loaded loaded, Load(call, req.name(), "name"));
  CLINIC_ASSIGN_OR_RETURN(int64_t version,
                          CheckEtag("etag", req.etag(), loaded.hearing));
  const v1::Hearing& before = loaded.hearing;
  if (before.status() != v1::HEARING_STATUS_SCHEDULED &&
      before.status() != v1::HEARING_STATUS_POSTPONED) {
    return absl::FailedPreconditionError(
        absl::StrCat(req.name(), " cannot be cancelled: it is ",
                     v1::HearingStatus_Name(before.status())));
  }
  v1::Hearing after = before;
  after.set_status(v1::HEARING_STATUS_CANCELLED);
  after.set_sequence(before.sequence() + 1);
  *after.mutable_update_time() = ToProtoTime(clock_->Now());
  for (v1::Postponement& p : *after.mutable_postponements()) {
    if (p.outcome() == v1::Postponement::OUTCOME_PENDING) {
      p.set_outcome(v1::Postponement::OUTCOME_WITHDRAWN);
      *p.mutable_outcome_date() =
          ToDate(absl::ToCivilDay(clock_->Now(), ZoneOf(after)));
    }
  }
  AuditReason(call.ctx, req.reason());
  CLINIC_RETURN_IF_ERROR(Commit(call, before, &after, version,
                                v1::EVENT_TYPE_HEARING_CANCELLED, "cancelled"));
  *resp = std::move(after);
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::DoUpdate(Call& call,
                                          const v1::UpdateHearingRequest& req,
                                          v1::Hearing* resp) {
  const absl::Time now = clock_->Now();
  const v1::Hearing& patch = req.hearing();
  CLINIC_RETURN_IF_ERROR(
      ParseHearingName("hearing.name", patch.name()).status());
  if (patch.etag().empty()) {
    return absl::InvalidArgumentError("hearing.etag is required");
  }
  if (req.update_mask().empty()) {
    return absl::InvalidArgumentError("update_mask is required");
  }
  static const auto* const kAllowed =
      new std::set<std::string>{"irb_member",
                                "video_link",
                                "location",
                                "interpreter",
                                "interpreter_language",
                                "interpreter_dialect",
                                "status",
                                "attendees",
                                "notice_to_appear_received",
                                "counsel",
                                "mode"};
  std::set<std::string> mask;
  for (int i = 0; i < req.update_mask_size(); ++i) {
    const std::string& path = req.update_mask(i);
    if (!kAllowed->count(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask[", i,
                       "] must be one of: ", absl::StrJoin(*kAllowed, ", ")));
    }
    if (!mask.insert(path).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask[", i, "] is listed twice"));
    }
  }
  for (const std::string& path : mask) {
    // Interpreter fields depend on each other: check them on the result.
    if (path == "interpreter" || path == "interpreter_dialect") continue;
    CLINIC_RETURN_IF_ERROR(
        hearing::ValidateHearingField(patch, path, "hearing", now));
  }
  CLINIC_RETURN_IF_ERROR(ValidateOptionalReason("accept_conflicts_reason",
                                                req.accept_conflicts_reason()));

  absl::MutexLock lock(&write_mu_);
  CLINIC_ASSIGN_OR_RETURN(Loaded loaded,
                          Load(call, patch.name(), "hearing.name"));
  CLINIC_ASSIGN_OR_RETURN(
      int64_t version, CheckEtag("hearing.etag", patch.etag(), loaded.hearing));
  const v1::Hearing& before = loaded.hearing;
  if (before.status() == v1::HEARING_STATUS_CANCELLED) {
    return absl::FailedPreconditionError(
        absl::StrCat(patch.name(), " is cancelled and cannot be changed"));
  }
  v1::Hearing after = before;
  for (const std::string& path : mask) {
    if (path == "irb_member") after.set_irb_member(patch.irb_member());
    if (path == "video_link") after.set_video_link(patch.video_link());
    if (path == "location") after.set_location(patch.location());
    if (path == "interpreter") after.set_interpreter(patch.interpreter());
    if (path == "interpreter_language") {
      after.set_interpreter_language(patch.interpreter_language());
    }
    if (path == "interpreter_dialect") {
      after.set_interpreter_dialect(patch.interpreter_dialect());
    }
    if (path == "attendees") *after.mutable_attendees() = patch.attendees();
    if (path == "notice_to_appear_received") {
      if (patch.has_notice_to_appear_received()) {
        *after.mutable_notice_to_appear_received() =
            patch.notice_to_appear_received();
      } else {
        after.clear_notice_to_appear_received();
      }
    }
    if (path == "counsel") after.set_counsel(patch.counsel());
    if (path == "mode") after.set_mode(patch.mode());
    if (path == "status") after.set_status(patch.status());
  }
  for (absl::string_view field :
       {"interpreter_language", "interpreter_dialect", "interpreter"}) {
    CLINIC_RETURN_IF_ERROR(
        hearing::ValidateHearingField(after, field, "hearing", now));
  }
  CLINIC_RETURN_IF_ERROR(hearing::ValidateModeAndLocation(after, "hearing"));
  if (mask.count("counsel") || mask.count("attendees")) {
    CLINIC_RETURN_IF_ERROR(CheckPeople(loaded.summary, &after, "hearing"));
  }
  v1::EventType event = v1::EVENT_TYPE_UNSPECIFIED;
  if (mask.count("status") && after.status() != before.status()) {
    const bool started = FromProtoTime(before.start_time()) <= now;
    const bool from_ok =
        before.status() == v1::HEARING_STATUS_SCHEDULED ||
        (after.status() == v1::HEARING_STATUS_DECISION_RESERVED &&
         before.status() == v1::HEARING_STATUS_HELD);
    if (!started || !from_ok) {
      return absl::FailedPreconditionError(
          absl::StrCat(patch.name(), " cannot become ",
                       v1::HearingStatus_Name(after.status()), " from ",
                       v1::HearingStatus_Name(before.status()),
                       started ? "" : " before it has started"));
    }
    if (after.status() == v1::HEARING_STATUS_HELD ||
        before.status() == v1::HEARING_STATUS_SCHEDULED) {
      event = v1::EVENT_TYPE_HEARING_HELD;
    }
  }
  const bool people_or_place =
      mask.count("counsel") || mask.count("interpreter") ||
      mask.count("attendees") || mask.count("mode") || mask.count("location");
  if (people_or_place && hearing_store::Occupies(after.status())) {
    CLINIC_ASSIGN_OR_RETURN(std::vector<v1::HearingConflict> old_conflicts,
                            Conflicts(call, before));
    CLINIC_ASSIGN_OR_RETURN(std::vector<v1::HearingConflict> conflicts,
                            Conflicts(call, after));
    std::vector<v1::HearingConflict> fresh;
    for (const auto& c : conflicts) {
      bool known = std::any_of(
          old_conflicts.begin(), old_conflicts.end(),
          [&](const v1::HearingConflict& o) { return SameConflict(c, o); });
      if (!known) fresh.push_back(c);
    }
    if (!fresh.empty()) {
      if (req.accept_conflicts_reason().empty()) {
        return ConflictRefusal(fresh, ZoneOf(after));
      }
      AddAccepted(call.caller, now, fresh, req.accept_conflicts_reason(),
                  &after);
      AuditReason(call.ctx, req.accept_conflicts_reason());
    }
  }
  after.set_sequence(before.sequence() + 1);
  *after.mutable_update_time() = ToProtoTime(now);
  CLINIC_RETURN_IF_ERROR(
      Commit(call, before, &after, version, event,
             absl::StrCat("updated ", absl::StrJoin(mask, ","))));
  *resp = std::move(after);
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::DoRequestPostponement(
    Call& call, const v1::RequestPostponementRequest& req, v1::Hearing* resp) {
  const absl::Time now = clock_->Now();
  CLINIC_RETURN_IF_ERROR(ParseHearingName("name", req.name()).status());
  if (req.etag().empty()) return absl::InvalidArgumentError("etag is required");
  if (!req.has_postponement()) {
    return absl::InvalidArgumentError("postponement is required");
  }
  CLINIC_RETURN_IF_ERROR(hearing::ValidatePostponementRequest(
      req.postponement(), "postponement", clinic::Today(now)));

  absl::MutexLock lock(&write_mu_);
  CLINIC_ASSIGN_OR_RETURN(Loaded loaded, Load(call, req.name(), "name"));
  CLINIC_ASSIGN_OR_RETURN(int64_t version,
                          CheckEtag("etag", req.etag(), loaded.hearing));
  const v1::Hearing& before = loaded.hearing;
  if (before.status() != v1::HEARING_STATUS_SCHEDULED ||
      FromProtoTime(before.start_time()) <= now) {
    return absl::FailedPreconditionError(absl::StrCat(
        req.name(),
        " is not an upcoming scheduled hearing; only those can be postponed"));
  }
  for (const v1::Postponement& p : before.postponements()) {
    if (p.outcome() == v1::Postponement::OUTCOME_PENDING) {
      return absl::FailedPreconditionError(absl::StrCat(
          req.name(),
          " already has a pending postponement request; resolve it first"));
    }
  }
  const absl::CivilDay hearing_day(LocalStart(before));

  // RPD r.54: proposed dates no later than 10 working days after the date
  // originally fixed.
  if (before.division() == v1::IRB_DIVISION_RPD &&
      req.postponement().proposed_dates_size() > 0) {
    const std::string calendar =
        CalendarOfRegion(loaded.summary.irb_region(), before.time_zone());
    absl::flat_hash_set<absl::CivilDay> holidays;
    for (int64_t year = hearing_day.year(); year <= hearing_day.year() + 1;
         ++year) {
      v1::ListHolidaysRequest hr;
      hr.set_calendar(calendar);
      hr.set_year(static_cast<int32_t>(year));
      absl::StatusOr<v1::ListHolidaysResponse> listed =
          deadlines_->ListHolidays(call.who, hr);
      if (!listed.ok()) {
        return DeadlineFailure(listed.status(),
                               "list holidays to check the proposed dates");
      }
      for (const v1::Holiday& h : listed->holidays()) {
        holidays.insert(ToCivilDay(h.date()));
      }
    }
    absl::CivilDay limit = hearing_day;
    for (int counted = 0; counted < 10;) {
      ++limit;
      absl::Weekday wd = absl::GetWeekday(limit);
      if (wd != absl::Weekday::saturday && wd != absl::Weekday::sunday &&
          !holidays.contains(limit)) {
        ++counted;
      }
    }
    for (int i = 0; i < req.postponement().proposed_dates_size(); ++i) {
      if (ToCivilDay(req.postponement().proposed_dates(i)) > limit) {
        return absl::InvalidArgumentError(absl::StrCat(
            "postponement.proposed_dates[", i,
            "] must be no later than 10 working days after the hearing date "
            "(RPD Rules r.54), i.e. on or before ",
            absl::FormatCivilTime(limit)));
      }
    }
  }

  v1::ComputeDateRequest compute;
  compute.set_rule_id(kChangeDateRuleId);
  *compute.mutable_trigger_date() = ToDate(hearing_day);
  compute.set_province(loaded.summary.province());
  compute.set_irb_region(loaded.summary.irb_region());
  absl::StatusOr<v1::ComputeDateResponse> computed =
      deadlines_->ComputeDate(call.who, compute);
  if (!computed.ok()) {
    return DeadlineFailure(computed.status(),
                           "compute the date to apply for a postponement by");
  }

  v1::Hearing after = before;
  v1::Postponement* p = after.add_postponements();
  *p = req.postponement();
  *p->mutable_apply_by() = computed->due_date();
  p->set_outcome(v1::Postponement::OUTCOME_PENDING);
  p->clear_outcome_date();
  p->clear_outcome_note();
  p->set_recorded_by(call.caller.user_resource());
  *p->mutable_record_time() = ToProtoTime(now);
  after.set_sequence(before.sequence() + 1);
  *after.mutable_update_time() = ToProtoTime(now);
  CLINIC_RETURN_IF_ERROR(Commit(call, before, &after, version,
                                v1::EVENT_TYPE_UNSPECIFIED,
                                "postponement requested"));
  *resp = std::move(after);
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::DoResolvePostponement(
    Call& call, const v1::ResolvePostponementRequest& req, v1::Hearing* resp) {
  const absl::Time now = clock_->Now();
  CLINIC_RETURN_IF_ERROR(ParseHearingName("name", req.name()).status());
  if (req.etag().empty()) return absl::InvalidArgumentError("etag is required");
  if (req.outcome() != v1::Postponement::OUTCOME_GRANTED &&
      req.outcome() != v1::Postponement::OUTCOME_REFUSED &&
      req.outcome() != v1::Postponement::OUTCOME_WITHDRAWN) {
    return absl::InvalidArgumentError(
        "outcome must be GRANTED, REFUSED or WITHDRAWN");
  }
  if (req.has_outcome_date()) {
    CLINIC_RETURN_IF_ERROR(
        ValidateDate("outcome_date", req.outcome_date(), 2000, 2100));
    if (ToCivilDay(req.outcome_date()) > clinic::Today(now) + 1) {
      return absl::InvalidArgumentError("outcome_date is in the future");
    }
  }
  CLINIC_RETURN_IF_ERROR(
      ValidateText("outcome_note", req.outcome_note(), 0, 2000, true));
  if (req.outcome() == v1::Postponement::OUTCOME_GRANTED) {
    if (!req.has_new_start_time()) {
      return absl::InvalidArgumentError(
          "new_start_time is required when the postponement is granted");
    }
    CLINIC_RETURN_IF_ERROR(
        hearing::ValidateStart("new_start_time", req.new_start_time(), now));
  } else if (req.has_new_start_time()) {
    return absl::InvalidArgumentError(
        "new_start_time is only for a granted postponement");
  }

  absl::MutexLock lock(&write_mu_);
  CLINIC_ASSIGN_OR_RETURN(Loaded loaded, Load(call, req.name(), "name"));
  CLINIC_ASSIGN_OR_RETURN(int64_t version,
                          CheckEtag("etag", req.etag(), loaded.hearing));
  int pending = -1;
  for (int i = 0; i < loaded.hearing.postponements_size(); ++i) {
    if (loaded.hearing.postponements(i).outcome() ==
        v1::Postponement::OUTCOME_PENDING) {
      pending = i;
    }
  }
  if (pending < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(req.name(), " has no pending postponement request"));
  }
  auto resolve = [&](v1::Hearing* h) {
    v1::Postponement* p = h->mutable_postponements(pending);
    p->set_outcome(req.outcome());
    *p->mutable_outcome_date() =
        req.has_outcome_date() ? req.outcome_date()
                               : ToDate(absl::ToCivilDay(now, ZoneOf(*h)));
    p->set_outcome_note(req.outcome_note());
  };
  if (req.outcome() == v1::Postponement::OUTCOME_GRANTED) {
    v1::ScheduleHearingResponse moved;
    const absl::Duration duration =
        FromProtoDuration(loaded.hearing.duration());
    CLINIC_RETURN_IF_ERROR(Move(call, std::move(loaded), version,
                                FromProtoTime(req.new_start_time()), duration,
                                kIrbFixedDateReason, false,
                                "postponement granted", resolve, &moved));
    *resp = std::move(*moved.mutable_hearing());
    return absl::OkStatus();
  }
  const v1::Hearing& before = loaded.hearing;
  v1::Hearing after = before;
  resolve(&after);
  after.set_sequence(before.sequence() + 1);
  *after.mutable_update_time() = ToProtoTime(now);
  CLINIC_RETURN_IF_ERROR(Commit(call, before, &after, version,
                                v1::EVENT_TYPE_UNSPECIFIED,
                                "postponement resolved"));
  *resp = std::move(after);
  return absl::OkStatus();
}

}  // namespace clinic
