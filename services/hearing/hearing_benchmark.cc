// Benchmark of conflict detection and free-slot search, each against a naive
// baseline measured in the same process:
//
//  1. In memory, 10,000 hearings of 300 lawyers (one of them with 2,000
//     hearings), 3,000 clients and 120 interpreters: ScheduleIndex vs a scan
//     of every hearing, per conflict check; FreeSlots vs trying every 15-minute
//     start against every hearing, for the busy lawyer over 90 days.
//  2. In the real SQLCipher store with the same data: the service's conflict
//     check (indexed per-person range queries), scheduling = conflict check +
//     insert in a transaction, and the 90-day free-slot search, vs a baseline
//     that reads every stored hearing and scans it.
//  3. Over gRPC (TLS on loopback, with the auth, audit and intake services and
//     a minimal deadline service that accepts every event): ScheduleHearing
//     for a lawyer who already has 2,000 hearings, and CheckAvailability over
//     90 days for that lawyer.
//
// Prints latencies (mean, p50, p99) and ratios. Wall-clock figures vary by
// machine; the ratios are the point. Usage: hearing_benchmark [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "base/proto_time.h"
#include "base/random.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/call_context.h"
#include "services/common/validation.h"
#include "services/hearing/availability.h"
#include "services/hearing/conflicts.h"
#include "services/hearing/hearing_service.h"
#include "services/hearing/hearing_store.h"
#include "services/intake/intake_service.h"
#include "storage/database.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace hearing {
namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
  double mean_us = 0, p50_us = 0, p99_us = 0;
};

Stats Summarize(std::vector<double> us) {
  Stats s;
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  double total = 0;
  for (double u : us) total += u;
  s.mean_us = total / us.size();
  s.p50_us = us[us.size() / 2];
  s.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  return s;
}

// Runs `fn` `n` times, timing each call in microseconds.
Stats Time(int n, const std::function<void(int)>& fn) {
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    fn(i);
    us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  return Summarize(std::move(us));
}

void Print(const char* what, const Stats& s) {
  std::printf("  %-58s mean %10.1f us  p50 %10.1f us  p99 %10.1f us\n", what,
              s.mean_us, s.p50_us, s.p99_us);
}

constexpr int kLawyers = 300;
constexpr int kHearings = 10000;
constexpr int kBusyLawyerHearings = 2000;
constexpr int kClients = 3000;
constexpr int kInterpreters = 120;

const absl::TimeZone& Toronto() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    absl::LoadTimeZone("America/Toronto", z);
    return z;
  }();
  return *zone;
}

const absl::CivilDay kFirstDay(2027, 1, 4);
// Most lawyers' hearings fall in one year; the busy lawyer's 2,000 span five
// (about 1.6 per working day, a heavy but real load).
constexpr int kDays = 365;
constexpr int kBusyDays = 5 * 365;

bool IsBusy(const std::string& lawyer) { return lawyer == "users/busy"; }

// A hearing on a working day in working hours, on the 15-minute grid.
Scheduled RandomHearing(std::mt19937& rng, int i, const std::string& lawyer) {
  Scheduled s;
  absl::CivilDay day =
      IsBusy(lawyer) ? kFirstDay - 2 * 365 + static_cast<int>(rng() % kBusyDays)
                     : kFirstDay + static_cast<int>(rng() % kDays);
  while (absl::GetWeekday(day) == absl::Weekday::saturday ||
         absl::GetWeekday(day) == absl::Weekday::sunday) {
    ++day;
  }
  absl::CivilSecond start =
      absl::CivilSecond(day) + 9 * 3600 + 900 * static_cast<int>(rng() % 28);
  s.booking.name = absl::StrCat("cases/c", i % 4000, "/hearings/h", i);
  s.booking.start = absl::FromCivil(start, Toronto());
  s.booking.end =
      s.booking.start + absl::Minutes(15 * (2 + static_cast<int>(rng() % 14)));
  s.booking.in_person = rng() % 2 == 0;
  if (s.booking.in_person) s.booking.place = absl::StrCat("office ", rng() % 6);
  s.parties.lawyer = lawyer;
  if (rng() % 3 != 0) {
    s.parties.interpreter = absl::StrCat("interpreter ", rng() % kInterpreters);
  }
  s.parties.clients = {absl::StrCat("clients/k", rng() % kClients)};
  return s;
}

