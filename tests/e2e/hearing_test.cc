// HearingService over real TLS with the audit, auth and intake services and a
// deadline service: scheduling with conflict checks (lawyer, interpreter,
// client; zones, buffers, explicit override), the deadline link (events
// recorded as the user, a refusal keeps no change), reschedule/cancel with
// etags, postponements, availability, the iCalendar feed (parsed back with
// libical), validation and row-level access.
//
// Most tests use an in-test DeadlineService that records what it is asked and
// can be told to refuse; the last ones use the real DeadlineServiceDefinition()
// (which answers UNIMPLEMENTED until its issue lands, and then must move the
// derived deadlines).
#include <libical/ical.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/proto_time.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/hearing.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/call_context.h"
#include "services/common/validation.h"
#include "services/deadline/deadline_service.h"
#include "services/hearing/hearing_service.h"
#include "services/intake/intake_service.h"
#include "tests/testing/cases.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// ---- A deadline service that records what it is asked ----------------------

struct FakeDeadlineState {
  absl::Mutex mu;
  struct Recorded {
    std::string username;
    v1::CaseEvent event;
  };
  std::vector<Recorded> events ABSL_GUARDED_BY(mu);
  std::vector<v1::ComputeDateRequest> computes ABSL_GUARDED_BY(mu);
  // Answer of the next RecordEvent calls (OK: record).
  absl::Status refuse ABSL_GUARDED_BY(mu);
  std::vector<absl::CivilDay> holidays ABSL_GUARDED_BY(mu);

  std::vector<Recorded> Events() {
    absl::MutexLock lock(&mu);
    return events;
  }
  void Refuse(absl::Status s) {
    absl::MutexLock lock(&mu);
    refuse = std::move(s);
  }
};

class FakeDeadlineService final : public v1::DeadlineService::Service {
 public:
  explicit FakeDeadlineService(std::shared_ptr<FakeDeadlineState> state)
      : state_(std::move(state)) {}

  grpc::Status RecordEvent(grpc::ServerContext* ctx,
                           const v1::RecordEventRequest* req,
                           v1::RecordEventResponse* resp) override {
    return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
      absl::MutexLock lock(&state_->mu);
      if (!state_->refuse.ok()) return state_->refuse;
      state_->events.push_back({caller.username, req->event()});
      *resp->mutable_event() = req->event();
      return absl::OkStatus();
    });
  }

  grpc::Status ComputeDate(grpc::ServerContext* ctx,
                           const v1::ComputeDateRequest* req,
                           v1::ComputeDateResponse* resp) override {
    return HandleCall(ctx, [&](const Caller&) -> absl::Status {
      absl::MutexLock lock(&state_->mu);
      state_->computes.push_back(*req);
      // Three clear working days before (weekends only, for the fake).
      absl::CivilDay day = ToCivilDay(req->trigger_date());
      for (int n = 0; n < 4;) {
        --day;
        absl::Weekday wd = absl::GetWeekday(day);
        if (wd != absl::Weekday::saturday && wd != absl::Weekday::sunday) ++n;
      }
      *resp->mutable_due_date() = ToDate(day);
      return absl::OkStatus();
    });
  }

  grpc::Status ListHolidays(grpc::ServerContext* ctx,
                            const v1::ListHolidaysRequest* req,
                            v1::ListHolidaysResponse* resp) override {
    return HandleCall(ctx, [&](const Caller&) -> absl::Status {
      absl::MutexLock lock(&state_->mu);
      for (absl::CivilDay d : state_->holidays) {
        if (d.year() != req->year()) continue;
        v1::Holiday* h = resp->add_holidays();
        *h->mutable_date() = ToDate(d);
        h->set_name("test holiday");
      }
      resp->add_non_counting_weekdays(v1::WEEKDAY_SUNDAY);
      return absl::OkStatus();
    });
  }

  // One open "disclosure" deadline 10 days before each live hearing.
  grpc::Status ListUpcomingDeadlines(
      grpc::ServerContext* ctx, const v1::ListUpcomingDeadlinesRequest*,
      v1::ListUpcomingDeadlinesResponse* resp) override {
    return HandleCall(ctx, [&](const Caller&) -> absl::Status {
      absl::MutexLock lock(&state_->mu);
      std::map<std::string, std::pair<v1::CaseEvent, int>> latest;
      for (const auto& r : state_->events) {
        auto& slot = latest[r.event.hearing()];
        slot.first = r.event;
        ++slot.second;
      }
      for (const auto& [hearing, last] : latest) {
        if (last.first.type() == v1::EVENT_TYPE_HEARING_CANCELLED) continue;
        v1::Deadline* d = resp->add_deadlines();
        d->set_name(absl::StrCat(last.first.case_(), "/deadlines/d",
                                 hearing.substr(hearing.rfind('/') + 1)));
        d->set_case_(last.first.case_());
        d->set_title("Disclose documents to be used at the hearing");
        d->set_status(v1::DEADLINE_STATUS_OPEN);
        *d->mutable_due_date() = ToDate(ToCivilDay(last.first.date()) - 10);
        for (int i = 0; i < last.second; ++i) d->add_history();
        d->set_hearing(hearing);
      }
      return absl::OkStatus();
    });
  }

 private:
  std::shared_ptr<FakeDeadlineState> state_;
};

ServiceDefinition FakeDeadlineDefinition(
    std::shared_ptr<FakeDeadlineState> state) {
  ServiceDefinition def;
  def.name = "deadline";
  def.full_name = "clinic.v1.DeadlineService";
  def.create =
      [state](
          ServiceContext&) -> absl::StatusOr<std::unique_ptr<HostedService>> {
    return std::make_unique<SimpleHostedService<FakeDeadlineService>>(
        std::make_unique<FakeDeadlineService>(state));
  };
  return def;
}

// ---- Fixture
// -----------------------------------------------------------------

absl::Time Local(const char* zone_name, absl::CivilSecond cs) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(zone_name, &zone)) << zone_name;
  return absl::FromCivil(cs, zone);
}

