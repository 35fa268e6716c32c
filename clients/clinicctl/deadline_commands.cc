// clinicctl deadline | event | holidays | rules: case events, the deadlines
// computed from them (with the reasoning behind each date), lawyers' actions
// on deadlines, holiday calendars and the rule file (DeadlineService).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/format.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "storage/file_util.h"

namespace clinic {
namespace cli {
namespace {

constexpr absl::string_view kFeature = "deadlines";
constexpr int64_t kMaxRuleFileBytes = 1 << 20;

using Stub = v1::DeadlineService::Stub;

absl::Status Call(const grpc::Status& status) {
  return CallStatus(status, kFeature);
}

std::string Weekday(const v1::Date& date) {
  absl::CivilDay day(date.year(), date.month(), date.day());
  return absl::FormatTime("%a", absl::FromCivil(day, absl::UTCTimeZone()),
                          absl::UTCTimeZone());
}

std::string DueCell(const v1::Deadline& d) {
  std::string due = FormatDate(d.due_date());
  if (d.has_due_time())
    absl::StrAppend(&due, " ", FormatTimeOfDay(d.due_time()));
  if (d.date_overridden()) absl::StrAppend(&due, "*");
  return due;
}

std::string TitleCell(const v1::Deadline& d) {
  std::string prefix;
  if (d.kind() == v1::DEADLINE_KIND_EARLIEST) prefix = "(not before) ";
  if (d.kind() == v1::DEADLINE_KIND_INFORMATIONAL)
    prefix = "(for information) ";
  return Abbreviate(prefix + d.title(), 60);
}

std::string DaysCell(const v1::Deadline& d) {
  return d.status() == v1::DEADLINE_STATUS_OPEN
             ? FormatDaysRemaining(d.days_remaining())
             : "-";
}

// A table of deadlines; `with_case` adds the case column (for lists that span
// cases); `change` (when not empty) labels each row (created, moved, ...).
void PrintDeadlines(const std::vector<const v1::Deadline*>& deadlines,
                    bool with_case,
                    const std::vector<std::string>& change = {}) {
  std::vector<std::string> headers;
  if (!change.empty()) headers.push_back("CHANGE");
  for (const char* h : {"DUE", "DAYS LEFT", "STATUS", "TITLE"}) {
    headers.push_back(h);
  }
  if (with_case) headers.push_back("CASE");
  headers.push_back("DEADLINE");
  Table table(headers);
  bool overridden = false;
  for (size_t i = 0; i < deadlines.size(); ++i) {
    const v1::Deadline& d = *deadlines[i];
    overridden |= d.date_overridden();
    std::vector<std::string> row;
    if (!change.empty()) row.push_back(change[i]);
    row.push_back(DueCell(d));
    row.push_back(DaysCell(d));
    row.push_back(ShortName(d.status()));
    row.push_back(TitleCell(d));
    if (with_case) row.push_back(d.case_());
    row.push_back(d.name());
    table.AddRow(std::move(row));
  }
  table.Print();
  if (overridden) {
    std::printf(
        "* date set by an extension or a lawyer's override; `deadline "
        "show` gives the computed one\n");
  }
}

std::vector<const v1::Deadline*> Pointers(
    const google::protobuf::RepeatedPtrField<v1::Deadline>& list) {
  std::vector<const v1::Deadline*> out;
  for (const v1::Deadline& d : list) out.push_back(&d);
  return out;
}

void PrintExplanation(const v1::Explanation& e) {
  std::vector<std::string> steps;
  for (int i = 0; i < e.steps_size(); ++i) {
    steps.push_back(absl::StrCat(i + 1, ". ", e.steps(i)));
  }
  std::vector<std::string> skipped;
  for (const v1::SkippedDay& s : e.skipped()) {
    skipped.push_back(absl::StrCat(FormatDate(s.date()), " ", Weekday(s.date()),
                                   "  ", s.reason(),
                                   s.uncertain() ? "  (uncertain)" : ""));
  }
  std::string trigger = FormatDate(e.trigger_date());
  if (e.trigger_event() != v1::EVENT_TYPE_UNSPECIFIED) {
    absl::StrAppend(&trigger, " (", ShortName(e.trigger_event()), ")");
  }
  std::printf(
      "%s",
      FormatDetails({{"Rule", absl::StrCat(e.rule_id(),
                                           e.rule_title().empty() ? "" : " — ",
                                           e.rule_title())},
                     {"Citation", e.citation()},
                     {"Trigger", trigger},
                     {"Derived", e.trigger_derivation()},
                     {"From", e.trigger()},
                     {"Calendar", e.calendar()},
                     {"Steps", absl::StrJoin(steps, "\n")},
                     {"Skipped days", absl::StrJoin(skipped, "\n")},
                     {"Note", e.note()}})
          .c_str());
  if (!e.warning().empty()) {
    std::printf("WARNING: %s\n", e.warning().c_str());
  }
}

void PrintDeadline(const v1::Deadline& d) {
  std::string due = DueCell(d);
  if (d.date_overridden()) {
    absl::StrAppend(&due, " (computed ", FormatDate(d.computed_due_date()),
                    ")");
  }
  std::printf("%s", FormatDetails({{"Deadline", d.name()},
                                   {"Title", d.title()},
                                   {"Case", d.case_()},
                                   {"Kind", ShortName(d.kind())},
                                   {"Status", ShortName(d.status())},
                                   {"Due", due},
                                   {"Days left", DaysCell(d)},
                                   {"Hearing", d.hearing()}})
                        .c_str());
  std::printf("\nWhy this date\n");
  PrintExplanation(d.explanation());
  if (!d.history().empty()) {
    std::printf("\nHistory\n");
    Table table({"WHEN", "WHAT", "BY", "FROM", "TO", "DETAIL"});
    for (const v1::DeadlineAction& a : d.history()) {
      std::string detail = a.reason();
      if (!a.filed_description().empty()) {
        detail = absl::StrCat("filed ", FormatDate(a.filed_date()), ": ",
                              a.filed_description());
      }
      if (!a.order_reference().empty()) {
        absl::StrAppend(&detail, " (order ", a.order_reference(), ")");
      }
      table.AddRow({FormatTimestamp(a.time(), absl::LocalTimeZone()),
                    ShortName(a.kind()),
                    a.actor().empty() ? "server" : a.actor(),
                    FormatDate(a.old_date()), FormatDate(a.new_date()),
                    Abbreviate(detail, 60)});
    }
    table.Print();
  }
}

absl::StatusOr<v1::Deadline> GetDeadline(ClinicClient& client,
                                         const std::string& name) {
  Stub stub(client.ChannelFor("deadline"));
  v1::GetDeadlineRequest request;
  request.set_name(name);
  v1::Deadline out;
  auto call = client.NewContext();
  CLINIC_RETURN_IF_ERROR(Call(stub.GetDeadline(call.get(), request, &out)));
  return out;
}

// ---- Receipt (how a notice or decision arrived)
// ------------------------------

struct ReceiptFlags {
  std::string manner, sent, received;
};

void AddReceiptFlags(CLI::App* cmd, ReceiptFlags& f) {
  cmd->add_option("--received-by", f.manner,
                  "How it arrived: " + Choices<v1::ReceiptManner>());
  cmd->add_option("--sent", f.sent, "With mail: the mailing date");
  cmd->add_option("--received", f.received,
                  "The date it actually arrived, if known");
}

// The receipt, or nothing when no receipt flag was given.
absl::StatusOr<std::optional<v1::Receipt>> BuildReceipt(const ReceiptFlags& f) {
  if (f.manner.empty() && f.sent.empty() && f.received.empty()) {
    return std::optional<v1::Receipt>();
  }
  if (f.manner.empty()) {
    return absl::InvalidArgumentError(
        "--sent and --received need --received-by");
  }
  v1::Receipt receipt;
  CLINIC_ASSIGN_OR_RETURN(
      v1::ReceiptManner manner,
      ParseEnum<v1::ReceiptManner>("--received-by", f.manner));
  receipt.set_manner(manner);
  if (manner == v1::RECEIPT_MANNER_MAIL && f.sent.empty()) {
    return absl::InvalidArgumentError(
        "--received-by mail needs --sent (the mailing date)");
  }
  if (!f.sent.empty()) {
    CLINIC_ASSIGN_OR_RETURN(*receipt.mutable_sent_date(),
                            ParseDate("--sent", f.sent));
  }
  if (!f.received.empty()) {
    CLINIC_ASSIGN_OR_RETURN(*receipt.mutable_received_date(),
                            ParseDate("--received", f.received));
  }
  return std::optional<v1::Receipt>(receipt);
}

// ---- deadline list / upcoming / show
// -----------------------------------------

struct ListArgs {
  std::string case_name;
  std::vector<std::string> statuses;
};

int ListDeadlines(CommandContext& ctx, const ListArgs& args) {
  v1::ListDeadlinesRequest request;
  absl::Status built = [&]() -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(*request.mutable_case_(),
                            ResourceName("cases", "CASE", args.case_name));
    for (const std::string& s : args.statuses) {
      CLINIC_ASSIGN_OR_RETURN(v1::DeadlineStatus status,
                              ParseEnum<v1::DeadlineStatus>("--status", s));
      request.add_statuses(status);
    }
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  request.set_page_size(500);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::ListDeadlinesResponse all;
    CLINIC_RETURN_IF_ERROR(
        (FetchAllPages<v1::ListDeadlinesRequest, v1::ListDeadlinesResponse>(
            request,
            [&](const v1::ListDeadlinesRequest& r,
                v1::ListDeadlinesResponse* out) {
              auto call = client.NewContext();
              return Call(stub.ListDeadlines(call.get(), r, out));
            },
            [&](const v1::ListDeadlinesResponse& page) {
              for (const v1::Deadline& d : page.deadlines()) {
                *all.add_deadlines() = d;
              }
            },
            [](const v1::ListDeadlinesResponse& p) {
              return p.deadlines_size();
            })));
    if (ctx.options().json) {
      ctx.PrintJson(all);
    } else if (all.deadlines().empty()) {
      std::printf("No deadlines on %s.\n", request.case_().c_str());
    } else {
      PrintDeadlines(Pointers(all.deadlines()), false);
    }
    return absl::OkStatus();
  });
}

struct UpcomingArgs {
  int within = 0;
  std::string lawyer;
};

int Upcoming(CommandContext& ctx, const UpcomingArgs& args) {
  v1::ListUpcomingDeadlinesRequest request;
  if (args.within < 0 || args.within > 3650) {
    return UsageError(
        absl::InvalidArgumentError("--within must be 0..3650 days"));
  }
  request.set_due_within_days(args.within);
  if (!args.lawyer.empty()) {
    absl::StatusOr<std::string> lawyer =
        ResourceName("users", "--lawyer", args.lawyer);
    if (!lawyer.ok()) return UsageError(lawyer.status());
    request.set_lawyer(*lawyer);
  }
  request.set_page_size(500);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::ListUpcomingDeadlinesResponse all;
    CLINIC_RETURN_IF_ERROR((FetchAllPages<v1::ListUpcomingDeadlinesRequest,
                                          v1::ListUpcomingDeadlinesResponse>(
        request,
        [&](const v1::ListUpcomingDeadlinesRequest& r,
            v1::ListUpcomingDeadlinesResponse* out) {
          auto call = client.NewContext();
          return Call(stub.ListUpcomingDeadlines(call.get(), r, out));
        },
        [&](const v1::ListUpcomingDeadlinesResponse& page) {
          for (const v1::Deadline& d : page.deadlines()) {
            *all.add_deadlines() = d;
          }
        },
        [](const v1::ListUpcomingDeadlinesResponse& p) {
          return p.deadlines_size();
        })));
    // Overdue first (most overdue at the top), then by days left; the server
    // orders them so too, and a person must never miss an overdue one.
    std::stable_sort(all.mutable_deadlines()->begin(),
                     all.mutable_deadlines()->end(),
                     [](const v1::Deadline& a, const v1::Deadline& b) {
                       return a.days_remaining() < b.days_remaining();
                     });
    if (ctx.options().json) {
      ctx.PrintJson(all);
      return absl::OkStatus();
    }
    if (all.deadlines().empty()) {
      std::printf(
          "No open deadlines%s.\n",
          args.within > 0
              ? absl::StrCat(" in the next ", args.within, " days").c_str()
              : "");
      return absl::OkStatus();
    }
    int overdue = 0;
    for (const v1::Deadline& d : all.deadlines()) {
      overdue += d.days_remaining() < 0;
    }
    if (overdue > 0) {
      std::printf("%d OVERDUE\n", overdue);
    }
    PrintDeadlines(Pointers(all.deadlines()), true);
    return absl::OkStatus();
  });
}

