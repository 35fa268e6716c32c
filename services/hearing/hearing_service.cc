// HearingService: creation, shared helpers and the reading methods (get, list,
// availability, calendar). The changing methods are in hearing_mutations.cc.
#include "services/hearing/hearing_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/common/case_access.h"
#include "services/common/erasure.h"
#include "services/common/etag.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "services/hearing/hearing_internal.h"
#include "services/hearing/hearing_store.h"
#include "services/hearing/hearing_validation.h"
#include "services/hearing/ical_export.h"

namespace clinic {

using hearing::Booking;
using hearing::OnBehalfOf;
using storage::Connection;

namespace hearing_internal {

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " was not found"));
}

absl::StatusOr<std::pair<std::string, std::string>> ParseHearingName(
    absl::string_view field, absl::string_view name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "cases" || parts[2] != "hearings" ||
      !ValidateResourceName(field, absl::StrCat("cases/", parts[1]), "cases")
           .ok() ||
      !ValidateResourceName(field, absl::StrCat("hearings/", parts[3]),
                            "hearings")
           .ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be a name like \"cases/abc123/hearings/def456\""));
  }
  return std::make_pair(parts[1], parts[3]);
}

absl::StatusOr<int64_t> CheckEtag(absl::string_view field,
                                  absl::string_view given,
                                  const v1::Hearing& stored) {
  CLINIC_ASSIGN_OR_RETURN(int64_t version, ParseEtag(field, given));
  CLINIC_RETURN_IF_ERROR(
      clinic::CheckEtag(stored.name(), given, stored.etag()));
  return version;
}

absl::TimeZone ZoneOf(const v1::Hearing& h) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(h.time_zone(), &zone)) return absl::UTCTimeZone();
  return zone;
}

absl::CivilSecond LocalStart(const v1::Hearing& h) {
  return absl::ToCivilSecond(FromProtoTime(h.start_time()), ZoneOf(h));
}

std::string DescribeTime(absl::Time start, absl::Time end,
                         const absl::TimeZone& zone) {
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M", start, zone), "-",
                      absl::FormatTime("%H:%M %Z", end, zone));
}

absl::Status DeadlineFailure(const absl::Status& s, absl::string_view what) {
  switch (s.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kCancelled:
      return absl::UnavailableError(absl::StrCat(
          "the deadline service could not ", what, " (", s.message(),
          "); the hearing was not changed; try again"));
    case absl::StatusCode::kUnauthenticated:
      return s;
    default:
      return absl::FailedPreconditionError(
          absl::StrCat("the deadline service refused to ", what, " (",
                       absl::StatusCodeToString(s.code()), ": ", s.message(),
                       "); the hearing was not changed"));
  }
}

std::string DefaultCalendarFor(absl::string_view zone) {
  static const auto* const western = new std::set<std::string>{
      "America/Vancouver",    "America/Edmonton",      "America/Regina",
      "America/Winnipeg",     "America/Whitehorse",    "America/Yellowknife",
      "America/Dawson_Creek", "America/Fort_Nelson",   "America/Swift_Current",
      "America/Inuvik",       "America/Cambridge_Bay", "America/Dawson",
      "America/Rankin_Inlet", "America/Resolute"};
  static const auto* const central = new std::set<std::string>{
      "America/Toronto", "America/Nipigon", "America/Thunder_Bay",
      "America/Iqaluit", "America/Atikokan"};
  static const auto* const eastern = new std::set<std::string>{
      "America/Montreal",    "America/Halifax",   "America/Moncton",
      "America/Glace_Bay",   "America/Goose_Bay", "America/St_Johns",
      "America/Blanc-Sablon"};
  std::string z(zone);
  if (western->count(z)) return "IRB-WESTERN";
  if (central->count(z)) return "IRB-CENTRAL";
  if (eastern->count(z)) return "IRB-EASTERN";
  return "CA-IA";
}

}  // namespace hearing_internal