std::vector<Scheduled> MakeData(std::mt19937& rng) {
  std::vector<Scheduled> all;
  all.reserve(kHearings);
  for (int i = 0; i < kHearings; ++i) {
    std::string lawyer = i < kBusyLawyerHearings
                             ? std::string("users/busy")
                             : absl::StrCat("users/l", rng() % (kLawyers - 1));
    all.push_back(RandomHearing(rng, i, lawyer));
  }
  return all;
}

v1::Hearing ToHearing(const Scheduled& s) {
  v1::Hearing h;
  h.set_name(s.booking.name);
  h.set_case_(s.booking.name.substr(0, s.booking.name.find("/hearings/")));
  h.set_division(v1::IRB_DIVISION_RPD);
  h.set_kind(v1::HEARING_KIND_MERITS);
  *h.mutable_start_time() = ToProtoTime(s.booking.start);
  *h.mutable_duration() = ToProtoDuration(s.booking.end - s.booking.start);
  h.set_time_zone("America/Toronto");
  h.set_mode(s.booking.in_person ? v1::HEARING_MODE_IN_PERSON
                                 : v1::HEARING_MODE_VIDEO);
  if (s.booking.in_person) h.set_location(s.booking.place);
  h.set_counsel(s.parties.lawyer);
  h.set_interpreter(s.parties.interpreter);
  if (!s.parties.interpreter.empty()) h.set_interpreter_language("ti");
  for (const auto& c : s.parties.clients) h.add_attendees(c);
  h.set_status(v1::HEARING_STATUS_SCHEDULED);
  *h.mutable_create_time() = ToProtoTime(absl::FromUnixSeconds(1795000000));
  *h.mutable_update_time() = h.create_time();
  return h;
}

AvailabilityQuery NinetyDays() {
  AvailabilityQuery q;
  q.from = kFirstDay + 30;
  q.to = q.from + 89;
  q.zone = Toronto();
  q.duration = absl::Hours(2);
  q.max_slots = 500;
  q.in_person = true;
  q.place = "office 1";
  return q;
}

// A deadline service that accepts every event and knows no holidays, so that
// section 3 measures the hearing service, not the deadline rules.
class AcceptingDeadlines final : public v1::DeadlineService::Service {
 public:
  grpc::Status RecordEvent(grpc::ServerContext* ctx,
                           const v1::RecordEventRequest* req,
                           v1::RecordEventResponse* resp) override {
    return HandleCall(ctx, [&](const Caller&) {
      *resp->mutable_event() = req->event();
      return absl::OkStatus();
    });
  }
  grpc::Status ListHolidays(grpc::ServerContext* ctx,
                            const v1::ListHolidaysRequest*,
                            v1::ListHolidaysResponse*) override {
    return HandleCall(ctx, [&](const Caller&) { return absl::OkStatus(); });
  }
};