int ShowDeadline(CommandContext& ctx, const std::string& text) {
  absl::StatusOr<std::string> name = ResourceName("cases", "DEADLINE", text);
  if (!name.ok()) return UsageError(name.status());
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Deadline d, GetDeadline(client, *name));
    if (ctx.options().json) {
      ctx.PrintJson(d);
    } else {
      PrintDeadline(d);
    }
    return absl::OkStatus();
  });
}

// ---- complete / waive / extend / override
// ------------------------------------

enum class Action { kComplete, kWaive, kExtend, kOverride };

struct ActionArgs {
  std::string name, filed, filed_date, reason, to, order;
};

int ActOn(CommandContext& ctx, Action action, const ActionArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "DEADLINE", args.name);
  if (!name.ok()) return UsageError(name.status());
  v1::Date date;
  if (action == Action::kComplete) {
    date = DateIn(absl::Now(), absl::LocalTimeZone());
    if (!args.filed_date.empty()) {
      absl::StatusOr<v1::Date> d = ParseDate("--filed-date", args.filed_date);
      if (!d.ok()) return UsageError(d.status());
      date = *d;
    }
  } else if (action == Action::kExtend || action == Action::kOverride) {
    absl::StatusOr<v1::Date> d = ParseDate("--to", args.to);
    if (!d.ok()) return UsageError(d.status());
    date = *d;
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    // The current etag: an action on a deadline someone else just changed is
    // refused (ABORTED) instead of applied to a date the person did not see.
    CLINIC_ASSIGN_OR_RETURN(v1::Deadline current, GetDeadline(client, *name));
    Stub stub(client.ChannelFor("deadline"));
    v1::Deadline updated;
    auto call = client.NewContext();
    const char* verb = "";
    switch (action) {
      case Action::kComplete: {
        v1::CompleteDeadlineRequest r;
        r.set_name(*name);
        r.set_etag(current.etag());
        r.set_filed_description(args.filed);
        *r.mutable_filed_date() = date;
        CLINIC_RETURN_IF_ERROR(
            Call(stub.CompleteDeadline(call.get(), r, &updated)));
        verb = "Completed";
        break;
      }
      case Action::kWaive: {
        v1::WaiveDeadlineRequest r;
        r.set_name(*name);
        r.set_etag(current.etag());
        r.set_reason(args.reason);
        CLINIC_RETURN_IF_ERROR(
            Call(stub.WaiveDeadline(call.get(), r, &updated)));
        verb = "Waived";
        break;
      }
      case Action::kExtend: {
        v1::ExtendDeadlineRequest r;
        r.set_name(*name);
        r.set_etag(current.etag());
        *r.mutable_new_date() = date;
        r.set_reason(args.reason);
        r.set_order_reference(args.order);
        CLINIC_RETURN_IF_ERROR(
            Call(stub.ExtendDeadline(call.get(), r, &updated)));
        verb = "Extended";
        break;
      }
      case Action::kOverride: {
        v1::OverrideDeadlineRequest r;
        r.set_name(*name);
        r.set_etag(current.etag());
        *r.mutable_new_date() = date;
        r.set_reason(args.reason);
        CLINIC_RETURN_IF_ERROR(
            Call(stub.OverrideDeadline(call.get(), r, &updated)));
        verb = "Overrode";
        break;
      }
    }
    if (ctx.options().json) {
      ctx.PrintJson(updated);
    } else {
      std::printf("%s: %s (%s), now %s, due %s.\n", verb,
                  updated.title().c_str(), updated.name().c_str(),
                  ShortName(updated.status()).c_str(),
                  FormatDate(updated.due_date()).c_str());
    }
    return absl::OkStatus();
  });
}