class HearingTestBase : public ::testing::Test {
 protected:
  void StartWith(ServiceDefinition deadline) {
    testing::TestServer::Options options;
    options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                        IntakeServiceDefinition(), std::move(deadline),
                        HearingServiceDefinition()};
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    intake_stub_ =
        std::make_unique<v1::IntakeService::Stub>(server_->channel());
    stub_ = std::make_unique<v1::HearingService::Stub>(server_->channel());
    intake_ = *server_->CreateUser("ines", {v1::ROLE_INTAKE});
    lena_ = *server_->CreateUser("lena", {v1::ROLE_LAWYER});
    omar_ = *server_->CreateUser("omar", {v1::ROLE_LAWYER});
  }

  v1::Client CreateClient(const std::string& given) {
    v1::CreateClientRequest req;
    v1::Client* c = req.mutable_client();
    c->mutable_legal_name()->set_given_names(given);
    c->mutable_legal_name()->set_family_name("Tesfay");
    c->mutable_birth_date()->set_year(1990);
    c->add_citizenships("ER");
    c->mutable_arrival()->set_mode(v1::ENTRY_MODE_IRREGULAR_CROSSING);
    c->mutable_arrival()->set_place("Lacolle");
    v1::Client out;
    auto ctx = server_->Context(intake_);
    grpc::Status s = intake_stub_->CreateClient(ctx.get(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // An RPD claim in Quebec for `client` with `lawyer` as lead lawyer.
  v1::Case OpenCase(const v1::Client& client, const std::string& lawyer) {
    testing::CaseOptions options;
    options.province = v1::PROVINCE_QC;
    options.lead_lawyer = lawyer;
    auto kase =
        testing::OpenCaseFor(server_->channel(), intake_, client, options);
    EXPECT_TRUE(kase.ok()) << kase.status();
    return kase.ok() ? *kase : v1::Case();
  }

  static v1::Hearing Hearing(const char* zone, absl::CivilSecond local,
                             absl::Duration length = absl::Hours(3)) {
    v1::Hearing h;
    h.set_division(v1::IRB_DIVISION_RPD);
    h.set_kind(v1::HEARING_KIND_MERITS);
    *h.mutable_start_time() = ToProtoTime(Local(zone, local));
    *h.mutable_duration() = ToProtoDuration(length);
    h.set_time_zone(zone);
    h.set_mode(v1::HEARING_MODE_VIDEO);
    h.set_video_link("https://irb.example/room/1");
    h.set_counsel("users/lena");
    return h;
  }

  grpc::Status Schedule(const std::string& token, const std::string& kase,
                        const v1::Hearing& h, v1::ScheduleHearingResponse* out,
                        const std::string& accept_reason = "",
                        bool validate_only = false,
                        const std::string& request_id = "") {
    v1::ScheduleHearingRequest req;
    req.set_case_(kase);
    *req.mutable_hearing() = h;
    req.set_accept_conflicts_reason(accept_reason);
    req.set_validate_only(validate_only);
    req.set_request_id(request_id);
    auto ctx = server_->Context(token);
    return stub_->ScheduleHearing(ctx.get(), req, out);
  }

  v1::Hearing MustSchedule(const std::string& token, const std::string& kase,
                           const v1::Hearing& h) {
    v1::ScheduleHearingResponse out;
    grpc::Status s = Schedule(token, kase, h, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.hearing();
  }

  grpc::Status Get(const std::string& token, const std::string& name,
                   v1::Hearing* out) {
    v1::GetHearingRequest req;
    req.set_name(name);
    auto ctx = server_->Context(token);
    return stub_->GetHearing(ctx.get(), req, out);
  }

  std::vector<v1::Hearing> ListCase(const std::string& token,
                                    const std::string& kase,
                                    bool include_cancelled = false) {
    v1::ListHearingsRequest req;
    req.set_case_(kase);
    req.set_include_cancelled(include_cancelled);
    v1::ListHearingsResponse resp;
    auto ctx = server_->Context(token);
    grpc::Status s = stub_->ListHearings(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.hearings().begin(), resp.hearings().end()};
  }

  grpc::Status Reschedule(const std::string& token, const v1::Hearing& h,
                          absl::Time start, v1::ScheduleHearingResponse* out,
                          const std::string& etag = "") {
    v1::RescheduleHearingRequest req;
    req.set_name(h.name());
    req.set_etag(etag.empty() ? h.etag() : etag);
    *req.mutable_start_time() = ToProtoTime(start);
    req.set_reason("member unavailable on the original date");
    auto ctx = server_->Context(token);
    return stub_->RescheduleHearing(ctx.get(), req, out);
  }

  grpc::Status Cancel(const std::string& token, const v1::Hearing& h,
                      v1::Hearing* out) {
    v1::CancelHearingRequest req;
    req.set_name(h.name());
    req.set_etag(h.etag());
    req.set_reason("claim withdrawn by the client");
    auto ctx = server_->Context(token);
    return stub_->CancelHearing(ctx.get(), req, out);
  }

  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::IntakeService::Stub> intake_stub_;
  std::unique_ptr<v1::HearingService::Stub> stub_;
  std::string intake_, lena_, omar_;
};

class HearingTest : public HearingTestBase {
 protected:
  void SetUp() override {
    deadlines_ = std::make_shared<FakeDeadlineState>();
    StartWith(FakeDeadlineDefinition(deadlines_));
    amina_ = CreateClient("Amina");
    case_ = OpenCase(amina_, "users/lena");
  }

  std::shared_ptr<FakeDeadlineState> deadlines_;
  v1::Client amina_;
  v1::Case case_;
};

// ---- Scheduling and the deadline link ---------------------------------------

TEST_F(HearingTest, ScheduleRecordsTheEventAsTheUserWithTheLocalDate) {
  // 20:00 in Vancouver on 1 December is 04:00 UTC on 2 December.
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Vancouver", absl::CivilSecond(2026, 12, 1, 20, 0, 0),
              absl::Hours(1)));
  EXPECT_THAT(h.name(), ::testing::StartsWith(case_.name() + "/hearings/"));
  EXPECT_EQ(h.case_(), case_.name());
  EXPECT_EQ(h.status(), v1::HEARING_STATUS_SCHEDULED);
  EXPECT_EQ(h.etag(), "1");
  EXPECT_EQ(h.sequence(), 0);
  ASSERT_EQ(h.attendees_size(), 1);
  EXPECT_EQ(h.attendees(0), amina_.name());

  auto events = deadlines_->Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].username, "lena");  // authorization forwarded
  const v1::CaseEvent& e = events[0].event;
  EXPECT_EQ(e.type(), v1::EVENT_TYPE_HEARING_SCHEDULED);
  EXPECT_EQ(e.case_(), case_.name());
  EXPECT_EQ(e.hearing(), h.name());
  EXPECT_EQ(FormatDate(e.date()), "2026-12-01");
  EXPECT_EQ(e.time().hours(), 20);
  EXPECT_EQ(e.time().minutes(), 0);

  v1::Hearing fetched;
  ASSERT_TRUE(Get(lena_, h.name(), &fetched).ok());
  EXPECT_EQ(fetched.SerializeAsString(), h.SerializeAsString());
}

