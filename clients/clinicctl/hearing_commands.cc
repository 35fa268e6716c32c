// clinicctl hearing schedule | list | show | reschedule | cancel | postpone |
// availability | ical: IRB hearings, conflicts of people's time, postponement
// requests and a calendar feed (HearingService). Times are typed and shown in
// the hearing office's IANA time zone.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/format.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

constexpr absl::string_view kFeature = "hearings";

using Stub = v1::HearingService::Stub;

absl::Status Call(const grpc::Status& status) {
  return CallStatus(status, kFeature);
}

// Scheduling and moving are refused on conflicts (FAILED_PRECONDITION, the
// server naming them); say how to go ahead from the command line.
absl::Status ScheduleCall(const grpc::Status& status) {
  absl::Status out = Call(status);
  if (out.code() != absl::StatusCode::kFailedPrecondition ||
      !absl::StrContains(out.message(), "conflict")) {
    return out;
  }
  return absl::Status(
      out.code(),
      absl::StrCat(out.message(),
                   "\nTo keep this time anyway, add --accept-conflicts "
                   "\"why\"; --dry-run lists the conflicts."));
}

// The hearing's own zone, or UTC if the server sent none it can load.
absl::TimeZone ZoneOf(const v1::Hearing& h) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(h.time_zone(), &zone)) return absl::UTCTimeZone();
  return zone;
}

std::string Where(const v1::Hearing& h) {
  std::string where = ShortName(h.mode());
  if (!h.location().empty()) absl::StrAppend(&where, " at ", h.location());
  return where;
}

// A bound of a time range: a date (midnight in `zone`; with `end_of_day`, the
// midnight after it) or a time as ParseLocalTime reads it.
absl::StatusOr<absl::Time> ParseBound(absl::string_view flag,
                                      const std::string& text,
                                      absl::TimeZone zone, bool end_of_day) {
  if (text.size() == 10) {
    CLINIC_ASSIGN_OR_RETURN(v1::Date date, ParseDate(flag, text));
    absl::CivilDay day(date.year(), date.month(), date.day());
    if (end_of_day) day += 1;
    return absl::FromCivil(day, zone);
  }
  return ParseLocalTime(flag, text, zone);
}

// --lawyer, --from and --to, shared by `hearing list` and `hearing ical`: the
// request's lawyer and start-time range, with dates read in `zone`.
template <typename Request>
absl::Status SetLawyerAndRange(const std::string& lawyer,
                               const std::string& from, const std::string& to,
                               absl::TimeZone zone, Request* request) {
  if (!lawyer.empty()) {
    CLINIC_ASSIGN_OR_RETURN(*request->mutable_lawyer(),
                            ResourceName("users", "--lawyer", lawyer));
  }
  if (!from.empty()) {
    CLINIC_ASSIGN_OR_RETURN(absl::Time start,
                            ParseBound("--from", from, zone, false));
    *request->mutable_start_after() = ToProtoTime(start);
  }
  if (!to.empty()) {
    CLINIC_ASSIGN_OR_RETURN(absl::Time end, ParseBound("--to", to, zone, true));
    *request->mutable_start_before() = ToProtoTime(end);
  }
  return absl::OkStatus();
}

void PrintConflicts(const v1::ScheduleHearingResponse& response,
                    absl::TimeZone zone) {
  if (response.conflicts().empty()) return;
  std::printf("Conflicts:\n");
  Table table({"WHO", "PARTY", "HEARING", "FROM", "TO", "OVERLAP"});
  for (const v1::HearingConflict& c : response.conflicts()) {
    table.AddRow({ShortName(c.who()), c.party(), c.hearing(),
                  FormatTimestamp(c.start_time(), zone),
                  FormatTimestamp(c.end_time(), zone),
                  c.buffer_only() ? "travel buffer only" : "hearing"});
  }
  table.Print();
}