// ---- events
// ------------------------------------------------------------------

struct EventArgs {
  std::string case_name, type, date, time, hearing, note, request_id;
  ReceiptFlags receipt;
};

int RecordEvent(CommandContext& ctx, const EventArgs& args) {
  v1::RecordEventRequest request;
  absl::Status built = [&]() -> absl::Status {
    v1::CaseEvent* e = request.mutable_event();
    CLINIC_ASSIGN_OR_RETURN(*e->mutable_case_(),
                            ResourceName("cases", "CASE", args.case_name));
    CLINIC_ASSIGN_OR_RETURN(v1::EventType type,
                            ParseEnum<v1::EventType>("--type", args.type));
    e->set_type(type);
    CLINIC_ASSIGN_OR_RETURN(*e->mutable_date(), ParseDate("--date", args.date));
    if (!args.time.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*e->mutable_time(),
                              ParseTimeOfDay("--time", args.time));
    }
    CLINIC_ASSIGN_OR_RETURN(std::optional<v1::Receipt> receipt,
                            BuildReceipt(args.receipt));
    if (receipt) *e->mutable_receipt() = *receipt;
    if (!args.hearing.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*e->mutable_hearing(),
                              ResourceName("cases", "--hearing", args.hearing));
    }
    e->set_note(args.note);
    request.set_request_id(args.request_id);
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::RecordEventResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.RecordEvent(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    const v1::CaseEvent& e = response.event();
    std::printf("Recorded %s on %s (%s).\n", ShortName(e.type()).c_str(),
                FormatDate(e.date()).c_str(), e.name().c_str());
    if (e.has_trigger_date()) {
      std::printf("Limits run from %s%s%s.\n",
                  FormatDate(e.trigger_date()).c_str(),
                  e.trigger_derivation().empty() ? "" : ": ",
                  e.trigger_derivation().c_str());
    }
    std::vector<const v1::Deadline*> changed;
    std::vector<std::string> labels;
    auto add = [&](const google::protobuf::RepeatedPtrField<v1::Deadline>& list,
                   const char* label) {
      for (const v1::Deadline& d : list) {
        changed.push_back(&d);
        labels.push_back(label);
      }
    };
    add(response.created(), "created");
    add(response.moved(), "moved");
    add(response.withdrawn(), "withdrawn");
    if (changed.empty()) {
      std::printf("No deadline changed.\n");
    } else {
      PrintDeadlines(changed, false, labels);
    }
    return absl::OkStatus();
  });
}