TEST_F(HearingTest, RefusedDeadlineEventKeepsNoHearing) {
  deadlines_->Refuse(absl::FailedPreconditionError("no rule for this case"));
  v1::ScheduleHearingResponse out;
  grpc::Status s = Schedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)),
      &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("deadline service"));
  EXPECT_TRUE(ListCase(lena_, case_.name(), true).empty());

  deadlines_->Refuse(absl::UnavailableError("down"));
  s = Schedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)),
      &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(ListCase(lena_, case_.name(), true).empty());
  EXPECT_TRUE(deadlines_->Events().empty());
}

TEST_F(HearingTest, RefusedDeadlineEventLeavesRescheduleAndCancelUndone) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  deadlines_->Refuse(absl::FailedPreconditionError("refused"));
  v1::ScheduleHearingResponse moved;
  EXPECT_EQ(Reschedule(lena_, h,
                       Local("America/Toronto",
                             absl::CivilSecond(2026, 12, 9, 9, 0, 0)),
                       &moved)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::Hearing cancelled;
  EXPECT_EQ(Cancel(lena_, h, &cancelled).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::Hearing now;
  ASSERT_TRUE(Get(lena_, h.name(), &now).ok());
  EXPECT_EQ(now.SerializeAsString(), h.SerializeAsString());
}

TEST_F(HearingTest, RescheduleMovesTheHearingAndRecordsTheEvent) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  absl::Time new_start =
      Local("America/Toronto", absl::CivilSecond(2026, 12, 9, 13, 30, 0));
  v1::ScheduleHearingResponse moved;
  grpc::Status s = Reschedule(lena_, h, new_start, &moved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(FromProtoTime(moved.hearing().start_time()), new_start);
  EXPECT_EQ(moved.hearing().sequence(), 1);
  EXPECT_EQ(moved.hearing().etag(), "2");
  auto events = deadlines_->Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].event.type(), v1::EVENT_TYPE_HEARING_RESCHEDULED);
  EXPECT_EQ(events[1].event.hearing(), h.name());
  EXPECT_EQ(FormatDate(events[1].event.date()), "2026-12-09");
  EXPECT_EQ(events[1].event.time().hours(), 13);

  // The old etag is stale now.
  s = Reschedule(lena_, h, new_start + absl::Hours(24), &moved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
}

TEST_F(HearingTest, CancelRecordsTheEventAndFreesTheTime) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  v1::Hearing cancelled;
  ASSERT_TRUE(Cancel(lena_, h, &cancelled).ok());
  EXPECT_EQ(cancelled.status(), v1::HEARING_STATUS_CANCELLED);
  EXPECT_EQ(cancelled.sequence(), 1);
  auto events = deadlines_->Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].event.type(), v1::EVENT_TYPE_HEARING_CANCELLED);
  EXPECT_TRUE(ListCase(lena_, case_.name()).empty());
  EXPECT_EQ(ListCase(lena_, case_.name(), true).size(), 1u);
  // The same time is free again.
  MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  // Cancelling twice is refused.
  EXPECT_EQ(Cancel(lena_, cancelled, &cancelled).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(HearingTest, SameRequestIdSchedulesOnce) {
  v1::Hearing h =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0));
  v1::ScheduleHearingResponse first, second;
  ASSERT_TRUE(
      Schedule(lena_, case_.name(), h, &first, "", false, "req-0001-abc").ok());
  ASSERT_TRUE(
      Schedule(lena_, case_.name(), h, &second, "", false, "req-0001-abc")
          .ok());
  EXPECT_EQ(first.hearing().name(), second.hearing().name());
  EXPECT_EQ(deadlines_->Events().size(), 1u);
}

// ---- Conflicts
// ------------------------------------------------------------------

TEST_F(HearingTest, LawyerConflictIsRefusedNamingTheOtherHearing) {
  v1::Case second_case = OpenCase(CreateClient("Yonas"), "users/lena");
  v1::Hearing first = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  v1::ScheduleHearingResponse out;
  grpc::Status s = Schedule(
      lena_, second_case.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 11, 0, 0)),
      &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr(first.name()));
  EXPECT_THAT(s.error_message(), HasSubstr("lawyer users/lena"));
  EXPECT_TRUE(ListCase(lena_, second_case.name()).empty());
  EXPECT_EQ(deadlines_->Events().size(), 1u);
}