void PrintHearings(const std::vector<const v1::Hearing*>& hearings) {
  Table table(
      {"START", "LENGTH", "CASE", "KIND", "WHERE", "STATUS", "HEARING"});
  for (const v1::Hearing* h : hearings) {
    table.AddRow({FormatTimestamp(h->start_time(), ZoneOf(*h)),
                  FormatDurationShort(FromProtoDuration(h->duration())),
                  h->case_(), ShortName(h->kind()), Abbreviate(Where(*h), 40),
                  ShortName(h->status()), h->name()});
  }
  table.Print();
}

void PrintHearing(const v1::Hearing& h) {
  const absl::TimeZone zone = ZoneOf(h);
  std::string interpreter = h.interpreter_language();
  if (!h.interpreter_dialect().empty()) {
    absl::StrAppend(&interpreter, " (", h.interpreter_dialect(), ")");
  }
  if (!h.interpreter().empty()) {
    absl::StrAppend(&interpreter,
                    interpreter.empty() ? "" : "; booked: ", h.interpreter());
  }
  std::printf(
      "%s",
      FormatDetails(
          {{"Hearing", h.name()},
           {"Case", h.case_()},
           {"Division", ShortName(h.division())},
           {"Kind", ShortName(h.kind())},
           {"Start", FormatTimestamp(h.start_time(), zone)},
           {"Length", FormatDurationShort(FromProtoDuration(h.duration()))},
           {"Time zone", h.time_zone()},
           {"Mode", ShortName(h.mode())},
           {"Location", h.location()},
           {"Video link", h.video_link()},
           {"IRB member", h.irb_member()},
           {"Interpreter", interpreter},
           {"Counsel", h.counsel()},
           {"Attendees", absl::StrJoin(h.attendees(), ", ")},
           {"Notice received", h.has_notice_to_appear_received()
                                   ? FormatDate(h.notice_to_appear_received())
                                   : ""},
           {"Status", ShortName(h.status())},
           {"Sequence", absl::StrCat(h.sequence())}})
          .c_str());
  if (!h.postponements().empty()) {
    std::printf("\nPostponement requests\n");
    Table table({"BY", "REASON", "APPLY BY", "OUTCOME", "DECIDED"});
    for (const v1::Postponement& p : h.postponements()) {
      table.AddRow(
          {ShortName(p.requested_by()),
           Abbreviate(p.reason(), 50) + (p.medical() ? " (medical)" : ""),
           FormatDate(p.apply_by()), ShortName(p.outcome()),
           FormatDate(p.outcome_date())});
    }
    table.Print();
  }
  for (const v1::AcceptedConflict& a : h.accepted_conflicts()) {
    std::printf("Accepted conflict with %s by %s: %s\n",
                absl::StrJoin(a.hearings(), ", ").c_str(),
                a.accepted_by().c_str(), a.reason().c_str());
  }
}

absl::StatusOr<v1::Hearing> GetHearing(ClinicClient& client,
                                       const std::string& name) {
  Stub stub(client.ChannelFor("hearing"));
  v1::GetHearingRequest request;
  request.set_name(name);
  v1::Hearing out;
  auto call = client.NewContext();
  CLINIC_RETURN_IF_ERROR(Call(stub.GetHearing(call.get(), request, &out)));
  return out;
}

// ---- schedule
// ----------------------------------------------------------------

struct ScheduleArgs {
  std::string case_name, start, zone, duration, division, kind, mode;
  std::string location, video_link, member, interpreter_language,
      interpreter_dialect, interpreter, counsel, notice_received;
  std::vector<std::string> attendees;
  std::string accept_conflicts, request_id;
  bool dry_run = false;
};