int RunRpc(bool quick) {
  std::printf("\n3. Over gRPC (TLS loopback, in-process deadline stand-in)\n");
  ServiceDefinition deadline;
  deadline.name = "deadline";
  deadline.full_name = "clinic.v1.DeadlineService";
  deadline.create =
      [](ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<AcceptingDeadlines>>(
        std::make_unique<AcceptingDeadlines>());
  };
  testing::TestServer::Options options;
  options.audit_enabled = true;
  options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                      IntakeServiceDefinition(), deadline,
                      HearingServiceDefinition()};
  auto server = testing::TestServer::Start(std::move(options));
  if (!server.ok()) {
    std::fprintf(stderr, "server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  auto intake_token = (*server)->CreateUser("ines", {v1::ROLE_INTAKE});
  auto lawyer_token = (*server)->CreateUser("lena", {v1::ROLE_LAWYER});
  if (!intake_token.ok() || !lawyer_token.ok()) return 1;
  v1::IntakeService::Stub intake((*server)->channel());
  v1::HearingService::Stub hearings((*server)->channel());

  // 40 cases of one lawyer.
  std::vector<std::string> cases;
  for (int i = 0; i < 40; ++i) {
    v1::CreateClientRequest create;
    v1::Client* c = create.mutable_client();
    c->mutable_legal_name()->set_given_names(absl::StrCat("Client", i));
    c->mutable_legal_name()->set_family_name(absl::StrCat("Bench", i * 7919));
    c->mutable_birth_date()->set_year(1980 + i % 20);
    c->add_citizenships("ER");
    c->mutable_arrival()->set_mode(v1::ENTRY_MODE_IRREGULAR_CROSSING);
    c->mutable_arrival()->set_place("Lacolle");
    v1::Client client;
    auto ctx = (*server)->Context(*intake_token);
    if (!intake.CreateClient(ctx.get(), create, &client).ok()) return 1;
    v1::CheckConflictsRequest check;
    *check.add_subjects()->mutable_name() = client.legal_name();
    v1::ConflictCheck result;
    ctx = (*server)->Context(*intake_token);
    if (!intake.CheckConflicts(ctx.get(), check, &result).ok()) return 1;
    v1::OpenCaseRequest open;
    open.mutable_case_()->set_type(v1::CASE_TYPE_RPD_CLAIM);
    open.mutable_case_()->set_principal_client(client.name());
    open.mutable_case_()->set_province(v1::PROVINCE_QC);
    open.set_conflict_check(result.name());
    if (result.outcome() == v1::ConflictCheck::OUTCOME_POTENTIAL_CONFLICT) {
      open.set_conflict_waiver_reason("benchmark: reviewed, not a conflict");
    }
    v1::TeamMember* m = open.add_team();
    m->set_user("users/lena");
    m->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
    v1::Case kase;
    ctx = (*server)->Context(*intake_token);
    grpc::Status s = intake.OpenCase(ctx.get(), open, &kase);
    if (!s.ok()) {
      std::fprintf(stderr, "open case: %s\n", s.error_message().c_str());
      return 1;
    }
    cases.push_back(kase.name());
  }

  // Tokens live 15 minutes on the server's fake clock, which never moves.
  std::mt19937 rng(5);
  // Two video hearings per working day (09:00-11:00, 14:00-16:00) from
  // Monday kFirstDay on.
  int slot = 0;
  auto day_of = [](int working_day) {
    return kFirstDay + (working_day / 5) * 7 + working_day % 5;
  };
  auto next_start = [&]() {
    absl::CivilSecond start =
        absl::CivilSecond(day_of(slot / 2)) + (slot % 2 ? 14 * 3600 : 9 * 3600);
    ++slot;
    return absl::FromCivil(start, Toronto());
  };
  auto schedule = [&](absl::Time start, v1::ScheduleHearingResponse* out) {
    v1::ScheduleHearingRequest req;
    req.set_case_(cases[rng() % cases.size()]);
    v1::Hearing* h = req.mutable_hearing();
    h->set_division(v1::IRB_DIVISION_RPD);
    h->set_kind(v1::HEARING_KIND_MERITS);
    *h->mutable_start_time() = ToProtoTime(start);
    *h->mutable_duration() = ToProtoDuration(absl::Hours(2));
    h->set_time_zone("America/Toronto");
    h->set_mode(v1::HEARING_MODE_VIDEO);
    h->set_counsel("users/lena");
    auto ctx = (*server)->Context(*lawyer_token);
    return hearings.ScheduleHearing(ctx.get(), req, out);
  };
  const int existing = quick ? 300 : kBusyLawyerHearings;
  auto t0 = Clock::now();
  for (int i = 0; i < existing; ++i) {
    v1::ScheduleHearingResponse out;
    grpc::Status s = schedule(next_start(), &out);
    if (!s.ok()) {
      std::fprintf(stderr, "schedule %d: %s\n", i, s.error_message().c_str());
      return 1;
    }
  }
  std::printf("  scheduled %d hearings for one lawyer in %.1f s\n", existing,
              std::chrono::duration<double>(Clock::now() - t0).count());

  const int n = quick ? 50 : 200;
  std::vector<double> accepted_us, refused_us;
  for (int i = 0; i < n; ++i) {
    // Alternately a free time and a time that clashes (the first slots).
    bool clash = i % 2 == 1;
    absl::Time start =
        clash ? absl::FromCivil(absl::CivilSecond(kFirstDay) + 10 * 3600,
                                Toronto())
              : next_start();
    v1::ScheduleHearingResponse out;
    auto t = Clock::now();
    grpc::Status s = schedule(start, &out);
    double us =
        std::chrono::duration<double, std::micro>(Clock::now() - t).count();
    if (s.ok()) {
      accepted_us.push_back(us);
    } else if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      refused_us.push_back(us);
    } else {
      std::fprintf(stderr, "schedule: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  Print("ScheduleHearing RPC, free time (stored, event recorded)",
        Summarize(accepted_us));
  Print("ScheduleHearing RPC, conflict (refused naming it)",
        Summarize(refused_us));

  v1::CheckAvailabilityRequest avail;
  avail.set_lawyer("users/lena");
  absl::CivilDay from = day_of(existing / 4);  // amid the booked period
  *avail.mutable_from_date() = ToDate(from);
  *avail.mutable_to_date() = ToDate(from + 89);
  *avail.mutable_duration() = ToProtoDuration(absl::Hours(1));
  avail.set_time_zone("America/Toronto");
  avail.set_max_slots(500);
  size_t windows = 0;
  Stats free = Time(quick ? 10 : 50, [&](int) {
    v1::CheckAvailabilityResponse resp;
    auto ctx = (*server)->Context(*lawyer_token);
    grpc::Status s = hearings.CheckAvailability(ctx.get(), avail, &resp);
    if (s.ok()) windows = resp.slots_size();
  });
  Print("CheckAvailability RPC, 90 days, lawyer with those hearings", free);
  std::printf("  %zu free windows of at least 1 hour\n", windows);
  return 0;
}

int Run(bool quick) {
  std::mt19937 rng(2026);
  const BufferPolicy policy;
  const std::vector<Scheduled> all = MakeData(rng);
  const int checks = quick ? 200 : 2000;
  std::vector<Scheduled> candidates;
  for (int i = 0; i < checks; ++i) {
    Scheduled c = RandomHearing(rng, kHearings + i,
                                i % 2 ? std::string("users/busy")
                                      : absl::StrCat("users/l", rng() % 299));
    c.booking.name = absl::StrCat("cases/new/hearings/n", i);
    candidates.push_back(c);
  }
  std::printf(
      "hearing benchmark: %d hearings, %d lawyers (one with %d), %d clients, "
      "%d interpreters, %d conflict checks\n",
      kHearings, kLawyers, kBusyLawyerHearings, kClients, kInterpreters,
      checks);

  // ---- 1. In memory.
  std::printf("\n1. In memory\n");
  ScheduleIndex index;
  auto t0 = Clock::now();
  for (const Scheduled& s : all) index.Add(s);
  std::printf(
      "  index build: %.1f ms\n",
      std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  size_t found_index = 0, found_scan = 0;
  Stats indexed = Time(checks, [&](int i) {
    found_index += index.FindConflicts(candidates[i], policy).size();
  });
  Stats scanned = Time(checks, [&](int i) {
    found_scan += FindConflictsByScan(candidates[i], all, policy).size();
  });
  Print("conflict check, ScheduleIndex", indexed);
  Print("conflict check, baseline scan of every hearing", scanned);
  std::printf("  conflicts found: index %zu, scan %zu (%s); speed-up x%.1f\n",
              found_index, found_scan,
              found_index == found_scan ? "same" : "DIFFERENT",
              scanned.mean_us / indexed.mean_us);

  AvailabilityQuery q = NinetyDays();
  std::vector<Booking> busy;
  for (const Scheduled& s : all) {
    if (s.parties.lawyer == "users/busy") busy.push_back(s.booking);
  }
  size_t slots_fast = 0, slots_scan = 0;
  const int avail_runs = quick ? 5 : 20;
  Stats fast = Time(
      avail_runs, [&](int) { slots_fast = FreeSlots(q, busy, policy).size(); });
  Stats naive = Time(quick ? 1 : 3, [&](int) {
    slots_scan = FreeSlotsByScan(q, busy, policy).size();
  });
  Print("free slots, 90 days, 2,000-hearing lawyer: sweep", fast);
  Print("free slots, 90 days: baseline 15-min grid x every hearing", naive);
  std::printf("  windows: sweep %zu, baseline %zu (%s); speed-up x%.0f\n",
              slots_fast, slots_scan,
              slots_fast == slots_scan ? "same" : "DIFFERENT",
              naive.mean_us / fast.mean_us);

  // ---- 2. SQLCipher store.
  std::printf("\n2. SQLCipher store (hearing_store, real encryption)\n");
  std::string dir = testing::NewTempDir("hearing_bench");
  auto key = RandomSecret(32);
  storage::Database::Options options;
  options.label = "hearing benchmark database";
  options.migrations = hearing_store::Migrations();
  auto db = storage::Database::Open(dir + "/hearing.db", *key, options);
  if (!db.ok()) {
    std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
    return 1;
  }
  t0 = Clock::now();
  absl::Status loaded = (*db)->Write([&](storage::Connection& c) {
    for (const Scheduled& s : all) {
      v1::Hearing h = ToHearing(s);
      absl::Status st = hearing_store::Insert(c, &h, "", "users/bench", "load");
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  });
  if (!loaded.ok()) {
    std::fprintf(stderr, "load: %s\n", loaded.ToString().c_str());
    return 1;
  }
  std::printf(
      "  loaded %d hearings in %.1f ms\n", kHearings,
      std::chrono::duration<double, std::milli>(Clock::now() - t0).count());

  // The service's check: one indexed range query per person.
  auto store_check = [&](storage::Connection& c, const Scheduled& cand,
                         std::vector<Conflict>* out) -> absl::Status {
    const absl::Time from =
        cand.booking.start - absl::Hours(12) - policy.Largest();
    const absl::Time to = cand.booking.end + policy.Largest();
    auto one = [&](PartyKind who, const std::string& party) -> absl::Status {
      if (party.empty()) return absl::OkStatus();
      auto others = hearing_store::BookingsOf(c, who, party, from, to);
      if (!others.ok()) return others.status();
      CheckParty(who, party, cand.booking, *others, policy, out);
      return absl::OkStatus();
    };
    absl::Status st = one(PartyKind::kLawyer, cand.parties.lawyer);
    if (st.ok()) st = one(PartyKind::kInterpreter, cand.parties.interpreter);
    for (const auto& client : cand.parties.clients) {
      if (st.ok()) st = one(PartyKind::kClient, client);
    }
    return st;
  };
  const int store_checks = quick ? 100 : 1000;
  size_t store_found = 0;
  Stats store_indexed = Time(store_checks, [&](int i) {
    (void)(*db)->Read([&](storage::Connection& c) {
      std::vector<Conflict> out;
      absl::Status st = store_check(c, candidates[i], &out);
      store_found += out.size();
      return st;
    });
  });
  // Baseline: read every stored hearing and scan.
  const int store_scans = quick ? 3 : 10;
  size_t scan_found = 0;
  Stats store_scan = Time(store_scans, [&](int i) {
    (void)(*db)->Read([&](storage::Connection& c) {
      hearing_store::ListQuery everyone;
      std::vector<Scheduled> rows;
      // Every lawyer's hearings: the baseline has no per-person index.
      for (int l = 0; l < kLawyers; ++l) {
        everyone.counsel =
            l == kLawyers - 1 ? "users/busy" : absl::StrCat("users/l", l);
        everyone.limit = 100000;
        auto list = hearing_store::List(c, everyone);
        if (!list.ok()) return list.status();
        for (const v1::Hearing& h : *list) {
          rows.push_back(
              {hearing_store::BookingOf(h), hearing_store::PartiesOf(h)});
        }
      }
      scan_found += FindConflictsByScan(candidates[i], rows, policy).size();
      return absl::OkStatus();
    });
  });
  Print("conflict check in the store, per-person range queries", store_indexed);
  Print("conflict check, baseline: read all hearings and scan", store_scan);
  std::printf("  speed-up x%.0f\n", store_scan.mean_us / store_indexed.mean_us);

  size_t store_slots = 0;
  Stats store_avail = Time(avail_runs, [&](int) {
    (void)(*db)->Read([&](storage::Connection& c) {
      auto b = hearing_store::BookingsOf(
          c, PartyKind::kLawyer, "users/busy",
          absl::FromCivil(absl::CivilSecond(q.from), Toronto()) -
              absl::Hours(14),
          absl::FromCivil(absl::CivilSecond(q.to + 1), Toronto()) +
              absl::Hours(2));
      if (!b.ok()) return b.status();
      store_slots = FreeSlots(q, *b, policy).size();
      return absl::OkStatus();
    });
  });
  Print("free slots from the store, 90 days, busy lawyer", store_avail);
  std::printf("  %zu windows; vs in-memory baseline scan x%.0f\n", store_slots,
              naive.mean_us / store_avail.mean_us);
  // Scheduling for the busy lawyer: conflict check + insert, one transaction
  // per hearing (as the service commits; its deadline call is not included).
  std::vector<double> stored_us, refused_us;
  for (int i = 0; i < store_checks; ++i) {
    Scheduled cand = RandomHearing(rng, 100000 + i, "users/busy");
    // Into the coming 90 days, where the free-slot search looks too.
    absl::Duration shift =
        absl::Hours(24) * ((kFirstDay + 30 + static_cast<int>(rng() % 90)) -
                           absl::ToCivilDay(cand.booking.start, Toronto()));
    cand.booking.start += shift;
    cand.booking.end += shift;
    cand.booking.name = absl::StrCat("cases/sched/hearings/s", i);
    bool stored = false;
    auto t = Clock::now();
    (void)(*db)->Write([&](storage::Connection& c) {
      std::vector<Conflict> out;
      absl::Status st = store_check(c, cand, &out);
      if (!st.ok() || !out.empty()) return st;
      v1::Hearing h = ToHearing(cand);
      stored = true;
      return hearing_store::Insert(c, &h, "", "users/bench", "scheduled");
    });
    double us =
        std::chrono::duration<double, std::micro>(Clock::now() - t).count();
    (stored ? stored_us : refused_us).push_back(us);
  }
  Print("schedule, busy lawyer: free time (check + insert + commit)",
        Summarize(stored_us));
  Print("schedule, busy lawyer: conflict found (check, nothing stored)",
        Summarize(refused_us));
  std::printf("  %zu of %d candidate times were free and were stored\n",
              stored_us.size(), store_checks);
  if (RunRpc(quick) != 0) return 1;
  return found_index == found_scan && slots_fast == slots_scan ? 0 : 2;
}

}  // namespace
}  // namespace hearing
}  // namespace clinic

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  return clinic::hearing::Run(quick);
}