TEST_F(HearingTest, HalifaxAndVancouverHearingsConflictByInstant) {
  v1::Case second_case = OpenCase(CreateClient("Yonas"), "users/lena");
  MustSchedule(
      lena_, case_.name(),
      Hearing("America/Halifax", absl::CivilSecond(2026, 12, 2, 13, 0, 0),
              absl::Hours(2)));
  // 09:30 PST = 13:30 AST: inside the Halifax hearing.
  v1::ScheduleHearingResponse out;
  EXPECT_EQ(Schedule(lena_, second_case.name(),
                     Hearing("America/Vancouver",
                             absl::CivilSecond(2026, 12, 2, 9, 30, 0),
                             absl::Hours(1)),
                     &out)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // 13:00 PST = 17:00 AST: two hours after the Halifax hearing ends.
  MustSchedule(
      lena_, second_case.name(),
      Hearing("America/Vancouver", absl::CivilSecond(2026, 12, 2, 13, 0, 0),
              absl::Hours(1)));
}

TEST_F(HearingTest, DstFallBackNightHearingsAreComparedByInstant) {
  // Detention reviews can sit at any hour. On 2027-11-07 01:00-02:00 happens
  // twice in Toronto; an EDT hearing 00:30-01:30 and one at the second 01:45
  // (EST) are 75 minutes apart.
  v1::Case second_case = OpenCase(CreateClient("Yonas"), "users/lena");
  MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2027, 11, 7, 0, 30, 0),
              absl::Hours(1)));
  absl::TimeZone toronto;
  ASSERT_TRUE(absl::LoadTimeZone("America/Toronto", &toronto));
  absl::TimeZone::TimeInfo repeated =
      toronto.At(absl::CivilSecond(2027, 11, 7, 1, 45, 0));
  ASSERT_EQ(repeated.kind, absl::TimeZone::TimeInfo::REPEATED);
  v1::Hearing second =
      Hearing("America/Toronto", absl::CivilSecond(2027, 11, 7, 0, 0, 0),
              absl::Hours(1));
  *second.mutable_start_time() = ToProtoTime(repeated.post);  // 01:45 EST
  v1::Hearing kept = MustSchedule(lena_, second_case.name(), second);
  EXPECT_EQ(
      absl::FormatTime("%H:%M %Z", FromProtoTime(kept.start_time()), toronto),
      "01:45 EST");
  // The first 01:15 (EDT) overlaps the first hearing.
  *second.mutable_start_time() =
      ToProtoTime(toronto.At(absl::CivilSecond(2027, 11, 7, 1, 15, 0)).pre);
  v1::ScheduleHearingResponse out;
  EXPECT_EQ(Schedule(lena_, second_case.name(), second, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(HearingTest, TravelBufferConflictCanBeAcceptedWithAReason) {
  v1::Case second_case = OpenCase(CreateClient("Yonas"), "users/lena");
  v1::Hearing montreal =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0),
              absl::Hours(2));
  montreal.set_mode(v1::HEARING_MODE_IN_PERSON);
  montreal.set_location("IRB Montreal, Guy-Favreau Complex");
  v1::Hearing first = MustSchedule(lena_, case_.name(), montreal);

  v1::Hearing laval =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 12, 0, 0),
              absl::Hours(1));
  laval.set_mode(v1::HEARING_MODE_IN_PERSON);
  laval.set_location("Laval Immigration Holding Centre");
  v1::ScheduleHearingResponse out;
  grpc::Status s = Schedule(lena_, second_case.name(), laval, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("travel/buffer"));

  // validate_only reports without storing.
  out.Clear();
  ASSERT_TRUE(Schedule(lena_, second_case.name(), laval, &out, "", true).ok());
  EXPECT_FALSE(out.has_hearing());
  ASSERT_EQ(out.conflicts_size(), 1);
  EXPECT_EQ(out.conflicts(0).who(), v1::HearingConflict::WHO_LAWYER);
  EXPECT_EQ(out.conflicts(0).hearing(), first.name());
  EXPECT_TRUE(out.conflicts(0).buffer_only());
  EXPECT_TRUE(ListCase(lena_, second_case.name()).empty());

  // Too short a reason is refused; a real one is accepted and recorded.
  out.Clear();
  s = Schedule(lena_, second_case.name(), laval, &out, "short");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("accept_conflicts_reason"));
  out.Clear();
  s = Schedule(lena_, second_case.name(), laval, &out,
               "colleague drives me; the centre is 20 minutes away");
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(out.hearing().accepted_conflicts_size(), 1);
  EXPECT_EQ(out.hearing().accepted_conflicts(0).hearings(0), first.name());
  EXPECT_EQ(out.hearing().accepted_conflicts(0).accepted_by(), "users/lena");
  EXPECT_EQ(out.conflicts_size(), 1);

  // At the same office 30 minutes later, the minimum gap is enough.
  v1::Hearing same_office = montreal;
  *same_office.mutable_start_time() = ToProtoTime(
      Local("America/Toronto", absl::CivilSecond(2026, 12, 2, 14, 45, 0)));
  same_office.set_location("irb montreal - guy-favreau complex");
  MustSchedule(lena_, second_case.name(), same_office);
}

TEST_F(HearingTest, ClientConflictOnAnotherLawyersCaseDoesNotNameIt) {
  // Amina also has a case with Omar (e.g. a detention review).
  v1::Case omars_case = OpenCase(amina_, "users/omar");
  v1::Hearing lenas = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  v1::Hearing h =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 10, 0, 0));
  h.set_counsel("users/omar");
  v1::ScheduleHearingResponse out;
  grpc::Status s = Schedule(omar_, omars_case.name(), h, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr(amina_.name()));
  EXPECT_THAT(s.error_message(), HasSubstr("a hearing on another case"));
  EXPECT_THAT(s.error_message(), Not(HasSubstr(lenas.name())));
  ASSERT_TRUE(Schedule(omar_, omars_case.name(), h, &out, "", true).ok());
  ASSERT_EQ(out.conflicts_size(), 1);
  EXPECT_EQ(out.conflicts(0).who(), v1::HearingConflict::WHO_CLIENT);
  EXPECT_EQ(out.conflicts(0).hearing(), "");
}

TEST_F(HearingTest, InterpreterConflictIgnoresCaseAndSpacing) {
  v1::Case omars_case = OpenCase(CreateClient("Yonas"), "users/omar");
  v1::Hearing a =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0));
  a.set_interpreter_language("ti");
  a.set_interpreter("Tigrinya Interpreters Inc, ref 12");
  MustSchedule(lena_, case_.name(), a);
  v1::Hearing b =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 10, 0, 0));
  b.set_counsel("users/omar");
  b.set_interpreter_language("ti");
  b.set_interpreter("tigrinya interpreters inc  ref 12");
  v1::ScheduleHearingResponse out;
  grpc::Status s = Schedule(omar_, omars_case.name(), b, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("interpreter"));
}