absl::Status BuildSchedule(const ScheduleArgs& a,
                           v1::ScheduleHearingRequest* r) {
  CLINIC_ASSIGN_OR_RETURN(*r->mutable_case_(),
                          ResourceName("cases", "CASE", a.case_name));
  v1::Hearing* h = r->mutable_hearing();
  CLINIC_ASSIGN_OR_RETURN(absl::TimeZone zone, ParseZone("--zone", a.zone));
  h->set_time_zone(a.zone);
  CLINIC_ASSIGN_OR_RETURN(absl::Time start,
                          ParseLocalTime("--start", a.start, zone));
  *h->mutable_start_time() = ToProtoTime(start);
  CLINIC_ASSIGN_OR_RETURN(absl::Duration duration,
                          ParseDurationFlag("--duration", a.duration));
  *h->mutable_duration() = ToProtoDuration(duration);
  CLINIC_ASSIGN_OR_RETURN(v1::IrbDivision division,
                          ParseEnum<v1::IrbDivision>("--division", a.division));
  h->set_division(division);
  CLINIC_ASSIGN_OR_RETURN(v1::HearingKind kind,
                          ParseEnum<v1::HearingKind>("--kind", a.kind));
  h->set_kind(kind);
  CLINIC_ASSIGN_OR_RETURN(v1::HearingMode mode,
                          ParseEnum<v1::HearingMode>("--mode", a.mode));
  h->set_mode(mode);
  h->set_location(a.location);
  h->set_video_link(a.video_link);
  h->set_irb_member(a.member);
  h->set_interpreter_language(a.interpreter_language);
  h->set_interpreter_dialect(a.interpreter_dialect);
  h->set_interpreter(a.interpreter);
  CLINIC_ASSIGN_OR_RETURN(*h->mutable_counsel(),
                          ResourceName("users", "--counsel", a.counsel));
  for (const std::string& attendee : a.attendees) {
    CLINIC_ASSIGN_OR_RETURN(*h->add_attendees(),
                            ResourceName("clients", "--attendee", attendee));
  }
  if (!a.notice_received.empty()) {
    CLINIC_ASSIGN_OR_RETURN(*h->mutable_notice_to_appear_received(),
                            ParseDate("--notice-received", a.notice_received));
  }
  r->set_accept_conflicts_reason(a.accept_conflicts);
  r->set_validate_only(a.dry_run);
  r->set_request_id(a.request_id);
  return absl::OkStatus();
}

int Schedule(CommandContext& ctx, const ScheduleArgs& args) {
  v1::ScheduleHearingRequest request;
  absl::Status built = BuildSchedule(args, &request);
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("hearing"));
    v1::ScheduleHearingResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        ScheduleCall(stub.ScheduleHearing(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    const absl::TimeZone zone = ZoneOf(request.hearing());
    if (args.dry_run) {
      std::printf(
          "Not scheduled (--dry-run): %s.\n",
          response.conflicts().empty() ? "no conflicts" : "conflicts below");
    } else {
      const v1::Hearing& h = response.hearing();
      std::printf("Scheduled %s: %s (%s), %s for %s, %s.\n", h.name().c_str(),
                  ShortName(h.kind()).c_str(), ShortName(h.division()).c_str(),
                  FormatTimestamp(h.start_time(), zone).c_str(),
                  FormatDurationShort(FromProtoDuration(h.duration())).c_str(),
                  Where(h).c_str());
    }
    PrintConflicts(response, zone);
    return absl::OkStatus();
  });
}

// ---- list / show
// -------------------------------------------------------------

struct ListArgs {
  std::string case_name, lawyer, from, to, zone;
  bool include_cancelled = false;
};