using hearing_internal::CheckEtag;
using hearing_internal::ConflictRefusal;
using hearing_internal::DeadlineFailure;
using hearing_internal::DefaultCalendarFor;
using hearing_internal::DescribeTime;
using hearing_internal::LocalStart;
using hearing_internal::NotFound;
using hearing_internal::ParseHearingName;
using hearing_internal::ZoneOf;

HearingServiceImpl::HearingServiceImpl(
    ServiceContext& context, std::unique_ptr<storage::Database> db,
    std::unique_ptr<hearing::DeadlineLink> deadlines, Settings settings)
    : context_(context),
      clock_(context.clock()),
      db_(std::move(db)),
      deadlines_(std::move(deadlines)),
      settings_(settings) {}

absl::StatusOr<HearingServiceImpl::Settings> HearingServiceImpl::SettingsFrom(
    const v1::HearingConfig& config) {
  Settings s;
  auto duration = [](const google::protobuf::Duration& d, absl::Duration def) {
    if (d.seconds() == 0 && d.nanos() == 0) return def;
    return FromProtoDuration(d);
  };
  s.buffers.travel_buffer = duration(config.travel_buffer(), absl::Minutes(90));
  s.buffers.minimum_gap = duration(config.minimum_gap(), absl::Minutes(15));
  if (s.buffers.travel_buffer < absl::ZeroDuration() ||
      s.buffers.travel_buffer > absl::Hours(24)) {
    return absl::InvalidArgumentError(
        "hearing.travel_buffer must be between 0 and 24 hours");
  }
  if (s.buffers.minimum_gap < absl::ZeroDuration() ||
      s.buffers.minimum_gap > absl::Hours(24)) {
    return absl::InvalidArgumentError(
        "hearing.minimum_gap must be between 0 and 24 hours");
  }
  CLINIC_ASSIGN_OR_RETURN(
      s.hours, hearing::ParseWorkingHours(config.working_day_start().empty()
                                              ? "09:00"
                                              : config.working_day_start(),
                                          config.working_day_end().empty()
                                              ? "17:00"
                                              : config.working_day_end()));
  return s;
}

absl::StatusOr<std::unique_ptr<HearingServiceImpl>> HearingServiceImpl::Create(
    ServiceContext& context, std::unique_ptr<hearing::DeadlineLink> deadlines) {
  CLINIC_ASSIGN_OR_RETURN(Settings settings,
                          SettingsFrom(context.config().hearing()));
  CLINIC_ASSIGN_OR_RETURN(
      auto db, context.OpenDatabase("hearing", hearing_store::Migrations()));
  return std::unique_ptr<HearingServiceImpl>(new HearingServiceImpl(
      context, std::move(db), std::move(deadlines), settings));
}

ServiceDefinition HearingServiceDefinition() {
  ServiceDefinition def;
  def.name = "hearing";
  def.full_name = "clinic.v1.HearingService";
  def.create = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    ServiceContext* ctx = &context;  // outlives every service
    CLINIC_ASSIGN_OR_RETURN(
        auto impl,
        HearingServiceImpl::Create(context, hearing::NewGrpcDeadlineLink([ctx] {
                                     return ctx->ChannelTo("deadline");
                                   })));
    return std::make_unique<SimpleHostedService<HearingServiceImpl>>(
        std::move(impl));
  };
  return def;
}

// ---- Shared helpers --------------------------------------------------------

absl::StatusOr<v1::CaseSummary> HearingServiceImpl::CaseFor(
    Call& call, const std::string& case_name) {
  auto it = call.cases.find(case_name);
  if (it == call.cases.end()) {
    it = call.cases
             .emplace(case_name,
                      context_.case_access().Check(call.caller, case_name))
             .first;
  }
  return it->second;
}