TEST_F(HearingTest, RescheduleChecksConflictsButNotWithItself) {
  v1::Case second_case = OpenCase(CreateClient("Yonas"), "users/lena");
  v1::Hearing a = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  v1::Hearing b = MustSchedule(
      lena_, second_case.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 3, 9, 0, 0)));
  v1::ScheduleHearingResponse moved;
  // An hour later overlaps its own old time: fine.
  ASSERT_TRUE(Reschedule(lena_, a,
                         Local("America/Toronto",
                               absl::CivilSecond(2026, 12, 2, 10, 0, 0)),
                         &moved)
                  .ok());
  // Onto b: refused.
  grpc::Status s = Reschedule(
      lena_, moved.hearing(),
      Local("America/Toronto", absl::CivilSecond(2026, 12, 3, 10, 0, 0)),
      &moved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr(b.name()));
}

// ---- Updates and postponements
// ------------------------------------------------

TEST_F(HearingTest, UpdateChangesFieldsAndRefusesNewConflicts) {
  v1::Case omars_case = OpenCase(CreateClient("Yonas"), "users/omar");
  v1::Hearing a =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0));
  a.set_interpreter_language("ti");
  a.set_interpreter("Agency ref 12");
  MustSchedule(lena_, case_.name(), a);
  v1::Hearing b =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 10, 0, 0));
  b.set_counsel("users/omar");
  v1::Hearing scheduled = MustSchedule(omar_, omars_case.name(), b);

  v1::UpdateHearingRequest req;
  *req.mutable_hearing() = scheduled;
  req.mutable_hearing()->set_irb_member("Member Tremblay");
  req.add_update_mask("irb_member");
  v1::Hearing updated;
  auto ctx = server_->Context(omar_);
  ASSERT_TRUE(stub_->UpdateHearing(ctx.get(), req, &updated).ok());
  EXPECT_EQ(updated.irb_member(), "Member Tremblay");
  EXPECT_EQ(updated.sequence(), 1);

  // Booking the interpreter who is in Lena's hearing at that time.
  req.Clear();
  *req.mutable_hearing() = updated;
  req.mutable_hearing()->set_interpreter_language("ti");
  req.mutable_hearing()->set_interpreter("agency ref 12");
  req.add_update_mask("interpreter_language");
  req.add_update_mask("interpreter");
  ctx = server_->Context(omar_);
  grpc::Status s = stub_->UpdateHearing(ctx.get(), req, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("interpreter"));

  // Fields outside the mask list are refused, naming the mask.
  req.clear_update_mask();
  req.add_update_mask("start_time");
  ctx = server_->Context(omar_);
  s = stub_->UpdateHearing(ctx.get(), req, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("update_mask[0]"));

  // Held before it started: refused.
  req.clear_update_mask();
  req.mutable_hearing()->set_status(v1::HEARING_STATUS_HELD);
  req.add_update_mask("status");
  ctx = server_->Context(omar_);
  s = stub_->UpdateHearing(ctx.get(), req, &updated);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(HearingTest, MarkingHeldRecordsTheEvent) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  server_->clock().Set(FromProtoTime(h.start_time()) + absl::Hours(4));
  auto login = server_->Login("lena", testing::kTestPassword);  // fresh token
  ASSERT_TRUE(login.ok()) << login.status();
  lena_ = login->access_token();
  v1::UpdateHearingRequest req;
  *req.mutable_hearing() = h;
  req.mutable_hearing()->set_status(v1::HEARING_STATUS_HELD);
  req.add_update_mask("status");
  v1::Hearing updated;
  auto ctx = server_->Context(lena_);
  grpc::Status s = stub_->UpdateHearing(ctx.get(), req, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.status(), v1::HEARING_STATUS_HELD);
  auto events = deadlines_->Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].event.type(), v1::EVENT_TYPE_HEARING_HELD);
}

TEST_F(HearingTest, PostponementRecordsApplyByAndAGrantMovesTheHearing) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 9, 9, 0, 0)));
  v1::RequestPostponementRequest req;
  req.set_name(h.name());
  req.set_etag(h.etag());
  v1::Postponement* p = req.mutable_postponement();
  p->set_requested_by(v1::Postponement::REQUESTER_CLAIMANT);
  p->set_reason("client in hospital; certificate attached");
  p->set_medical(true);
  *p->add_proposed_dates() = ToDate(absl::CivilDay(2026, 12, 16));
  v1::Hearing requested;
  auto ctx = server_->Context(lena_);
  grpc::Status s = stub_->RequestPostponement(ctx.get(), req, &requested);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(requested.postponements_size(), 1);
  const v1::Postponement& recorded = requested.postponements(0);
  // Fake rule: 3 clear working days before Wed 9 Dec = Thu 3 Dec.
  EXPECT_EQ(FormatDate(recorded.apply_by()), "2026-12-03");
  EXPECT_EQ(recorded.outcome(), v1::Postponement::OUTCOME_PENDING);
  EXPECT_EQ(recorded.recorded_by(), "users/lena");
  EXPECT_EQ(recorded.requested_by(), v1::Postponement::REQUESTER_CLAIMANT);
  {
    absl::MutexLock lock(&deadlines_->mu);
    ASSERT_EQ(deadlines_->computes.size(), 1u);
    EXPECT_EQ(deadlines_->computes[0].rule_id(), "rpd.hearing.change_date");
    EXPECT_EQ(FormatDate(deadlines_->computes[0].trigger_date()), "2026-12-09");
    EXPECT_EQ(deadlines_->computes[0].province(), v1::PROVINCE_QC);
  }

  // A second request while one is pending is refused.
  req.set_etag(requested.etag());
  ctx = server_->Context(lena_);
  EXPECT_EQ(stub_->RequestPostponement(ctx.get(), req, &requested).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // A proposed date more than 10 working days after the hearing is refused.
  v1::Hearing other = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2027, 1, 6, 9, 0, 0)));
  v1::RequestPostponementRequest late = req;
  late.set_name(other.name());
  late.set_etag(other.etag());
  *late.mutable_postponement()->mutable_proposed_dates(0) =
      ToDate(absl::CivilDay(2027, 1, 21));
  v1::Hearing ignored;
  ctx = server_->Context(lena_);
  s = stub_->RequestPostponement(ctx.get(), late, &ignored);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("postponement.proposed_dates[0]"));

  v1::ResolvePostponementRequest resolve;
  resolve.set_name(h.name());
  resolve.set_etag(requested.etag());
  resolve.set_outcome(v1::Postponement::OUTCOME_GRANTED);
  absl::Time new_start =
      Local("America/Toronto", absl::CivilSecond(2026, 12, 16, 9, 0, 0));
  *resolve.mutable_new_start_time() = ToProtoTime(new_start);
  v1::Hearing granted;
  ctx = server_->Context(lena_);
  s = stub_->ResolvePostponement(ctx.get(), resolve, &granted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(FromProtoTime(granted.start_time()), new_start);
  EXPECT_EQ(granted.postponements(0).outcome(),
            v1::Postponement::OUTCOME_GRANTED);
  EXPECT_TRUE(granted.postponements(0).has_outcome_date());
  auto events = deadlines_->Events();
  EXPECT_EQ(events.back().event.type(), v1::EVENT_TYPE_HEARING_RESCHEDULED);
  EXPECT_EQ(FormatDate(events.back().event.date()), "2026-12-16");
}