int List(CommandContext& ctx, const ListArgs& args) {
  v1::ListHearingsRequest request;
  absl::Status built = [&]() -> absl::Status {
    absl::TimeZone zone = absl::LocalTimeZone();
    if (!args.zone.empty()) {
      CLINIC_ASSIGN_OR_RETURN(zone, ParseZone("--zone", args.zone));
    }
    if (!args.case_name.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*request.mutable_case_(),
                              ResourceName("cases", "--case", args.case_name));
    }
    return SetLawyerAndRange(args.lawyer, args.from, args.to, zone, &request);
  }();
  if (!built.ok()) return UsageError(built);
  request.set_include_cancelled(args.include_cancelled);
  request.set_page_size(500);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("hearing"));
    v1::ListHearingsResponse all;
    CLINIC_RETURN_IF_ERROR(
        (FetchAllPages<v1::ListHearingsRequest, v1::ListHearingsResponse>(
            request,
            [&](const v1::ListHearingsRequest& r,
                v1::ListHearingsResponse* out) {
              auto call = client.NewContext();
              return Call(stub.ListHearings(call.get(), r, out));
            },
            [&](const v1::ListHearingsResponse& page) {
              for (const v1::Hearing& h : page.hearings()) {
                *all.add_hearings() = h;
              }
            },
            [](const v1::ListHearingsResponse& p) {
              return p.hearings_size();
            })));
    if (ctx.options().json) {
      ctx.PrintJson(all);
    } else if (all.hearings().empty()) {
      std::printf("No hearings.\n");
    } else {
      std::vector<const v1::Hearing*> list;
      for (const v1::Hearing& h : all.hearings()) list.push_back(&h);
      PrintHearings(list);
    }
    return absl::OkStatus();
  });
}

int Show(CommandContext& ctx, const std::string& text) {
  absl::StatusOr<std::string> name = ResourceName("cases", "HEARING", text);
  if (!name.ok()) return UsageError(name.status());
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Hearing h, GetHearing(client, *name));
    if (ctx.options().json) {
      ctx.PrintJson(h);
    } else {
      PrintHearing(h);
    }
    return absl::OkStatus();
  });
}

// ---- reschedule / cancel / postpone
// ------------------------------------------

struct RescheduleArgs {
  std::string name, start, zone, duration, reason, accept_conflicts;
  bool dry_run = false;
};

int Reschedule(CommandContext& ctx, const RescheduleArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "HEARING", args.name);
  if (!name.ok()) return UsageError(name.status());
  // Check the forms now; the start is read in the hearing's zone (unless
  // --zone) once the hearing is fetched.
  std::optional<absl::TimeZone> zone;
  if (!args.zone.empty()) {
    absl::StatusOr<absl::TimeZone> z = ParseZone("--zone", args.zone);
    if (!z.ok()) return UsageError(z.status());
    zone = *z;
  }
  absl::Status start_form =
      ParseLocalTime("--start", args.start, absl::UTCTimeZone()).status();
  if (!start_form.ok()) return UsageError(start_form);
  std::optional<absl::Duration> duration;
  if (!args.duration.empty()) {
    absl::StatusOr<absl::Duration> d =
        ParseDurationFlag("--duration", args.duration);
    if (!d.ok()) return UsageError(d.status());
    duration = *d;
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Hearing current, GetHearing(client, *name));
    const absl::TimeZone in = zone ? *zone : ZoneOf(current);
    CLINIC_ASSIGN_OR_RETURN(absl::Time start,
                            ParseLocalTime("--start", args.start, in));
    v1::RescheduleHearingRequest request;
    request.set_name(*name);
    request.set_etag(current.etag());
    *request.mutable_start_time() = ToProtoTime(start);
    if (duration) *request.mutable_duration() = ToProtoDuration(*duration);
    request.set_reason(args.reason);
    request.set_accept_conflicts_reason(args.accept_conflicts);
    request.set_validate_only(args.dry_run);
    Stub stub(client.ChannelFor("hearing"));
    v1::ScheduleHearingResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        ScheduleCall(stub.RescheduleHearing(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    const absl::TimeZone shown = ZoneOf(current);
    std::printf("%s %s: %s -> %s.\n", args.dry_run ? "Would move" : "Moved",
                name->c_str(),
                FormatTimestamp(current.start_time(), shown).c_str(),
                FormatLocalTime(start, shown).c_str());
    PrintConflicts(response, shown);
    return absl::OkStatus();
  });
}