int ListEvents(CommandContext& ctx, const std::string& case_text) {
  v1::ListEventsRequest request;
  absl::StatusOr<std::string> name = ResourceName("cases", "CASE", case_text);
  if (!name.ok()) return UsageError(name.status());
  request.set_case_(*name);
  request.set_page_size(500);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::ListEventsResponse all;
    CLINIC_RETURN_IF_ERROR(
        (FetchAllPages<v1::ListEventsRequest, v1::ListEventsResponse>(
            request,
            [&](const v1::ListEventsRequest& r, v1::ListEventsResponse* out) {
              auto call = client.NewContext();
              return Call(stub.ListEvents(call.get(), r, out));
            },
            [&](const v1::ListEventsResponse& page) {
              for (const v1::CaseEvent& e : page.events()) {
                *all.add_events() = e;
              }
            },
            [](const v1::ListEventsResponse& p) { return p.events_size(); })));
    if (ctx.options().json) {
      ctx.PrintJson(all);
      return absl::OkStatus();
    }
    Table table({"DATE", "EVENT", "LIMITS RUN FROM", "BY", "NAME"});
    for (const v1::CaseEvent& e : all.events()) {
      std::string trigger = FormatDate(e.trigger_date());
      if (!e.trigger_derivation().empty()) {
        absl::StrAppend(&trigger, " (", e.trigger_derivation(), ")");
      }
      table.AddRow({FormatDate(e.date()), ShortName(e.type()),
                    Abbreviate(trigger, 60), e.recorded_by(), e.name()});
    }
    table.Print();
    return absl::OkStatus();
  });
}