// ---- Availability
// -------------------------------------------------------------

TEST_F(HearingTest, AvailabilityAvoidsHearingsWeekendsAndHolidays) {
  MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 1, 10, 0, 0),
              absl::Hours(2)));
  {
    absl::MutexLock lock(&deadlines_->mu);
    deadlines_->holidays = {absl::CivilDay(2026, 12, 2)};
  }
  v1::CheckAvailabilityRequest req;
  req.set_lawyer("users/lena");
  *req.mutable_from_date() = ToDate(absl::CivilDay(2026, 12, 1));
  *req.mutable_to_date() = ToDate(absl::CivilDay(2026, 12, 7));
  *req.mutable_duration() = ToProtoDuration(absl::Minutes(45));
  req.set_time_zone("America/Toronto");
  v1::CheckAvailabilityResponse resp;
  auto ctx = server_->Context(lena_);
  grpc::Status s = stub_->CheckAvailability(ctx.get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> slots;
  absl::TimeZone toronto;
  ASSERT_TRUE(absl::LoadTimeZone("America/Toronto", &toronto));
  for (const v1::TimeSlot& slot : resp.slots()) {
    slots.push_back(absl::StrCat(
        absl::FormatTime("%m-%d %H:%M", FromProtoTime(slot.start_time()),
                         toronto),
        "-",
        absl::FormatTime("%H:%M", FromProtoTime(slot.end_time()), toronto)));
  }
  // Tue 1: around 10:00-12:00 (15 min gap); Wed 2: holiday; Sat/Sun off.
  EXPECT_THAT(slots,
              ::testing::ElementsAre("12-01 09:00-09:45", "12-01 12:15-17:00",
                                     "12-03 09:00-17:00", "12-04 09:00-17:00",
                                     "12-07 09:00-17:00"));

  req.set_time_zone("Mars/Base");
  ctx = server_->Context(lena_);
  s = stub_->CheckAvailability(ctx.get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("time_zone"));
  req.set_time_zone("America/Toronto");
  *req.mutable_to_date() = ToDate(absl::CivilDay(2027, 6, 30));
  ctx = server_->Context(lena_);
  s = stub_->CheckAvailability(ctx.get(), req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("to_date"));
}

// ---- Calendar
// -----------------------------------------------------------------

struct IcsEvent {
  std::string summary;
  int sequence;
  icalproperty_status status;
  time_t start;
  bool has_location;
};

std::map<std::string, IcsEvent> ParseIcs(const std::string& text) {
  std::map<std::string, IcsEvent> out;
  icalcomponent* cal = icalparser_parse_string(text.c_str());
  EXPECT_NE(cal, nullptr);
  if (cal == nullptr) return out;
  for (icalcomponent* ev =
           icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
       ev != nullptr;
       ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
    icaltimetype start = icalcomponent_get_dtstart(ev);
    out[icalcomponent_get_uid(ev)] = {
        icalcomponent_get_summary(ev), icalcomponent_get_sequence(ev),
        icalcomponent_get_status(ev),
        start.is_date ? 0 : icaltime_as_timet_with_zone(start, start.zone),
        icalcomponent_get_first_property(ev, ICAL_LOCATION_PROPERTY) !=
            nullptr};
  }
  icalcomponent_free(cal);
  return out;
}