int Cancel(CommandContext& ctx, const std::string& text,
           const std::string& reason) {
  absl::StatusOr<std::string> name = ResourceName("cases", "HEARING", text);
  if (!name.ok()) return UsageError(name.status());
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Hearing current, GetHearing(client, *name));
    v1::CancelHearingRequest request;
    request.set_name(*name);
    request.set_etag(current.etag());
    request.set_reason(reason);
    Stub stub(client.ChannelFor("hearing"));
    v1::Hearing cancelled;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.CancelHearing(call.get(), request, &cancelled)));
    if (ctx.options().json) {
      ctx.PrintJson(cancelled);
    } else {
      std::printf(
          "Cancelled %s (was %s); deadlines relative to it are withdrawn.\n",
          name->c_str(),
          FormatTimestamp(current.start_time(), ZoneOf(current)).c_str());
    }
    return absl::OkStatus();
  });
}

struct PostponeArgs {
  std::string name, by, reason;
  std::vector<std::string> proposed;
  bool medical = false;
};

int Postpone(CommandContext& ctx, const PostponeArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "HEARING", args.name);
  if (!name.ok()) return UsageError(name.status());
  v1::Postponement postponement;
  absl::Status built = [&]() -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        v1::Postponement::Requester by,
        ParseEnum<v1::Postponement::Requester>("--by", args.by));
    postponement.set_requested_by(by);
    postponement.set_reason(args.reason);
    postponement.set_medical(args.medical);
    if (args.proposed.size() > 3) {
      return absl::InvalidArgumentError("--propose at most three dates");
    }
    for (const std::string& d : args.proposed) {
      CLINIC_ASSIGN_OR_RETURN(*postponement.add_proposed_dates(),
                              ParseDate("--propose", d));
    }
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Hearing current, GetHearing(client, *name));
    v1::RequestPostponementRequest request;
    request.set_name(*name);
    request.set_etag(current.etag());
    *request.mutable_postponement() = postponement;
    Stub stub(client.ChannelFor("hearing"));
    v1::Hearing updated;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.RequestPostponement(call.get(), request, &updated)));
    if (ctx.options().json) {
      ctx.PrintJson(updated);
      return absl::OkStatus();
    }
    const v1::Postponement* recorded =
        updated.postponements().empty()
            ? nullptr
            : &updated.postponements(updated.postponements_size() - 1);
    std::printf("Recorded the postponement request on %s.\n", name->c_str());
    if (recorded != nullptr && recorded->has_apply_by()) {
      std::printf("The application must reach the IRB by %s.\n",
                  FormatDate(recorded->apply_by()).c_str());
    }
    if (args.medical) {
      std::printf("A medical certificate must accompany it.\n");
    }
    return absl::OkStatus();
  });
}

// ---- availability / ical
// -----------------------------------------------------

struct AvailabilityArgs {
  std::string lawyer, from, to, duration, zone, calendar, location;
  int max_slots = 0;
};

int Availability(CommandContext& ctx, const AvailabilityArgs& args) {
  v1::CheckAvailabilityRequest request;
  absl::TimeZone zone;
  absl::Status built = [&]() -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(*request.mutable_lawyer(),
                            ResourceName("users", "LAWYER", args.lawyer));
    CLINIC_ASSIGN_OR_RETURN(*request.mutable_from_date(),
                            ParseDate("--from", args.from));
    CLINIC_ASSIGN_OR_RETURN(*request.mutable_to_date(),
                            ParseDate("--to", args.to));
    CLINIC_ASSIGN_OR_RETURN(absl::Duration d,
                            ParseDurationFlag("--duration", args.duration));
    *request.mutable_duration() = ToProtoDuration(d);
    CLINIC_ASSIGN_OR_RETURN(zone, ParseZone("--zone", args.zone));
    request.set_time_zone(args.zone);
    request.set_calendar(args.calendar);
    request.set_location(args.location);
    if (args.max_slots < 0 || args.max_slots > 500) {
      return absl::InvalidArgumentError("--max must be 1..500");
    }
    request.set_max_slots(args.max_slots);
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("hearing"));
    v1::CheckAvailabilityResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.CheckAvailability(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
    } else if (response.slots().empty()) {
      std::printf("No free slot of %s between %s and %s.\n",
                  args.duration.c_str(), args.from.c_str(), args.to.c_str());
    } else {
      Table table({"FROM", "TO"});
      for (const v1::TimeSlot& s : response.slots()) {
        table.AddRow({FormatTimestamp(s.start_time(), zone),
                      FormatTimestamp(s.end_time(), zone)});
      }
      table.Print();
    }
    return absl::OkStatus();
  });
}