absl::StatusOr<HearingServiceImpl::Loaded> HearingServiceImpl::Load(
    Call& call, const std::string& name, absl::string_view field) {
  CLINIC_ASSIGN_OR_RETURN(auto ids, ParseHearingName(field, name));
  CLINIC_ASSIGN_OR_RETURN(v1::CaseSummary summary,
                          CaseFor(call, absl::StrCat("cases/", ids.first)));
  std::optional<v1::Hearing> found;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(found, hearing_store::Find(c, ids.second));
    return absl::OkStatus();
  }));
  if (!found || found->name() != name) return NotFound(name);
  AuditResource(call.ctx, name);
  return Loaded{*std::move(found), std::move(summary)};
}

absl::StatusOr<std::vector<v1::HearingConflict>> HearingServiceImpl::Conflicts(
    Call& call, const v1::Hearing& candidate) {
  const Booking booking = hearing_store::BookingOf(candidate);
  const hearing::Parties parties = hearing_store::PartiesOf(candidate);
  const absl::Duration reach = settings_.buffers.Largest();
  const absl::Time from = booking.start - hearing::kMaxDuration - reach;
  const absl::Time to = booking.end + reach;
  std::vector<hearing::Conflict> found;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    auto check = [&](hearing::PartyKind who,
                     const std::string& party) -> absl::Status {
      if (party.empty()) return absl::OkStatus();
      CLINIC_ASSIGN_OR_RETURN(
          std::vector<Booking> others,
          hearing_store::BookingsOf(c, who, party, from, to));
      hearing::CheckParty(who, party, booking, others, settings_.buffers,
                          &found);
      return absl::OkStatus();
    };
    CLINIC_RETURN_IF_ERROR(check(hearing::PartyKind::kLawyer, parties.lawyer));
    CLINIC_RETURN_IF_ERROR(
        check(hearing::PartyKind::kInterpreter, parties.interpreter));
    for (const std::string& client : parties.clients) {
      CLINIC_RETURN_IF_ERROR(check(hearing::PartyKind::kClient, client));
    }
    return absl::OkStatus();
  }));
  std::vector<v1::HearingConflict> out;
  for (const hearing::Conflict& f : found) {
    v1::HearingConflict c;
    switch (f.who) {
      case hearing::PartyKind::kLawyer:
        c.set_who(v1::HearingConflict::WHO_LAWYER);
        c.set_party(f.party);
        break;
      case hearing::PartyKind::kInterpreter:
        c.set_who(v1::HearingConflict::WHO_INTERPRETER);
        c.set_party(candidate.interpreter());
        break;
      case hearing::PartyKind::kClient:
        c.set_who(v1::HearingConflict::WHO_CLIENT);
        c.set_party(f.party);
        break;
    }
    // The audit names every hearing consulted; the caller sees the other
    // hearing's name only when they may see its case.
    AuditResource(call.ctx, f.other.name);
    auto ids = ParseHearingName("hearing", f.other.name);
    if (ids.ok() && (absl::StrCat("cases/", ids->first) == candidate.case_() ||
                     CaseFor(call, absl::StrCat("cases/", ids->first)).ok())) {
      c.set_hearing(f.other.name);
    }
    *c.mutable_start_time() = ToProtoTime(f.other.start);
    *c.mutable_end_time() = ToProtoTime(f.other.end);
    c.set_buffer_only(f.buffer_only);
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status hearing_internal::ConflictRefusal(
    const std::vector<v1::HearingConflict>& conflicts,
    const absl::TimeZone& zone) {
  std::vector<std::string> parts;
  for (const v1::HearingConflict& c : conflicts) {
    const char* who = c.who() == v1::HearingConflict::WHO_LAWYER ? "lawyer"
                      : c.who() == v1::HearingConflict::WHO_CLIENT
                          ? "client"
                          : "interpreter";
    std::string party = c.who() == v1::HearingConflict::WHO_INTERPRETER
                            ? std::string("booked")
                            : c.party();
    parts.push_back(absl::StrCat(
        who, " ", party, " is in ",
        c.hearing().empty() ? "a hearing on another case" : c.hearing(), " (",
        DescribeTime(FromProtoTime(c.start_time()), FromProtoTime(c.end_time()),
                     zone),
        c.buffer_only() ? ", too close: travel/buffer time" : "", ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the hearing conflicts with ", conflicts.size(),
      " booking(s): ", absl::StrJoin(parts, "; "),
      ". Choose another time, or give accept_conflicts_reason to keep it"));
}

absl::Status HearingServiceImpl::RecordHearingEvent(Call& call,
                                                    const v1::Hearing& h,
                                                    v1::EventType type) {
  v1::RecordEventRequest request;
  v1::CaseEvent* event = request.mutable_event();
  event->set_case_(h.case_());
  event->set_type(type);
  absl::CivilSecond local = LocalStart(h);
  *event->mutable_date() = ToDate(absl::CivilDay(local));
  event->mutable_time()->set_hours(local.hour());
  event->mutable_time()->set_minutes(local.minute());
  event->set_hearing(h.name());
  absl::StatusOr<v1::RecordEventResponse> recorded =
      deadlines_->RecordEvent(call.who, request);
  if (!recorded.ok()) {
    return DeadlineFailure(
        recorded.status(),
        absl::StrCat("record the hearing event for ", h.name()));
  }
  return absl::OkStatus();
}

void HearingServiceImpl::Compensate(Call& call, const v1::Hearing* before,
                                    const v1::Hearing& attempted,
                                    v1::EventType attempted_type) {
  absl::Status undone;
  if (attempted_type == v1::EVENT_TYPE_HEARING_SCHEDULED) {
    undone =
        RecordHearingEvent(call, attempted, v1::EVENT_TYPE_HEARING_CANCELLED);
  } else if (attempted_type == v1::EVENT_TYPE_HEARING_CANCELLED &&
             before != nullptr) {
    undone =
        RecordHearingEvent(call, *before, v1::EVENT_TYPE_HEARING_SCHEDULED);
  } else if (attempted_type == v1::EVENT_TYPE_HEARING_RESCHEDULED &&
             before != nullptr) {
    undone =
        RecordHearingEvent(call, *before, v1::EVENT_TYPE_HEARING_RESCHEDULED);
  } else {
    undone = absl::UnimplementedError("no opposite event");
  }
  if (!undone.ok()) {
    log::Error(
        "hearing change failed after its deadline event was recorded, and "
        "the event could not be undone; the case's deadlines need review",
        {{"hearing", attempted.name()},
         {"code", absl::StatusCodeToString(undone.code())}});
  }
}

absl::Status HearingServiceImpl::Commit(Call& call, const v1::Hearing& before,
                                        v1::Hearing* after, int64_t version,
                                        v1::EventType event,
                                        const std::string& action) {
  if (event != v1::EVENT_TYPE_UNSPECIFIED) {
    CLINIC_RETURN_IF_ERROR(RecordHearingEvent(call, *after, event));
  }
  absl::Status stored = db_->Write([&](Connection& c) {
    return hearing_store::Update(c, after, version, call.caller.user_resource(),
                                 action);
  });
  if (!stored.ok()) {
    if (event != v1::EVENT_TYPE_UNSPECIFIED) {
      Compensate(call, &before, *after, event);
    }
    return stored;
  }
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::CheckPeople(const v1::CaseSummary& summary,
                                             v1::Hearing* h,
                                             absl::string_view prefix) {
  bool counsel_ok = false;
  for (const v1::TeamMember& m : summary.team()) {
    if (m.user() == h->counsel() && (m.role() == v1::TEAM_ROLE_LEAD_LAWYER ||
                                     m.role() == v1::TEAM_ROLE_LAWYER)) {
      counsel_ok = true;
    }
  }
  if (!counsel_ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, ".counsel must be a lawyer on the case team"));
  }
  for (int i = 0; i < h->attendees_size(); ++i) {
    if (std::find(summary.clients().begin(), summary.clients().end(),
                  h->attendees(i)) == summary.clients().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, ".attendees[", i, "] is not a client on the case"));
    }
  }
  if (h->attendees().empty()) *h->mutable_attendees() = summary.clients();
  return absl::OkStatus();
}

