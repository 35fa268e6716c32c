// `clinicctl dashboard`: a lawyer's morning view. Deadlines due soon (overdue
// first), the next hearings, and documents newly uploaded to their cases.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/command_context.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/format.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"

namespace clinic {
namespace cli {
namespace {

struct DashboardArgs {
  int days = 14;
  int hearings = 10;
  int new_documents_days = 7;
};

struct Dashboard {
  std::vector<v1::Deadline> deadlines;
  std::vector<v1::Hearing> hearings;
  std::vector<v1::Document> documents;
};

absl::Status Fetch(ClinicClient& client, const DashboardArgs& args,
                   Dashboard& out) {
  v1::DeadlineService::Stub deadlines(client.ChannelFor("deadline"));
  v1::ListUpcomingDeadlinesRequest upcoming;
  upcoming.set_due_within_days(args.days);
  upcoming.set_page_size(500);
  CLINIC_RETURN_IF_ERROR((FetchAllPages<v1::ListUpcomingDeadlinesRequest,
                                        v1::ListUpcomingDeadlinesResponse>(
      upcoming,
      [&](const v1::ListUpcomingDeadlinesRequest& r,
          v1::ListUpcomingDeadlinesResponse* page) {
        auto call = client.NewContext();
        return CallStatus(deadlines.ListUpcomingDeadlines(call.get(), r, page),
                          "deadlines");
      },
      [&](const v1::ListUpcomingDeadlinesResponse& page) {
        for (const auto& d : page.deadlines()) out.deadlines.push_back(d);
      },
      [](const v1::ListUpcomingDeadlinesResponse& p) {
        return p.deadlines_size();
      })));
  std::stable_sort(out.deadlines.begin(), out.deadlines.end(),
                   [](const v1::Deadline& a, const v1::Deadline& b) {
                     return a.days_remaining() < b.days_remaining();
                   });

  v1::HearingService::Stub hearings(client.ChannelFor("hearing"));
  v1::ListHearingsRequest next;
  *next.mutable_start_after() = ToProtoTime(absl::Now());
  next.set_page_size(args.hearings);
  v1::ListHearingsResponse listed;
  auto call = client.NewContext();
  CLINIC_RETURN_IF_ERROR(
      CallStatus(hearings.ListHearings(call.get(), next, &listed), "hearings"));
  for (const auto& h : listed.hearings()) out.hearings.push_back(h);

  // New documents: on each of the caller's cases.
  v1::IntakeService::Stub intake(client.ChannelFor("intake"));
  v1::ListCasesRequest mine;
  mine.set_team_member(absl::StrCat("users/", client.session().username));
  mine.set_page_size(200);
  std::vector<std::string> cases;
  CLINIC_RETURN_IF_ERROR(
      (FetchAllPages<v1::ListCasesRequest, v1::ListCasesResponse>(
          mine,
          [&](const v1::ListCasesRequest& r, v1::ListCasesResponse* page) {
            auto c = client.NewContext();
            return CallStatus(intake.ListCases(c.get(), r, page), "cases");
          },
          [&](const v1::ListCasesResponse& page) {
            for (const auto& k : page.cases()) cases.push_back(k.name());
          },
          [](const v1::ListCasesResponse& p) { return p.cases_size(); })));
  v1::DocumentService::Stub documents(client.ChannelFor("document"));
  const absl::Time since =
      absl::Now() - absl::Hours(24 * args.new_documents_days);
  for (const std::string& case_name : cases) {
    v1::ListDocumentsRequest req;
    req.set_case_(case_name);
    *req.mutable_updated_since() = ToProtoTime(since);
    req.set_page_size(100);
    v1::ListDocumentsResponse docs;
    auto c = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        CallStatus(documents.ListDocuments(c.get(), req, &docs), "documents"));
    for (const auto& d : docs.documents()) out.documents.push_back(d);
  }
  std::sort(out.documents.begin(), out.documents.end(),
            [](const v1::Document& a, const v1::Document& b) {
              return FromProtoTime(a.update_time()) >
                     FromProtoTime(b.update_time());
            });
  return absl::OkStatus();
}

template <typename Message>
std::string JsonArray(const std::vector<Message>& items) {
  std::vector<std::string> parts;
  for (const Message& m : items) parts.push_back(JsonOf(m));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

void Print(const Dashboard& d, const DashboardArgs& args) {
  const absl::TimeZone local = absl::LocalTimeZone();
  std::printf("DEADLINES DUE IN THE NEXT %d DAYS (overdue first)\n", args.days);
  if (d.deadlines.empty()) {
    std::printf("  none\n");
  } else {
    Table table({"DUE", "DAYS LEFT", "WHAT", "CASE", "DEADLINE"});
    for (const v1::Deadline& dl : d.deadlines) {
      table.AddRow({FormatDate(dl.due_date()),
                    FormatDaysRemaining(dl.days_remaining()),
                    Abbreviate(dl.title(), 50), dl.case_(), dl.name()});
    }
    table.Print();
  }
  std::printf("\nNEXT HEARINGS\n");
  if (d.hearings.empty()) {
    std::printf("  none\n");
  } else {
    Table table({"WHEN", "KIND", "WHERE", "CASE"});
    for (const v1::Hearing& h : d.hearings) {
      absl::TimeZone zone = local;
      if (!h.time_zone().empty())
        (void)absl::LoadTimeZone(h.time_zone(), &zone);
      table.AddRow(
          {FormatTimestamp(h.start_time(), zone), ShortName(h.kind()),
           Abbreviate(h.location().empty() ? ShortName(h.mode()) : h.location(),
                      40),
           h.case_()});
    }
    table.Print();
  }
  std::printf("\nDOCUMENTS UPLOADED IN THE LAST %d DAYS\n",
              args.new_documents_days);
  if (d.documents.empty()) {
    std::printf("  none\n");
  } else {
    Table table({"UPLOADED", "TYPE", "TITLE", "DOCUMENT"});
    for (const v1::Document& doc : d.documents) {
      table.AddRow({FormatTimestamp(doc.update_time(), local),
                    ShortName(doc.type()), Abbreviate(doc.title(), 50),
                    doc.name()});
    }
    table.Print();
  }
}

}  // namespace

void RegisterDashboardCommand(CLI::App& app, CommandContext& ctx,
                              int& exit_code) {
  auto args = std::make_shared<DashboardArgs>();
  CLI::App* dashboard = app.add_subcommand(
      "dashboard",
      "Your deadlines due soon (overdue first), next hearings, new documents");
  dashboard
      ->add_option("--days", args->days,
                   "Deadlines due within DAYS (overdue always show)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  dashboard
      ->add_option("--hearings", args->hearings,
                   "How many upcoming hearings to show")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  dashboard
      ->add_option("--new-documents", args->new_documents_days,
                   "Documents uploaded within DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 365));
  dashboard->footer(
      "With --json: one document {\"deadlines\":[...],\"hearings\":[...],"
      "\"documents\":[...]}.\n"
      "Examples:\n  clinicctl dashboard\n  clinicctl dashboard --days 30 "
      "--json\n");
  dashboard->callback([&ctx, &exit_code, args] {
    exit_code = RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
      Dashboard d;
      CLINIC_RETURN_IF_ERROR(Fetch(client, *args, d));
      if (ctx.options().json) {
        std::printf("{\"deadlines\":%s,\"hearings\":%s,\"documents\":%s}\n",
                    JsonArray(d.deadlines).c_str(),
                    JsonArray(d.hearings).c_str(),
                    JsonArray(d.documents).c_str());
      } else {
        Print(d, *args);
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace cli
}  // namespace clinic