struct IcalArgs {
  std::string output, lawyer, from, to;
  bool include_deadlines = false, case_number_only = false;
};

int Ical(CommandContext& ctx, const IcalArgs& args) {
  v1::ExportCalendarRequest request;
  absl::Status built = [&]() -> absl::Status {
    return SetLawyerAndRange(args.lawyer, args.from, args.to,
                             absl::LocalTimeZone(), &request);
  }();
  if (!built.ok()) return UsageError(built);
  request.set_include_deadlines(args.include_deadlines);
  request.set_case_number_only(args.case_number_only);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("hearing"));
    v1::ExportCalendarResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.ExportCalendar(call.get(), request, &response)));
    // Hearing details are confidential: the file is private to its owner.
    CLINIC_RETURN_IF_ERROR(
        storage::WriteFileAtomically(args.output, response.icalendar(), 0600));
    if (ctx.options().json) {
      v1::ExportCalendarResponse summary;
      summary.set_event_count(response.event_count());
      ctx.PrintJson(summary);
    } else {
      std::printf("Wrote %d events to %s.%s\n", response.event_count(),
                  args.output.c_str(),
                  args.case_number_only
                      ? ""
                      : " It names clients and places: keep it private, or "
                        "use --case-number-only.");
    }
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterHearingCommands(CLI::App& app, CommandContext& ctx,
                             int& exit_code) {
  CLI::App* hearing = app.add_subcommand(
      "hearing",
      "IRB hearings: schedule, move, postpone, availability, "
      "calendar feed");
  hearing->require_subcommand(1);

  auto s = std::make_shared<ScheduleArgs>();
  CLI::App* schedule = hearing->add_subcommand(
      "schedule", "Schedule a hearing (refused on conflicts unless accepted)");
  schedule->add_option("CASE", s->case_name, "cases/ID")->required();
  schedule
      ->add_option("--start", s->start,
                   "Start, in --zone: \"2026-12-01 09:30\"")
      ->required();
  schedule
      ->add_option("--zone", s->zone,
                   "IANA zone of the hearing office, e.g. "
                   "America/Montreal")
      ->required();
  schedule->add_option("--duration", s->duration, "e.g. 3h, 90m")->required();
  schedule
      ->add_option("--division", s->division,
                   "One of " + Choices<v1::IrbDivision>())
      ->required();
  schedule
      ->add_option("--kind", s->kind, "One of " + Choices<v1::HearingKind>())
      ->required();
  schedule
      ->add_option("--mode", s->mode, "One of " + Choices<v1::HearingMode>())
      ->required();
  schedule
      ->add_option("--counsel", s->counsel,
                   "Counsel of record (a lawyer on the case team)")
      ->required();
  schedule->add_option("--location", s->location,
                       "IRB office or address (in-person and hybrid)");
  schedule->add_option("--video-link", s->video_link, "https link");
  schedule->add_option("--member", s->member, "The IRB member");
  schedule->add_option("--interpreter-language", s->interpreter_language,
                       "BCP 47, e.g. ti");
  schedule->add_option("--interpreter-dialect", s->interpreter_dialect,
                       "e.g. \"Sudanese Arabic\"");
  schedule->add_option("--interpreter", s->interpreter,
                       "Who is booked (name or agency reference)");
  schedule
      ->add_option("--attendee", s->attendees,
                   "A client who must attend (repeatable; default the "
                   "case's clients)")
      ->allow_extra_args(false);
  schedule->add_option("--notice-received", s->notice_received,
                       "Date the notice to appear arrived");
  schedule->add_option("--accept-conflicts", s->accept_conflicts,
                       "Schedule despite conflicts, saying why (10+ "
                       "characters)");
  schedule->add_flag("--dry-run", s->dry_run,
                     "Report conflicts only; schedule nothing");
  schedule->add_option("--request-id", s->request_id,
                       "Makes a retry safe (8..64 of A-Z a-z 0-9 _ -)");
  schedule->footer(
      "Examples:\n"
      "  clinicctl hearing schedule cases/4hq8 --start \"2026-12-01 09:30\" "
      "--zone America/Montreal \\\n"
      "      --duration 3h --division rpd --kind merits --mode in-person \\\n"
      "      --location \"IRB Montréal, 200 boul. René-Lévesque O.\" --counsel "
      "lena --interpreter-language ti\n"
      "  clinicctl hearing schedule cases/4hq8 --start \"2026-12-01 13:00\" "
      "--zone America/Toronto \\\n"
      "      --duration 90m --division rpd --kind scheduling-conference "
      "--mode video --counsel lena --dry-run\n");
  schedule->callback([&ctx, &exit_code, s] { exit_code = Schedule(ctx, *s); });

  auto l = std::make_shared<ListArgs>();
  CLI::App* list = hearing->add_subcommand(
      "list", "Hearings of a case, or a lawyer's (default yours), by start");
  list->add_option("--case", l->case_name, "Only this case");
  list->add_option("--lawyer", l->lawyer, "This lawyer's hearings as counsel");
  list->add_option("--from", l->from, "From this date or time");
  list->add_option("--to", l->to, "Through this date (or before this time)");
  list->add_option("--zone", l->zone,
                   "Zone of --from/--to (default this computer's)");
  list->add_flag("--include-cancelled", l->include_cancelled,
                 "Show cancelled hearings too");
  list->footer(
      "Times are shown in each hearing's own zone.\n"
      "Examples:\n  clinicctl hearing list --from 2026-12-01 --to 2026-12-31\n"
      "  clinicctl hearing list --case cases/4hq8 --json\n");
  list->callback([&ctx, &exit_code, l] { exit_code = List(ctx, *l); });

  auto show_name = std::make_shared<std::string>();
  CLI::App* show = hearing->add_subcommand("show", "One hearing in full");
  show->add_option("HEARING", *show_name, "cases/ID/hearings/ID")->required();
  show->footer("Example:\n  clinicctl hearing show cases/4hq8/hearings/h1\n");
  show->callback(
      [&ctx, &exit_code, show_name] { exit_code = Show(ctx, *show_name); });

  auto r = std::make_shared<RescheduleArgs>();
  CLI::App* reschedule = hearing->add_subcommand(
      "reschedule", "Move a hearing; deadlines relative to it move too");
  reschedule->add_option("HEARING", r->name, "cases/ID/hearings/ID")
      ->required();
  reschedule
      ->add_option("--start", r->start,
                   "New start, in the hearing's zone unless --zone")
      ->required();
  reschedule->add_option("--zone", r->zone, "Zone of --start");
  reschedule->add_option("--duration", r->duration, "New length");
  reschedule->add_option("--reason", r->reason, "Why (5+ characters)")
      ->required();
  reschedule->add_option("--accept-conflicts", r->accept_conflicts,
                         "Move despite conflicts, saying why");
  reschedule->add_flag("--dry-run", r->dry_run, "Report conflicts only");
  reschedule->footer(
      "Example:\n  clinicctl hearing reschedule cases/4hq8/hearings/h1 "
      "--start \"2027-01-12 09:30\" \\\n      --reason \"IRB notice of new "
      "date\"\n");
  reschedule->callback(
      [&ctx, &exit_code, r] { exit_code = Reschedule(ctx, *r); });

  auto cancel_name = std::make_shared<std::string>();
  auto cancel_reason = std::make_shared<std::string>();
  CLI::App* cancel = hearing->add_subcommand(
      "cancel", "Cancel a hearing; deadlines relative to it are withdrawn");
  cancel->add_option("HEARING", *cancel_name, "cases/ID/hearings/ID")
      ->required();
  cancel->add_option("--reason", *cancel_reason, "Why (5+ characters)")
      ->required();
  cancel->footer(
      "Example:\n  clinicctl hearing cancel cases/4hq8/hearings/h1 --reason "
      "\"claim withdrawn\"\n");
  cancel->callback([&ctx, &exit_code, cancel_name, cancel_reason] {
    exit_code = Cancel(ctx, *cancel_name, *cancel_reason);
  });

  auto p = std::make_shared<PostponeArgs>();
  CLI::App* postpone = hearing->add_subcommand(
      "postpone", "Record a request to change the date or time of a hearing");
  postpone->add_option("HEARING", p->name, "cases/ID/hearings/ID")->required();
  postpone
      ->add_option("--by", p->by,
                   "Who asks: " + Choices<v1::Postponement::Requester>())
      ->required();
  postpone->add_option("--reason", p->reason, "Why (5+ characters)")
      ->required();
  postpone->add_flag("--medical", p->medical,
                     "The reason is medical (a certificate is required)");
  postpone
      ->add_option("--propose", p->proposed,
                   "A proposed date, up to three (RPD r.54)")
      ->allow_extra_args(false);
  postpone->footer(
      "Prints the date by which the application must reach the IRB.\n"
      "Example:\n  clinicctl hearing postpone cases/4hq8/hearings/h1 --by "
      "claimant --reason \"surgery\" \\\n      --medical --propose 2026-12-08 "
      "--propose 2026-12-10\n");
  postpone->callback([&ctx, &exit_code, p] { exit_code = Postpone(ctx, *p); });

  auto a = std::make_shared<AvailabilityArgs>();
  CLI::App* availability = hearing->add_subcommand(
      "availability", "Free slots for a lawyer (working hours, no holidays)");
  availability->add_option("LAWYER", a->lawyer, "Username")->required();
  availability->add_option("--from", a->from, "First date")->required();
  availability->add_option("--to", a->to, "Last date (at most 180 days)")
      ->required();
  availability->add_option("--duration", a->duration, "e.g. 3h")->required();
  availability->add_option("--zone", a->zone, "IANA zone of the working hours")
      ->required();
  availability->add_option("--calendar", a->calendar,
                           "Holiday calendar id (default the lawyer's "
                           "region's)");
  availability->add_option("--max", a->max_slots, "At most this many slots");
  availability->add_option("--location", a->location,
                           "For an in-person hearing here (travel buffers)");
  availability->footer(
      "Example:\n  clinicctl hearing availability lena --from 2026-12-01 --to "
      "2026-12-19 --duration 3h \\\n      --zone America/Montreal\n");
  availability->callback(
      [&ctx, &exit_code, a] { exit_code = Availability(ctx, *a); });

  auto i = std::make_shared<IcalArgs>();
  CLI::App* ical = hearing->add_subcommand(
      "ical", "Write an iCalendar (.ics) file of hearings for calendar apps");
  ical->add_option("-o,--output", i->output, "File to write")->required();
  ical->add_option("--lawyer", i->lawyer, "Another lawyer's (default yours)");
  ical->add_option("--from", i->from, "From this date (default 30 days ago)");
  ical->add_option("--to", i->to, "Through this date (default a year ahead)");
  ical->add_flag("--include-deadlines", i->include_deadlines,
                 "Add open deadlines as all-day events");
  ical->add_flag("--case-number-only", i->case_number_only,
                 "Show only case numbers: no client names or places");
  ical->footer(
      "Events keep stable ids, so importing a newer file updates them.\n"
      "Example:\n  clinicctl hearing ical -o hearings.ics --include-deadlines "
      "--case-number-only\n");
  ical->callback([&ctx, &exit_code, i] { exit_code = Ical(ctx, *i); });
}

}  // namespace cli
}  // namespace clinic