// ---- Reading methods --------------------------------------------------------

#define CLINIC_HEARING_HANDLER(Method, Req, Resp, Body)                 \
  grpc::Status HearingServiceImpl::Method(grpc::ServerContext* ctx,     \
                                          const Req* req, Resp* resp) { \
    return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {  \
      Call call{ctx, caller, OnBehalfOf::From(ctx), {}};                \
      return Body(call, *req, resp);                                    \
    });                                                                 \
  }

grpc::Status HearingServiceImpl::GetHearing(grpc::ServerContext* ctx,
                                            const v1::GetHearingRequest* req,
                                            v1::Hearing* resp) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    Call call{ctx, caller, OnBehalfOf::From(ctx), {}};
    CLINIC_ASSIGN_OR_RETURN(Loaded loaded, Load(call, req->name(), "name"));
    *resp = std::move(loaded.hearing);
    return absl::OkStatus();
  });
}

CLINIC_HEARING_HANDLER(ScheduleHearing, v1::ScheduleHearingRequest,
                       v1::ScheduleHearingResponse, DoSchedule)
CLINIC_HEARING_HANDLER(ListHearings, v1::ListHearingsRequest,
                       v1::ListHearingsResponse, DoList)
CLINIC_HEARING_HANDLER(RescheduleHearing, v1::RescheduleHearingRequest,
                       v1::ScheduleHearingResponse, DoReschedule)