TEST_F(HearingTest, CalendarParsesBackAndKeepsUidsAcrossExports) {
  v1::Hearing h =
      Hearing("America/Halifax", absl::CivilSecond(2026, 12, 2, 13, 0, 0));
  h.set_mode(v1::HEARING_MODE_IN_PERSON);
  h.set_location("IRB Halifax, 1801 Hollis St");
  v1::Hearing halifax = MustSchedule(lena_, case_.name(), h);
  v1::Hearing vancouver = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Vancouver", absl::CivilSecond(2026, 12, 3, 9, 0, 0)));

  auto export_calendar = [&](bool case_number_only, bool deadlines) {
    v1::ExportCalendarRequest req;
    req.set_case_number_only(case_number_only);
    req.set_include_deadlines(deadlines);
    v1::ExportCalendarResponse resp;
    auto ctx = server_->Context(lena_);
    grpc::Status s = stub_->ExportCalendar(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  };
  v1::ExportCalendarResponse first = export_calendar(false, true);
  EXPECT_EQ(first.event_count(), 4);  // two hearings, two deadlines
  auto events = ParseIcs(first.icalendar());
  ASSERT_EQ(events.size(), 4u);
  const std::string halifax_uid =
      "hearing-" + halifax.name().substr(halifax.name().rfind('/') + 1) +
      "@clinic.hearing";
  ASSERT_TRUE(events.count(halifax_uid));
  EXPECT_EQ(events[halifax_uid].start,
            absl::ToTimeT(FromProtoTime(halifax.start_time())));
  EXPECT_TRUE(events[halifax_uid].has_location);
  EXPECT_THAT(events[halifax_uid].summary, HasSubstr(case_.case_number()));

  // Reschedule and cancel: same UIDs, higher SEQUENCE, CANCELLED status.
  v1::ScheduleHearingResponse moved;
  ASSERT_TRUE(Reschedule(lena_, halifax,
                         Local("America/Halifax",
                               absl::CivilSecond(2026, 12, 4, 13, 0, 0)),
                         &moved)
                  .ok());
  v1::Hearing cancelled;
  ASSERT_TRUE(Cancel(lena_, vancouver, &cancelled).ok());
  auto later = ParseIcs(export_calendar(false, false).icalendar());
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[halifax_uid].sequence, 1);
  EXPECT_EQ(later[halifax_uid].start,
            absl::ToTimeT(FromProtoTime(moved.hearing().start_time())));
  for (const auto& [uid, ev] : later) {
    EXPECT_TRUE(events.count(uid)) << uid;  // no new UIDs
    if (uid != halifax_uid) {
      EXPECT_EQ(ev.status, ICAL_STATUS_CANCELLED);
    }
  }

  // Privacy: only the case number.
  std::string private_feed = export_calendar(true, true).icalendar();
  EXPECT_THAT(private_feed, Not(HasSubstr("Hollis")));
  EXPECT_THAT(private_feed, Not(HasSubstr("irb.example")));
  EXPECT_THAT(private_feed, HasSubstr(case_.case_number()));

  // Another lawyer's calendar is not exported.
  v1::ExportCalendarRequest req;
  req.set_lawyer("users/lena");
  v1::ExportCalendarResponse resp;
  auto ctx = server_->Context(omar_);
  EXPECT_EQ(stub_->ExportCalendar(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ---- Validation and access
// ----------------------------------------------------

TEST_F(HearingTest, InvalidRequestsNameTheField) {
  v1::ScheduleHearingResponse out;
  v1::Hearing good =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0));
  struct Case {
    std::string kase;
    std::function<void(v1::Hearing*)> change;
    const char* field;
  };
  std::vector<Case> cases = {
      {"", [](v1::Hearing*) {}, "case"},
      {"cases/", [](v1::Hearing*) {}, "case"},
      {case_.name(), [](v1::Hearing* h) { h->clear_duration(); },
       "hearing.duration"},
      {case_.name(), [](v1::Hearing* h) { h->set_time_zone("EST5EDT x"); },
       "hearing.time_zone"},
      {case_.name(),
       [](v1::Hearing* h) {
         *h->mutable_start_time() = ToProtoTime(absl::FromUnixSeconds(1));
       },
       "hearing.start_time"},
      {case_.name(), [](v1::Hearing* h) { h->set_counsel("users/omar"); },
       "hearing.counsel"},
      {case_.name(), [](v1::Hearing* h) { h->add_attendees("clients/zzz"); },
       "hearing.attendees[0]"},
      {case_.name(),
       [](v1::Hearing* h) { h->set_mode(v1::HEARING_MODE_IN_PERSON); },
       "hearing.location"},
  };
  for (const Case& c : cases) {
    v1::Hearing h = good;
    c.change(&h);
    grpc::Status s = Schedule(lena_, c.kase, h, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field));
  }
  v1::Hearing scheduled = MustSchedule(lena_, case_.name(), good);
  v1::RescheduleHearingRequest bad;
  bad.set_name(scheduled.name());
  bad.set_etag(scheduled.etag());
  *bad.mutable_start_time() = scheduled.start_time();
  bad.set_reason("x");
  v1::ScheduleHearingResponse moved;
  auto ctx = server_->Context(lena_);
  grpc::Status s = stub_->RescheduleHearing(ctx.get(), bad, &moved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("reason"));
  bad.set_reason("member unavailable");
  bad.clear_etag();
  ctx = server_->Context(lena_);
  s = stub_->RescheduleHearing(ctx.get(), bad, &moved);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("etag"));
  v1::Hearing got;
  EXPECT_EQ(Get(lena_, "cases/x/hearings", &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(HearingTest, OnlyTheCaseTeamSeesItsHearings) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  v1::Hearing got;
  EXPECT_EQ(Get(omar_, h.name(), &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Get(intake_, h.name(), &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListHearingsRequest req;
  req.set_case_(case_.name());
  v1::ListHearingsResponse resp;
  auto ctx = server_->Context(omar_);
  EXPECT_EQ(stub_->ListHearings(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Omar may not schedule on Lena's case.
  v1::Hearing mine =
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 9, 9, 0, 0));
  mine.set_counsel("users/omar");
  v1::ScheduleHearingResponse out;
  EXPECT_EQ(Schedule(omar_, case_.name(), mine, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(HearingTest, EveryTouchedHearingIsAudited) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2026, 12, 2, 9, 0, 0)));
  v1::Hearing got;
  ASSERT_TRUE(Get(lena_, h.name(), &got).ok());
  v1::Hearing cancelled;
  ASSERT_TRUE(Cancel(lena_, h, &cancelled).ok());
  v1::AuditService::Stub audit(server_->channel());
  v1::ListAuditEventsRequest req;
  req.set_resource(h.name());
  v1::ListAuditEventsResponse resp;
  auto ctx = server_->Context(server_->admin_token());
  grpc::Status s = audit.ListAuditEvents(ctx.get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::set<std::string> methods;
  for (const v1::AuditEvent& e : resp.events()) {
    if (e.user() == "users/lena") methods.insert(e.method());
  }
  EXPECT_TRUE(methods.count("/clinic.v1.HearingService/ScheduleHearing"));
  EXPECT_TRUE(methods.count("/clinic.v1.HearingService/GetHearing"));
  EXPECT_TRUE(methods.count("/clinic.v1.HearingService/CancelHearing"));
}

TEST_F(HearingTest, ListsALawyersHearingsByStartInPages) {
  v1::Case second_case = OpenCase(CreateClient("Yonas"), "users/lena");
  std::vector<std::string> names;
  for (int day = 7; day >= 1; --day) {
    names.push_back(
        MustSchedule(lena_, day % 2 ? case_.name() : second_case.name(),
                     Hearing("America/Toronto",
                             absl::CivilSecond(2026, 12, day, 9, 0, 0)))
            .name());
  }
  std::reverse(names.begin(), names.end());
  std::vector<std::string> listed;
  v1::ListHearingsRequest req;
  req.set_page_size(3);
  for (int page = 0; page < 5; ++page) {
    v1::ListHearingsResponse resp;
    auto ctx = server_->Context(lena_);
    grpc::Status s = stub_->ListHearings(ctx.get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const v1::Hearing& h : resp.hearings()) listed.push_back(h.name());
    if (resp.next_page_token().empty()) break;
    req.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(listed, names);
  // A token from one query does not serve another.
  v1::ListHearingsRequest other;
  other.set_case_(case_.name());
  other.set_page_token(req.page_token());
  v1::ListHearingsResponse resp;
  auto ctx = server_->Context(lena_);
  if (!req.page_token().empty()) {
    EXPECT_EQ(stub_->ListHearings(ctx.get(), other, &resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  req.set_page_size(-1);
  ctx = server_->Context(lena_);
  EXPECT_EQ(stub_->ListHearings(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// ---- With the real DeadlineService
// ---------------------------------------------

class HearingWithRealDeadlinesTest : public HearingTestBase {
 protected:
  void SetUp() override {
    StartWith(DeadlineServiceDefinition());
    amina_ = CreateClient("Amina");
    case_ = OpenCase(amina_, "users/lena");
  }

  std::vector<v1::Deadline> HearingDeadlines(const std::string& hearing) {
    v1::DeadlineService::Stub deadlines(server_->channel());
    v1::ListDeadlinesRequest req;
    req.set_case_(case_.name());
    v1::ListDeadlinesResponse resp;
    auto ctx = server_->Context(lena_);
    grpc::Status s = deadlines.ListDeadlines(ctx.get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::vector<v1::Deadline> out;
    for (const v1::Deadline& d : resp.deadlines()) {
      if (d.hearing() == hearing) out.push_back(d);
    }
    return out;
  }

  v1::Client amina_;
  v1::Case case_;
};

TEST_F(HearingWithRealDeadlinesTest,
       RescheduleMovesAndCancelWithdrawsDeadlines) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2027, 1, 20, 9, 0, 0)));
  std::vector<v1::Deadline> before = HearingDeadlines(h.name());
  ASSERT_FALSE(before.empty());
  std::map<std::string, std::string> due_before;
  for (const auto& d : before)
    due_before[d.rule_id()] = FormatDate(d.due_date());

  v1::ScheduleHearingResponse moved;
  grpc::Status s = Reschedule(
      lena_, h,
      Local("America/Toronto", absl::CivilSecond(2027, 2, 17, 9, 0, 0)),
      &moved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int moved_count = 0;
  for (const auto& d : HearingDeadlines(h.name())) {
    if (d.status() != v1::DEADLINE_STATUS_OPEN) continue;
    if (due_before.count(d.rule_id()) &&
        due_before[d.rule_id()] != FormatDate(d.due_date())) {
      ++moved_count;
    }
  }
  EXPECT_GT(moved_count, 0);

  v1::Hearing cancelled;
  ASSERT_TRUE(Cancel(lena_, moved.hearing(), &cancelled).ok());
  for (const auto& d : HearingDeadlines(h.name())) {
    EXPECT_NE(d.status(), v1::DEADLINE_STATUS_OPEN) << d.rule_id();
  }
}

TEST_F(HearingWithRealDeadlinesTest, PostponementApplyByComesFromTheRules) {
  v1::Hearing h = MustSchedule(
      lena_, case_.name(),
      Hearing("America/Toronto", absl::CivilSecond(2027, 1, 20, 9, 0, 0)));
  v1::RequestPostponementRequest req;
  req.set_name(h.name());
  req.set_etag(h.etag());
  req.mutable_postponement()->set_requested_by(
      v1::Postponement::REQUESTER_CLAIMANT);
  req.mutable_postponement()->set_reason("counsel is in another hearing");
  v1::Hearing requested;
  auto ctx = server_->Context(lena_);
  grpc::Status s = stub_->RequestPostponement(ctx.get(), req, &requested);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(requested.postponements_size(), 1);

  // The same date the deadline service gives for the change-of-date rule.
  v1::DeadlineService::Stub deadlines(server_->channel());
  v1::ComputeDateRequest compute;
  compute.set_rule_id("rpd.hearing.change_date");
  *compute.mutable_trigger_date() = ToDate(absl::CivilDay(2027, 1, 20));
  compute.set_province(case_.province());
  compute.set_irb_region(case_.irb_region());
  v1::ComputeDateResponse computed;
  ctx = server_->Context(lena_);
  ASSERT_TRUE(deadlines.ComputeDate(ctx.get(), compute, &computed).ok());
  EXPECT_EQ(FormatDate(requested.postponements(0).apply_by()),
            FormatDate(computed.due_date()));
  EXPECT_LT(ToCivilDay(requested.postponements(0).apply_by()),
            absl::CivilDay(2027, 1, 20));
}

TEST_F(HearingWithRealDeadlinesTest, AvailabilitySkipsTheRegionsHolidays) {
  v1::CheckAvailabilityRequest req;
  req.set_lawyer("users/lena");
  *req.mutable_from_date() = ToDate(absl::CivilDay(2026, 12, 21));
  *req.mutable_to_date() = ToDate(absl::CivilDay(2027, 1, 8));
  *req.mutable_duration() = ToProtoDuration(absl::Hours(1));
  req.set_time_zone("America/Toronto");
  v1::CheckAvailabilityResponse resp;
  auto ctx = server_->Context(lena_);
  grpc::Status s = stub_->CheckAvailability(ctx.get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  absl::TimeZone toronto;
  ASSERT_TRUE(absl::LoadTimeZone("America/Toronto", &toronto));
  std::set<absl::CivilDay> days;
  for (const v1::TimeSlot& slot : resp.slots()) {
    days.insert(absl::ToCivilDay(FromProtoTime(slot.start_time()), toronto));
  }
  EXPECT_FALSE(days.empty());
  EXPECT_FALSE(days.count(absl::CivilDay(2026, 12, 25)));  // Christmas
  EXPECT_FALSE(days.count(absl::CivilDay(2027, 1, 1)));    // New Year's Day
  EXPECT_TRUE(days.count(absl::CivilDay(2027, 1, 7)));     // a Thursday
}

}  // namespace
}  // namespace clinic