// ---- compute / holidays / rules
// ----------------------------------------------

struct ComputeArgs {
  std::string rule, trigger, province, irb_region;
  ReceiptFlags receipt;
};

int Compute(CommandContext& ctx, const ComputeArgs& args) {
  v1::ComputeDateRequest request;
  absl::Status built = [&]() -> absl::Status {
    request.set_rule_id(args.rule);
    CLINIC_ASSIGN_OR_RETURN(*request.mutable_trigger_date(),
                            ParseDate("--trigger", args.trigger));
    if (!args.province.empty()) {
      CLINIC_ASSIGN_OR_RETURN(
          v1::Province p, ParseEnum<v1::Province>("--province", args.province));
      request.set_province(p);
    }
    if (!args.irb_region.empty()) {
      CLINIC_ASSIGN_OR_RETURN(
          v1::IrbRegion r,
          ParseEnum<v1::IrbRegion>("--irb-region", args.irb_region));
      request.set_irb_region(r);
    }
    CLINIC_ASSIGN_OR_RETURN(std::optional<v1::Receipt> receipt,
                            BuildReceipt(args.receipt));
    if (receipt) *request.mutable_receipt() = *receipt;
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::ComputeDateResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.ComputeDate(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    std::printf("Due %s%s%s (what-if; nothing was stored)\n\n",
                FormatDate(response.due_date()).c_str(),
                response.has_due_time() ? " " : "",
                response.has_due_time()
                    ? FormatTimeOfDay(response.due_time()).c_str()
                    : "");
    PrintExplanation(response.explanation());
    return absl::OkStatus();
  });
}

int Holidays(CommandContext& ctx, const std::string& calendar, int year) {
  if (year < 1990 || year > 2100) {
    return UsageError(
        absl::InvalidArgumentError("YEAR must be between 1990 and 2100"));
  }
  v1::ListHolidaysRequest request;
  request.set_calendar(calendar);
  request.set_year(year);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::ListHolidaysResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.ListHolidays(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    Table table({"DATE", "DAY", "HOLIDAY", "CITATION"});
    for (const v1::Holiday& h : response.holidays()) {
      table.AddRow({FormatDate(h.date()), Weekday(h.date()),
                    h.name() + (h.observed() ? " (observed)" : ""),
                    Abbreviate(h.citation(), 50)});
    }
    table.Print();
    std::vector<std::string> days;
    for (int w : response.non_counting_weekdays()) {
      days.push_back(ShortName(static_cast<v1::Weekday>(w)));
    }
    if (!days.empty()) {
      std::printf("Never counting in %s: %s\n", calendar.c_str(),
                  absl::StrJoin(days, ", ").c_str());
    }
    return absl::OkStatus();
  });
}

struct RulesArgs {
  std::string case_type, in_force_on;
};

std::string OffsetText(const v1::DeadlineRule& r) {
  std::string unit = ShortName(r.offset().unit());
  std::replace(unit.begin(), unit.end(), '-', ' ');
  std::string text = absl::StrCat(r.offset().value(), " ", unit, " ",
                                  ShortName(r.direction()), " ");
  if (r.has_event()) {
    absl::StrAppend(&text, ShortName(r.event()));
  } else {
    absl::StrAppend(&text, r.relative_to_rule());
  }
  return text;
}

int ListRules(CommandContext& ctx, const RulesArgs& args) {
  v1::ListRulesRequest request;
  absl::Status built = [&]() -> absl::Status {
    if (!args.case_type.empty()) {
      CLINIC_ASSIGN_OR_RETURN(
          v1::CaseType t,
          ParseEnum<v1::CaseType>("--case-type", args.case_type));
      request.set_case_type(t);
    }
    if (!args.in_force_on.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*request.mutable_in_force_on(),
                              ParseDate("--in-force-on", args.in_force_on));
    }
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    v1::ListRulesResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.ListRules(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    std::printf("Rules version %s\n", response.rules_version().c_str());
    Table table({"RULE", "TITLE", "LIMIT", "CALENDAR", "CITATION"});
    for (const v1::DeadlineRule& r : response.rules()) {
      table.AddRow({r.id() + (r.uncertain() ? " (?)" : ""),
                    Abbreviate(r.title(), 50), OffsetText(r), r.calendar(),
                    Abbreviate(r.citation(), 40)});
    }
    table.Print();
    return absl::OkStatus();
  });
}