CLINIC_HEARING_HANDLER(CancelHearing, v1::CancelHearingRequest, v1::Hearing,
                       DoCancel)
CLINIC_HEARING_HANDLER(UpdateHearing, v1::UpdateHearingRequest, v1::Hearing,
                       DoUpdate)
CLINIC_HEARING_HANDLER(RequestPostponement, v1::RequestPostponementRequest,
                       v1::Hearing, DoRequestPostponement)
CLINIC_HEARING_HANDLER(ResolvePostponement, v1::ResolvePostponementRequest,
                       v1::Hearing, DoResolvePostponement)
CLINIC_HEARING_HANDLER(CheckAvailability, v1::CheckAvailabilityRequest,
                       v1::CheckAvailabilityResponse, DoCheckAvailability)
CLINIC_HEARING_HANDLER(ExportCalendar, v1::ExportCalendarRequest,
                       v1::ExportCalendarResponse, DoExportCalendar)

#undef CLINIC_HEARING_HANDLER

grpc::Status HearingServiceImpl::ForgetCase(grpc::ServerContext* ctx,
                                            const v1::ForgetCaseRequest* req,
                                            v1::ForgetCaseResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    absl::MutexLock lock(&write_mu_);
    return ForgetCaseRecords(ctx, *req, *db_, hearing_store::ForgetCase, resp);
  });
}