int ReplaceRules(CommandContext& ctx, const std::string& file,
                 bool validate_only) {
  absl::StatusOr<std::string> text = storage::ReadFile(file, kMaxRuleFileBytes);
  if (!text.ok()) {
    return UsageError(absl::InvalidArgumentError(absl::StrCat(
        "cannot read ", file, " (at most 1 MiB): ", text.status().message())));
  }
  v1::ReplaceRulesRequest request;
  request.set_rules_textproto(*text);
  request.set_validate_only(validate_only);
  absl::StatusOr<ClinicClient*> client = ctx.SignedInClient();
  if (!client.ok()) return ctx.ReportError(client.status());
  Stub stub((*client)->ChannelFor("deadline"));
  v1::ReplaceRulesResponse response;
  auto call = (*client)->NewContext(absl::Minutes(5));
  grpc::Status status = stub.ReplaceRules(call.get(), request, &response);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    // The server lists every problem as "line:column: reason"; print them the
    // way compilers do, so an editor can jump to each.
    for (const std::string& line :
         FormatRuleFileProblems(file, status.error_message())) {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
    std::fprintf(stderr,
                 "error: the server refused %s; the rules in use are "
                 "unchanged.\n",
                 file.c_str());
    return kExitFailed;
  }
  if (!status.ok()) return ctx.ReportError(Call(status));
  if (ctx.options().json) {
    ctx.PrintJson(response);
  } else if (validate_only) {
    std::printf(
        "%s is valid (version %s). Installing it would move %d open "
        "deadlines.\n",
        file.c_str(), response.rules_version().c_str(),
        response.deadlines_moved());
  } else {
    std::printf(
        "Installed rules version %s: %d open deadlines recomputed, %d "
        "moved.\n",
        response.rules_version().c_str(), response.deadlines_recomputed(),
        response.deadlines_moved());
  }
  return kExitOk;
}

}  // namespace

// ---- deadline watch
// ----------------------------------------------------------

struct WatchArgs {
  std::string case_name;
  int remind_within = 14;
};

int Watch(CommandContext& ctx, const WatchArgs& args) {
  v1::WatchDeadlinesRequest request;
  if (!args.case_name.empty()) {
    absl::StatusOr<std::string> name =
        ResourceName("cases", "--case", args.case_name);
    if (!name.ok()) return UsageError(name.status());
    request.set_case_(*name);
  }
  request.set_remind_within_days(args.remind_within);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("deadline"));
    // A watch runs until interrupted: no call deadline.
    auto call = client.NewContext(absl::Hours(24 * 365));
    auto reader = stub.WatchDeadlines(call.get(), request);
    v1::DeadlineChange change;
    while (reader->Read(&change)) {
      if (ctx.options().json) {
        ctx.PrintJson(change);  // one line each: JSON Lines
      } else {
        const v1::Deadline& d = change.deadline();
        std::printf("%-9s %s %-10s %s  %s\n", ShortName(change.kind()).c_str(),
                    FormatDate(d.due_date()).c_str(),
                    FormatDaysRemaining(d.days_remaining()).c_str(),
                    Abbreviate(d.title(), 60).c_str(), d.name().c_str());
      }
      std::fflush(stdout);
    }
    return Call(reader->Finish());
  });
}