namespace {

absl::Status ValidateRange(const google::protobuf::Timestamp& after,
                           const google::protobuf::Timestamp& before,
                           bool has_after, bool has_before) {
  if (has_after && (after.nanos() < 0 || after.nanos() > 999999999)) {
    return absl::InvalidArgumentError("start_after is not a valid timestamp");
  }
  if (has_before && (before.nanos() < 0 || before.nanos() > 999999999)) {
    return absl::InvalidArgumentError("start_before is not a valid timestamp");
  }
  if (has_after && has_before &&
      FromProtoTime(after) >= FromProtoTime(before)) {
    return absl::InvalidArgumentError("start_before must be after start_after");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status HearingServiceImpl::DoList(Call& call,
                                        const v1::ListHearingsRequest& req,
                                        v1::ListHearingsResponse* resp) {
  CLINIC_ASSIGN_OR_RETURN(int page_size,
                          EffectivePageSize(req.page_size(), 100, 500));
  CLINIC_RETURN_IF_ERROR(ValidateRange(req.start_after(), req.start_before(),
                                       req.has_start_after(),
                                       req.has_start_before()));
  if (!req.case_().empty() && !req.lawyer().empty()) {
    return absl::InvalidArgumentError("give either case or lawyer, not both");
  }
  hearing_store::ListQuery query;
  std::string scope;
  if (!req.case_().empty()) {
    CLINIC_RETURN_IF_ERROR(ValidateCaseName(req.case_(), "case"));
    CLINIC_RETURN_IF_ERROR(CaseFor(call, req.case_()).status());
    AuditResource(call.ctx, req.case_());
    query.case_id = ResourceId(req.case_());
    scope = req.case_();
  } else {
    std::string lawyer =
        req.lawyer().empty() ? call.caller.user_resource() : req.lawyer();
    if (!req.lawyer().empty()) {
      CLINIC_RETURN_IF_ERROR(ValidateUserName("lawyer", req.lawyer()));
    }
    if (lawyer.empty() || lawyer != call.caller.user_resource()) {
      return absl::PermissionDeniedError(
          "a lawyer lists only their own hearings; list another lawyer's "
          "hearings case by case");
    }
    query.counsel = lawyer;
    scope = lawyer;
  }
  if (req.has_start_after())
    query.start_after = FromProtoTime(req.start_after());
  if (req.has_start_before()) {
    query.start_before = FromProtoTime(req.start_before());
  }
  query.include_cancelled = req.include_cancelled();
  query.limit = page_size;
  CLINIC_ASSIGN_OR_RETURN(std::string key, DecodePageToken(req.page_token()));
  if (!key.empty()) {
    std::vector<std::string> parts = absl::StrSplit(key, '|');
    if (parts.size() != 3 || parts[0] != scope ||
        !absl::SimpleAtoi(parts[1], &query.after_start_micros)) {
      return absl::InvalidArgumentError(
          "page_token does not belong to this query");
    }
    query.after_id = parts[2];
  }
  std::vector<v1::Hearing> rows;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(rows, hearing_store::List(c, query));
    return absl::OkStatus();
  }));
  for (v1::Hearing& h : rows) {
    // A lawyer's list keeps only hearings of cases they are still on.
    if (query.case_id.empty()) {
      absl::StatusOr<v1::CaseSummary> visible = CaseFor(call, h.case_());
      if (absl::IsNotFound(visible.status())) continue;
      CLINIC_RETURN_IF_ERROR(visible.status());
    }
    AuditResource(call.ctx, h.name());
    *resp->add_hearings() = h;
  }
  if (static_cast<int>(rows.size()) == page_size) {
    const v1::Hearing& last = rows.back();
    resp->set_next_page_token(EncodePageToken(
        absl::StrCat(scope, "|", ToMicros(FromProtoTime(last.start_time())),
                     "|", ResourceId(last.name()))));
  }
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::DoCheckAvailability(
    Call& call, const v1::CheckAvailabilityRequest& req,
    v1::CheckAvailabilityResponse* resp) {
  CLINIC_RETURN_IF_ERROR(ValidateUserName("lawyer", req.lawyer()));
  CLINIC_RETURN_IF_ERROR(
      ValidateDate("from_date", req.from_date(), 2000, 2100));
  CLINIC_RETURN_IF_ERROR(ValidateDate("to_date", req.to_date(), 2000, 2100));
  const absl::CivilDay from = ToCivilDay(req.from_date());
  const absl::CivilDay to = ToCivilDay(req.to_date());
  if (to < from) {
    return absl::InvalidArgumentError("to_date must not be before from_date");
  }
  if (to - from >= 180) {
    return absl::InvalidArgumentError(
        "to_date must be at most 180 days from from_date");
  }
  if (!req.has_duration()) {
    return absl::InvalidArgumentError("duration is required");
  }
  CLINIC_RETURN_IF_ERROR(hearing::ValidateDuration("duration", req.duration()));
  CLINIC_ASSIGN_OR_RETURN(absl::TimeZone zone,
                          hearing::LoadZone("time_zone", req.time_zone()));
  if (!req.calendar().empty()) {
    bool ok = req.calendar().size() <= 32;
    for (char ch : req.calendar()) {
      ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(ch)) ||
                  ch == '-' || ch == '_');
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          "calendar must be a calendar id such as \"IRB-EASTERN\" or \"QC\"");
    }
  }
  if (req.max_slots() < 0) {
    return absl::InvalidArgumentError("max_slots must not be negative");
  }
  if (!req.location().empty()) {
    CLINIC_RETURN_IF_ERROR(ValidateText("location", req.location(), 1, 300));
  }

  hearing::AvailabilityQuery q;
  q.from = from;
  q.to = to;
  q.zone = zone;
  q.duration = FromProtoDuration(req.duration());
  q.hours = settings_.hours;
  q.max_slots = req.max_slots() == 0 ? 20 : std::min(req.max_slots(), 500);
  q.not_before = clock_->Now();
  q.in_person = !req.location().empty();
  if (q.in_person) q.place = hearing::PlaceKey(req.location());

  const std::string calendar = req.calendar().empty()
                                   ? DefaultCalendarFor(req.time_zone())
                                   : req.calendar();
  for (int64_t year = from.year(); year <= to.year(); ++year) {
    v1::ListHolidaysRequest holidays_req;
    holidays_req.set_calendar(calendar);
    holidays_req.set_year(static_cast<int32_t>(year));
    absl::StatusOr<v1::ListHolidaysResponse> holidays =
        deadlines_->ListHolidays(call.who, holidays_req);
    if (!holidays.ok()) {
      return DeadlineFailure(
          holidays.status(),
          absl::StrCat("list the holidays of calendar ", calendar));
    }
    for (const v1::Holiday& h : holidays->holidays()) {
      q.holidays.insert(ToCivilDay(h.date()));
    }
    for (int wd : holidays->non_counting_weekdays()) {
      // v1::Weekday: 1 = Monday .. 7 = Sunday.
      static constexpr absl::Weekday kDays[] = {
          absl::Weekday::monday,    absl::Weekday::tuesday,
          absl::Weekday::wednesday, absl::Weekday::thursday,
          absl::Weekday::friday,    absl::Weekday::saturday,
          absl::Weekday::sunday};
      if (wd >= 1 && wd <= 7 &&
          std::find(q.non_working_weekdays.begin(),
                    q.non_working_weekdays.end(),
                    kDays[wd - 1]) == q.non_working_weekdays.end()) {
        q.non_working_weekdays.push_back(kDays[wd - 1]);
      }
    }
  }

  const absl::Duration reach = settings_.buffers.Largest();
  const absl::Time window_start =
      absl::FromCivil(absl::CivilSecond(from), zone) - hearing::kMaxDuration -
      reach - absl::Hours(24);
  const absl::Time window_end =
      absl::FromCivil(absl::CivilSecond(to + 1), zone) + reach;
  std::vector<Booking> busy;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(busy, hearing_store::BookingsOf(
                                      c, hearing::PartyKind::kLawyer,
                                      req.lawyer(), window_start, window_end));
    return absl::OkStatus();
  }));
  AuditResource(call.ctx, req.lawyer());
  for (const hearing::Slot& slot :
       hearing::FreeSlots(q, busy, settings_.buffers)) {
    v1::TimeSlot* out = resp->add_slots();
    *out->mutable_start_time() = ToProtoTime(slot.start);
    *out->mutable_end_time() = ToProtoTime(slot.end);
  }
  return absl::OkStatus();
}