void RegisterDeadlineCommands(CLI::App& app, CommandContext& ctx,
                              int& exit_code) {
  CLI::App* deadline = app.add_subcommand(
      "deadline", "Case deadlines: what is due, why, and lawyers' actions");
  deadline->require_subcommand(1);

  auto list_args = std::make_shared<ListArgs>();
  CLI::App* list =
      deadline->add_subcommand("list", "Deadlines of one case, by due date");
  list->add_option("CASE", list_args->case_name, "cases/ID")->required();
  list->add_option("--status", list_args->statuses,
                   "Only these: " + Choices<v1::DeadlineStatus>() +
                       " (repeatable or comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  list->footer(
      "Examples:\n  clinicctl deadline list cases/4hq8\n"
      "  clinicctl deadline list cases/4hq8 --status open --json\n");
  list->callback([&ctx, &exit_code, list_args] {
    exit_code = ListDeadlines(ctx, *list_args);
  });

  auto upcoming_args = std::make_shared<UpcomingArgs>();
  CLI::App* upcoming = deadline->add_subcommand(
      "upcoming", "Your open deadlines across your cases, overdue first");
  upcoming->add_option("--within", upcoming_args->within,
                       "Only those due within DAYS (overdue ones always "
                       "show); default all");
  upcoming->add_option("--lawyer", upcoming_args->lawyer,
                       "users/NAME: must be you (each lawyer lists only "
                       "their own)");
  upcoming->footer(
      "The DAYS LEFT column counts from today in each case's province.\n"
      "Examples:\n  clinicctl deadline upcoming --within 14\n"
      "  clinicctl deadline upcoming --json\n");
  upcoming->callback([&ctx, &exit_code, upcoming_args] {
    exit_code = Upcoming(ctx, *upcoming_args);
  });

  auto watch_args = std::make_shared<WatchArgs>();
  CLI::App* watch = deadline->add_subcommand(
      "watch",
      "Follow deadline changes on your cases as they happen, with reminders");
  watch->add_option("--case", watch_args->case_name, "Only this case");
  watch
      ->add_option("--remind-within", watch_args->remind_within,
                   "Remind when a deadline comes within DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 60));
  watch->footer(
      "Prints every open deadline due within the window first, then each "
      "change\n(created, moved, withdrawn, completed, due soon) until "
      "Ctrl-C. With --json: JSON Lines.\n"
      "Examples:\n  clinicctl deadline watch\n"
      "  clinicctl deadline watch --case cases/4hq8 --json\n");
  watch->callback(
      [&ctx, &exit_code, watch_args] { exit_code = Watch(ctx, *watch_args); });

  auto show_name = std::make_shared<std::string>();
  CLI::App* show = deadline->add_subcommand(
      "show",
      "One deadline: the rule, citation, counting steps, skipped "
      "days, warnings and history");
  show->add_option("DEADLINE", *show_name, "cases/ID/deadlines/ID")->required();
  show->footer("Example:\n  clinicctl deadline show cases/4hq8/deadlines/d1\n");
  show->callback([&ctx, &exit_code, show_name] {
    exit_code = ShowDeadline(ctx, *show_name);
  });

  auto complete_args = std::make_shared<ActionArgs>();
  CLI::App* complete =
      deadline->add_subcommand("complete", "Mark a deadline met");
  complete->add_option("DEADLINE", complete_args->name, "cases/ID/deadlines/ID")
      ->required();
  complete->add_option("--filed", complete_args->filed, "What was filed")
      ->required();
  complete->add_option("--filed-date", complete_args->filed_date,
                       "When (default today)");
  complete->footer(
      "Example:\n  clinicctl deadline complete cases/4hq8/deadlines/d1 "
      "--filed \"BOC form and narrative\"\n");
  complete->callback([&ctx, &exit_code, complete_args] {
    exit_code = ActOn(ctx, Action::kComplete, *complete_args);
  });

  auto waive_args = std::make_shared<ActionArgs>();
  CLI::App* waive = deadline->add_subcommand(
      "waive", "Mark a deadline as not applying, with the reason");
  waive->add_option("DEADLINE", waive_args->name, "cases/ID/deadlines/ID")
      ->required();
  waive->add_option("--reason", waive_args->reason, "Why (5+ characters)")
      ->required();
  waive->footer(
      "Example:\n  clinicctl deadline waive cases/4hq8/deadlines/d2 --reason "
      "\"no Minister intervention\"\n");
  waive->callback([&ctx, &exit_code, waive_args] {
    exit_code = ActOn(ctx, Action::kWaive, *waive_args);
  });

  auto extend_args = std::make_shared<ActionArgs>();
  CLI::App* extend = deadline->add_subcommand(
      "extend", "Record an extension granted by the tribunal");
  extend->add_option("DEADLINE", extend_args->name, "cases/ID/deadlines/ID")
      ->required();
  extend->add_option("--to", extend_args->to, "The new date")->required();
  extend->add_option("--reason", extend_args->reason, "Why (5+ characters)")
      ->required();
  extend->add_option("--order", extend_args->order,
                     "The tribunal's order or letter reference");
  extend->footer(
      "Example:\n  clinicctl deadline extend cases/4hq8/deadlines/d1 --to "
      "2026-05-01 \\\n      --reason \"extension granted\" --order "
      "\"RPD letter 2026-04-10\"\n");
  extend->callback([&ctx, &exit_code, extend_args] {
    exit_code = ActOn(ctx, Action::kExtend, *extend_args);
  });

  auto override_args = std::make_shared<ActionArgs>();
  CLI::App* override_cmd = deadline->add_subcommand(
      "override", "Set the date yourself (the computed one is kept)");
  override_cmd
      ->add_option("DEADLINE", override_args->name, "cases/ID/deadlines/ID")
      ->required();
  override_cmd->add_option("--to", override_args->to, "The date in force")
      ->required();
  override_cmd
      ->add_option("--reason", override_args->reason, "Why (5+ characters)")
      ->required();
  override_cmd->footer(
      "Example:\n  clinicctl deadline override cases/4hq8/deadlines/d1 --to "
      "2026-04-14 \\\n      --reason \"registry confirmed the office closure "
      "does not count\"\n");
  override_cmd->callback([&ctx, &exit_code, override_args] {
    exit_code = ActOn(ctx, Action::kOverride, *override_args);
  });

  auto compute_args = std::make_shared<ComputeArgs>();
  CLI::App* compute = deadline->add_subcommand(
      "compute", "What-if: the date a rule gives for a trigger date");
  compute->add_option("RULE", compute_args->rule, "A rule id (`rules list`)")
      ->required();
  compute
      ->add_option("--trigger", compute_args->trigger,
                   "The trigger date (for \"before\" rules, the hearing)")
      ->required();
  compute->add_option(
      "--province", compute_args->province,
      "For rules counted with the province's holidays, e.g. QC");
  compute->add_option("--irb-region", compute_args->irb_region,
                      "For rules counted with an IRB office's days: " +
                          Choices<v1::IrbRegion>());
  AddReceiptFlags(compute, compute_args->receipt);
  compute->footer(
      "Stores nothing. Prints the date and how it was counted.\n"
      "Examples:\n"
      "  clinicctl deadline compute rpd.boc.port_of_entry.45d --trigger "
      "2026-03-02 --province QC\n"
      "  clinicctl deadline compute prra.submissions --trigger 2026-03-02 "
      "--received-by mail --sent 2026-03-02\n");
  compute->callback([&ctx, &exit_code, compute_args] {
    exit_code = Compute(ctx, *compute_args);
  });

  // ---- event
  CLI::App* event = app.add_subcommand(
      "event", "Record what happened on a case; deadlines follow from it");
  event->require_subcommand(1);
  auto event_args = std::make_shared<EventArgs>();
  CLI::App* record = event->add_subcommand(
      "record",
      "Record an event; prints the deadlines created, moved and "
      "withdrawn");
  record->add_option("CASE", event_args->case_name, "cases/ID")->required();
  record
      ->add_option("--type", event_args->type,
                   "One of " + Choices<v1::EventType>())
      ->required();
  record
      ->add_option("--date", event_args->date,
                   "When it happened (hearing events: the hearing date)")
      ->required();
  record->add_option("--time", event_args->time, "Time of a hearing, 09:30");
  AddReceiptFlags(record, event_args->receipt);
  record->add_option("--hearing", event_args->hearing,
                     "cases/ID/hearings/ID for hearing events");
  record->add_option("--note", event_args->note, "A note for the team");
  record->add_option("--request-id", event_args->request_id,
                     "Makes a retry safe (8..64 of A-Z a-z 0-9 _ -)");
  record->footer(
      "Examples:\n"
      "  clinicctl event record cases/4hq8 --type claim-referred --date "
      "2026-03-02\n"
      "  clinicctl event record cases/4hq8 --type decision-received --date "
      "2026-06-10 \\\n"
      "      --received-by mail --sent 2026-06-03\n");
  record->callback([&ctx, &exit_code, event_args] {
    exit_code = RecordEvent(ctx, *event_args);
  });
  auto events_case = std::make_shared<std::string>();
  CLI::App* events =
      event->add_subcommand("list", "Events of a case, oldest first");
  events->add_option("CASE", *events_case, "cases/ID")->required();
  events->footer("Example:\n  clinicctl event list cases/4hq8\n");
  events->callback([&ctx, &exit_code, events_case] {
    exit_code = ListEvents(ctx, *events_case);
  });

  // ---- holidays
  auto calendar = std::make_shared<std::string>();
  auto year = std::make_shared<int>(0);
  CLI::App* holidays = app.add_subcommand(
      "holidays", "Non-counting days of a holiday calendar for a year");
  holidays->add_option("CALENDAR", *calendar, "A calendar id, e.g. QC, CA-FC")
      ->required();
  holidays->add_option("YEAR", *year, "1990..2100")->required();
  holidays->footer(
      "Examples:\n  clinicctl holidays QC 2026\n  clinicctl holidays CA-FC "
      "2027 --json\n");
  holidays->callback([&ctx, &exit_code, calendar, year] {
    exit_code = Holidays(ctx, *calendar, *year);
  });

  // ---- rules
  CLI::App* rules =
      app.add_subcommand("rules", "The deadline rules the server counts with");
  rules->require_subcommand(1);
  auto rules_args = std::make_shared<RulesArgs>();
  CLI::App* rules_list = rules->add_subcommand("list", "Rules in force");
  rules_list->add_option("--case-type", rules_args->case_type,
                         "Only rules for " + Choices<v1::CaseType>());
  rules_list->add_option("--in-force-on", rules_args->in_force_on,
                         "Only rules in force on this date");
  rules_list->footer(
      "Examples:\n  clinicctl rules list --case-type rpd-claim\n"
      "  clinicctl rules list --json\n");
  rules_list->callback([&ctx, &exit_code, rules_args] {
    exit_code = ListRules(ctx, *rules_args);
  });
  auto rules_file = std::make_shared<std::string>();
  auto validate_only = std::make_shared<bool>(false);
  CLI::App* replace = rules->add_subcommand(
      "replace", "Install a new rule file (administrators)");
  replace->add_option("FILE", *rules_file, "A RuleSet in protobuf text format")
      ->required();
  replace->add_flag("--validate-only", *validate_only,
                    "Check the file and report what it would move; change "
                    "nothing");
  replace->footer(
      "A file with any error is refused as a whole; each problem is printed "
      "as\nFILE:LINE:COLUMN: reason.\n"
      "Examples:\n  clinicctl rules replace canada-2027.textproto "
      "--validate-only\n  clinicctl rules replace canada-2027.textproto\n");
  replace->callback([&ctx, &exit_code, rules_file, validate_only] {
    exit_code = ReplaceRules(ctx, *rules_file, *validate_only);
  });
}

}  // namespace cli
}  // namespace clinic