absl::Status HearingServiceImpl::DoExportCalendar(
    Call& call, const v1::ExportCalendarRequest& req,
    v1::ExportCalendarResponse* resp) {
  if (!req.lawyer().empty()) {
    CLINIC_RETURN_IF_ERROR(ValidateUserName("lawyer", req.lawyer()));
  }
  const std::string lawyer =
      req.lawyer().empty() ? call.caller.user_resource() : req.lawyer();
  if (lawyer.empty() || lawyer != call.caller.user_resource()) {
    return absl::PermissionDeniedError(
        "a lawyer exports only their own calendar");
  }
  CLINIC_RETURN_IF_ERROR(ValidateRange(req.start_after(), req.start_before(),
                                       req.has_start_after(),
                                       req.has_start_before()));
  const absl::Time now = clock_->Now();
  hearing_store::ListQuery query;
  query.counsel = lawyer;
  query.include_cancelled = true;
  query.start_after = req.has_start_after() ? FromProtoTime(req.start_after())
                                            : now - absl::Hours(24 * 30);
  query.start_before = req.has_start_before()
                           ? FromProtoTime(req.start_before())
                           : now + absl::Hours(24 * 365);
  if (query.start_before - query.start_after > absl::Hours(24 * 366 * 5)) {
    return absl::InvalidArgumentError(
        "start_before must be at most five years after start_after");
  }
  query.limit = 500;
  std::vector<hearing::CalendarHearing> hearings;
  // At most 20 pages of 500: a calendar of 10,000 hearings is already far
  // beyond any lawyer's.
  for (int page = 0; page < 20; ++page) {
    std::vector<v1::Hearing> rows;
    CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(rows, hearing_store::List(c, query));
      return absl::OkStatus();
    }));
    if (rows.empty()) break;
    const int64_t last_start =
        ToMicros(FromProtoTime(rows.back().start_time()));
    const std::string last_id = ResourceId(rows.back().name());
    const bool full = static_cast<int>(rows.size()) == query.limit;
    for (v1::Hearing& h : rows) {
      absl::StatusOr<v1::CaseSummary> summary = CaseFor(call, h.case_());
      if (absl::IsNotFound(summary.status())) continue;
      CLINIC_RETURN_IF_ERROR(summary.status());
      AuditResource(call.ctx, h.name());
      hearings.push_back({std::move(h), summary->case_number()});
    }
    if (!full) break;
    query.after_start_micros = last_start;
    query.after_id = last_id;
  }
  std::vector<hearing::CalendarDeadline> deadlines;
  if (req.include_deadlines()) {
    absl::StatusOr<std::vector<v1::Deadline>> open =
        deadlines_->ListUpcomingDeadlines(call.who);
    if (!open.ok()) {
      return DeadlineFailure(open.status(), "list the lawyer's deadlines");
    }
    const absl::CivilDay first =
        absl::ToCivilDay(query.start_after, absl::UTCTimeZone());
    const absl::CivilDay last =
        absl::ToCivilDay(query.start_before, absl::UTCTimeZone());
    for (const v1::Deadline& d : *open) {
      if (!ValidateDate("due_date", d.due_date()).ok()) continue;
      absl::CivilDay due = ToCivilDay(d.due_date());
      if (due < first || due > last) continue;
      absl::StatusOr<v1::CaseSummary> summary = CaseFor(call, d.case_());
      if (absl::IsNotFound(summary.status())) continue;
      CLINIC_RETURN_IF_ERROR(summary.status());
      hearing::CalendarDeadline cd;
      cd.name = d.name();
      cd.title = d.title();
      cd.case_number = summary->case_number();
      cd.due = due;
      cd.sequence = d.history_size();
      cd.updated = d.has_update_time() ? FromProtoTime(d.update_time()) : now;
      cd.open = d.status() == v1::DEADLINE_STATUS_OPEN;
      deadlines.push_back(std::move(cd));
    }
  }
  hearing::CalendarOptions options;
  options.case_number_only = req.case_number_only();
  options.now = now;
  CLINIC_ASSIGN_OR_RETURN(std::string text,
                          hearing::BuildCalendar(hearings, deadlines, options));
  resp->set_icalendar(std::move(text));
  resp->set_event_count(
      static_cast<int32_t>(hearings.size() + deadlines.size()));
  return absl::OkStatus();
}

}  // namespace clinic
