// DeadlineService over real TLS with the real intake service: events compute,
// move and withdraw deadlines; lawyers' actions with etags; rule files
// validated and installed with recomputation; row-level access; watches.
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clinic/v1/deadline.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_service.h"
#include "services/auth/auth_service.h"
#include "services/common/validation.h"
#include "services/deadline/deadline_service.h"
#include "services/deadline/rules/canada_rules.h"
#include "services/intake/intake_service.h"
#include "tests/testing/cases.h"
#include "tests/testing/fake_person_matcher.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

v1::Date Day(int y, int m, int d) { return ToDate(absl::CivilDay(y, m, d)); }

class DeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::TestServer::Options options;
    options.services = {AuditServiceDefinition(), AuthServiceDefinition(),
                        IntakeServiceDefinitionWith([] {
                          return std::make_unique<testing::FakePersonMatcher>();
                        }),
                        DeadlineServiceDefinition()};
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    intake_ = *server_->CreateUser("ines", {v1::ROLE_INTAKE});
    lawyer_ = *server_->CreateUser("lena", {v1::ROLE_LAWYER});
    other_lawyer_ = *server_->CreateUser("omar", {v1::ROLE_LAWYER});
    Connect();
    case_ = OpenCase();
  }

  void Connect() {
    deadlines_ =
        std::make_unique<v1::DeadlineService::Stub>(server_->channel());
    intake_stub_ =
        std::make_unique<v1::IntakeService::Stub>(server_->channel());
  }

  // A Toronto RPD claim with lena on the team.
  std::string OpenCase() {
    auto client = testing::RegisterClient(server_->channel(), intake_,
                                          testing::Person("Amina", "Tesfay"));
    EXPECT_TRUE(client.ok()) << client.status();
    testing::CaseOptions options;
    options.irb_region = v1::IRB_REGION_CENTRAL;
    auto kase =
        testing::OpenCaseFor(server_->channel(), intake_, *client, options);
    EXPECT_TRUE(kase.ok()) << kase.status();
    return kase.ok() ? kase->name() : "";
  }

  grpc::Status Record(const std::string& token, const v1::CaseEvent& event,
                      v1::RecordEventResponse* out) {
    v1::RecordEventRequest req;
    *req.mutable_event() = event;
    auto ctx = server_->Context(token);
    grpc::Status status = deadlines_->RecordEvent(ctx.get(), req, out);
    if (!status.ok()) {
      std::cerr << "RecordEvent: " << status.error_code() << " "
                << status.error_message() << "\n";
    }
    return status;
  }

  v1::CaseEvent Event(v1::EventType type, v1::Date date,
                      const std::string& hearing = "") {
    v1::CaseEvent e;
    e.set_case_(case_);
    e.set_type(type);
    *e.mutable_date() = date;
    e.set_hearing(hearing);
    return e;
  }

  static const v1::Deadline* Find(
      const google::protobuf::RepeatedPtrField<v1::Deadline>& list,
      const std::string& rule) {
    for (const v1::Deadline& d : list) {
      if (d.rule_id() == rule) return &d;
    }
    return nullptr;
  }

  v1::Deadline Get(const std::string& name) {
    v1::GetDeadlineRequest req;
    req.set_name(name);
    v1::Deadline d;
    auto ctx = server_->Context(lawyer_);
    grpc::Status status = deadlines_->GetDeadline(ctx.get(), req, &d);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return d;
  }

  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::DeadlineService::Stub> deadlines_;
  std::unique_ptr<v1::IntakeService::Stub> intake_stub_;
  std::string intake_, lawyer_, other_lawyer_, case_;
};

TEST_F(DeadlineTest, ReferralCreatesTheBasisOfClaimDeadlineWithItsExplanation) {
  v1::RecordEventResponse resp;
  // Referred Monday 2026-11-02: 45 days after is Thursday 2026-12-17.
  ASSERT_TRUE(Record(intake_,
                     Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 11, 2)),
                     &resp)
                  .ok());
  const v1::Deadline* boc = Find(resp.created(), "rpd.boc.poe.45d");
  ASSERT_NE(boc, nullptr);
  EXPECT_EQ(FormatDate(boc->due_date()), "2026-12-17");
  EXPECT_EQ(boc->status(), v1::DEADLINE_STATUS_OPEN);
  EXPECT_THAT(boc->explanation().citation(), HasSubstr("IRPR 159.8"));
  EXPECT_EQ(boc->explanation().trigger(), resp.event().name());
  EXPECT_FALSE(boc->explanation().steps().empty());
  // The test clock's today is 2026-11-18.
  EXPECT_EQ(boc->days_remaining(), 29);
  EXPECT_EQ(Get(boc->name()).due_date().day(), 17);

  v1::ListEventsRequest events;
  events.set_case_(case_);
  v1::ListEventsResponse listed;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ListEvents(ctx.get(), events, &listed).ok());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).recorded_by(), "users/ines");
}

TEST_F(DeadlineTest, RescheduleMovesOpenDeadlinesButNeverCompletedOnes) {
  const std::string hearing = case_ + "/hearings/h1";
  v1::RecordEventResponse scheduled;
  ASSERT_TRUE(
      Record(lawyer_,
             Event(v1::EVENT_TYPE_HEARING_SCHEDULED, Day(2027, 1, 19), hearing),
             &scheduled)
          .ok());
  const v1::Deadline* disclosure =
      Find(scheduled.created(), "rpd.hearing.disclosure");
  const v1::Deadline* interpreter =
      Find(scheduled.created(), "rpd.hearing.interpreter");
  ASSERT_NE(disclosure, nullptr);
  ASSERT_NE(interpreter, nullptr);
  EXPECT_EQ(disclosure->hearing(), hearing);

  // The disclosure is filed; it must stay where it was.
  v1::CompleteDeadlineRequest complete;
  complete.set_name(disclosure->name());
  complete.set_etag(disclosure->etag());
  complete.set_filed_description("Country condition package, 212 pages");
  *complete.mutable_filed_date() = Day(2026, 11, 17);
  v1::Deadline completed;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(
      deadlines_->CompleteDeadline(ctx.get(), complete, &completed).ok());

  v1::RecordEventResponse moved;
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_HEARING_RESCHEDULED, Day(2027, 2, 16),
                           hearing),
                     &moved)
                  .ok());
  EXPECT_EQ(Find(moved.moved(), "rpd.hearing.disclosure"), nullptr);
  const v1::Deadline* new_interpreter =
      Find(moved.moved(), "rpd.hearing.interpreter");
  ASSERT_NE(new_interpreter, nullptr);
  EXPECT_NE(FormatDate(new_interpreter->due_date()),
            FormatDate(interpreter->due_date()));
  EXPECT_EQ(Get(disclosure->name()).due_date().month(),
            disclosure->due_date().month());
  const v1::Deadline after = Get(new_interpreter->name());
  ASSERT_GE(after.history_size(), 2);
  EXPECT_EQ(after.history(after.history_size() - 1).kind(),
            v1::DeadlineAction::KIND_MOVED);

  v1::RecordEventResponse cancelled;
  ASSERT_TRUE(
      Record(lawyer_,
             Event(v1::EVENT_TYPE_HEARING_CANCELLED, Day(2027, 2, 16), hearing),
             &cancelled)
          .ok());
  ASSERT_NE(Find(cancelled.withdrawn(), "rpd.hearing.interpreter"), nullptr);
  EXPECT_EQ(Find(cancelled.withdrawn(), "rpd.hearing.disclosure"), nullptr);
  EXPECT_EQ(Get(new_interpreter->name()).status(),
            v1::DEADLINE_STATUS_WITHDRAWN);
  EXPECT_EQ(Get(disclosure->name()).status(), v1::DEADLINE_STATUS_COMPLETED);
}

TEST_F(DeadlineTest, EveryBadEventFieldIsNamed) {
  struct Bad {
    std::function<void(v1::CaseEvent&)> break_it;
    const char* field;
  };
  std::vector<Bad> bad = {
      {[](v1::CaseEvent& e) { e.set_case_("clients/x"); }, "event.case"},
      {[](v1::CaseEvent& e) { e.set_type(v1::EVENT_TYPE_UNSPECIFIED); },
       "event.type"},
      {[](v1::CaseEvent& e) { e.set_type(static_cast<v1::EventType>(999)); },
       "event.type"},
      {[](v1::CaseEvent& e) { e.clear_date(); }, "event.date"},
      {[](v1::CaseEvent& e) {
         e.mutable_date()->set_day(31);
         e.mutable_date()->set_month(2);
       },
       "event.date"},
      {[](v1::CaseEvent& e) { *e.mutable_date() = Day(2027, 1, 1); },
       "event.date"},
      {[](v1::CaseEvent& e) { e.set_type(v1::EVENT_TYPE_HEARING_SCHEDULED); },
       "event.hearing"},
      {[](v1::CaseEvent& e) { e.set_hearing("cases/other/hearings/h"); },
       "event.hearing"},
      {[](v1::CaseEvent& e) { e.mutable_time()->set_hours(24); },
       "event.time.hours"},
      {[](v1::CaseEvent& e) { e.set_note(std::string(1001, 'x')); },
       "event.note"},
      {[](v1::CaseEvent& e) {
         e.mutable_receipt()->set_manner(v1::RECEIPT_MANNER_MAIL);
         *e.mutable_receipt()->mutable_sent_date() = Day(2026, 11, 2);
         *e.mutable_receipt()->mutable_received_date() = Day(2026, 10, 30);
       },
       "receipt"},
  };
  for (const Bad& b : bad) {
    v1::CaseEvent e = Event(v1::EVENT_TYPE_DECISION_RECEIVED, Day(2026, 11, 3));
    b.break_it(e);
    v1::RecordEventResponse resp;
    grpc::Status status = Record(lawyer_, e, &resp);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << b.field;
    EXPECT_THAT(status.error_message(), HasSubstr(b.field));
  }
  // Nothing was recorded.
  v1::ListEventsRequest events;
  events.set_case_(case_);
  v1::ListEventsResponse listed;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ListEvents(ctx.get(), events, &listed).ok());
  EXPECT_EQ(listed.events_size(), 0);
}

TEST_F(DeadlineTest, LawyerOutsideTheTeamSeesNothing) {
  v1::RecordEventResponse resp;
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 11, 2)),
                     &resp)
                  .ok());
  v1::RecordEventResponse denied;
  EXPECT_EQ(
      Record(other_lawyer_,
             Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 11, 2)), &denied)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  v1::GetDeadlineRequest get;
  get.set_name(resp.created(0).name());
  v1::Deadline d;
  auto ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(deadlines_->GetDeadline(ctx.get(), get, &d).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListDeadlinesRequest list;
  list.set_case_(case_);
  v1::ListDeadlinesResponse listed;
  ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(deadlines_->ListDeadlines(ctx.get(), list, &listed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListUpcomingDeadlinesRequest upcoming;
  v1::ListUpcomingDeadlinesResponse theirs;
  ctx = server_->Context(other_lawyer_);
  ASSERT_TRUE(
      deadlines_->ListUpcomingDeadlines(ctx.get(), upcoming, &theirs).ok());
  EXPECT_EQ(theirs.deadlines_size(), 0);
  v1::WaiveDeadlineRequest waive;
  waive.set_name(resp.created(0).name());
  waive.set_etag(resp.created(0).etag());
  waive.set_reason("not my case, but trying");
  ctx = server_->Context(other_lawyer_);
  EXPECT_EQ(deadlines_->WaiveDeadline(ctx.get(), waive, &d).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DeadlineTest, StaleEtagIsRefusedAndClosedDeadlinesStayClosed) {
  v1::RecordEventResponse resp;
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 11, 2)),
                     &resp)
                  .ok());
  const v1::Deadline& boc = *Find(resp.created(), "rpd.boc.poe.45d");
  v1::ExtendDeadlineRequest extend;
  extend.set_name(boc.name());
  extend.set_etag(boc.etag());
  *extend.mutable_new_date() = Day(2027, 1, 15);
  extend.set_reason("RPD granted an extension by letter");
  extend.set_order_reference("RPD letter 2026-12-01");
  v1::Deadline extended;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ExtendDeadline(ctx.get(), extend, &extended).ok());
  EXPECT_EQ(FormatDate(extended.due_date()), "2027-01-15");
  EXPECT_EQ(FormatDate(extended.computed_due_date()), "2026-12-17");
  EXPECT_TRUE(extended.date_overridden());

  // The same request again carries the old etag.
  ctx = server_->Context(lawyer_);
  EXPECT_EQ(
      deadlines_->ExtendDeadline(ctx.get(), extend, &extended).error_code(),
      grpc::StatusCode::ABORTED);

  v1::WaiveDeadlineRequest waive;
  waive.set_name(boc.name());
  waive.set_etag(extended.etag());
  waive.set_reason("Claim withdrawn by the client");
  v1::Deadline waived;
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->WaiveDeadline(ctx.get(), waive, &waived).ok());
  v1::CompleteDeadlineRequest complete;
  complete.set_name(boc.name());
  complete.set_etag(waived.etag());
  complete.set_filed_description("BOC");
  *complete.mutable_filed_date() = Day(2026, 11, 10);
  ctx = server_->Context(lawyer_);
  grpc::Status status =
      deadlines_->CompleteDeadline(ctx.get(), complete, &waived);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("waived"));
}

TEST_F(DeadlineTest, BadRuleFileIsRefusedWithLinesAndTheOldRulesStay) {
  v1::ReplaceRulesRequest req;
  req.set_rules_textproto(std::string(deadline::CanadaRulesText()) +
                          "\nrules { id: \"x\" offset { value: -3 } }\n");
  v1::ReplaceRulesResponse resp;
  auto ctx = server_->Context(server_->admin_token());
  grpc::Status status = deadlines_->ReplaceRules(ctx.get(), req, &resp);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("line "));

  v1::ListRulesRequest list;
  v1::ListRulesResponse rules;
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ListRules(ctx.get(), list, &rules).ok());
  EXPECT_GT(rules.rules_size(), 30);

  // Only an administrator may install rules.
  req.set_rules_textproto(std::string(deadline::CanadaRulesText()));
  ctx = server_->Context(lawyer_);
  EXPECT_EQ(deadlines_->ReplaceRules(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DeadlineTest, NewRuleFileRecomputesOpenDeadlinesAndSurvivesRestart) {
  v1::RecordEventResponse recorded;
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 11, 2)),
                     &recorded)
                  .ok());
  const std::string boc = Find(recorded.created(), "rpd.boc.poe.45d")->name();

  // A clinic's file where the BOC limit became 50 days.
  std::string text(deadline::CanadaRulesText());
  const std::string old_offset =
      "id: \"rpd.boc.poe.45d\"\n  title: \"Provide the Basis of Claim form to "
      "the RPD\"\n  event: EVENT_TYPE_CLAIM_REFERRED\n  offset { value: 45 ";
  ASSERT_TRUE(absl::StrContains(text, old_offset));
  absl::StrReplaceAll(
      {{old_offset,
        absl::StrReplaceAll(old_offset, {{"value: 45", "value: 50"}})}},
      &text);

  v1::ReplaceRulesRequest req;
  req.set_rules_textproto(text);
  req.set_validate_only(true);
  v1::ReplaceRulesResponse resp;
  auto ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(deadlines_->ReplaceRules(ctx.get(), req, &resp).ok());
  // The BOC and the two deadlines that run from it (the extension request and
  // the abandonment hearing).
  EXPECT_EQ(resp.deadlines_moved(), 3);
  EXPECT_EQ(FormatDate(Get(boc).due_date()), "2026-12-17");

  req.set_validate_only(false);
  ctx = server_->Context(server_->admin_token());
  ASSERT_TRUE(deadlines_->ReplaceRules(ctx.get(), req, &resp).ok());
  EXPECT_EQ(resp.deadlines_moved(), 3);
  // 50 days after 2026-11-02 is Tuesday 2026-12-22.
  v1::Deadline moved = Get(boc);
  EXPECT_EQ(FormatDate(moved.due_date()), "2026-12-22");
  EXPECT_EQ(moved.history(moved.history_size() - 1).kind(),
            v1::DeadlineAction::KIND_RECOMPUTED_FOR_RULE_CHANGE);

  ASSERT_TRUE(server_->Restart().ok());
  Connect();
  v1::ComputeDateRequest what_if;
  what_if.set_rule_id("rpd.boc.poe.45d");
  *what_if.mutable_trigger_date() = Day(2026, 11, 2);
  v1::ComputeDateResponse computed;
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ComputeDate(ctx.get(), what_if, &computed).ok());
  EXPECT_EQ(FormatDate(computed.due_date()), "2026-12-22");
}

TEST_F(DeadlineTest, UpcomingListsOverdueFirst) {
  v1::RecordEventResponse resp;
  // Referred 2026-09-01: the BOC was due 2026-10-16, now overdue.
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 9, 1)),
                     &resp)
                  .ok());
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_HEARING_SCHEDULED, Day(2026, 12, 1),
                           case_ + "/hearings/h1"),
                     &resp)
                  .ok());
  v1::ListUpcomingDeadlinesRequest req;
  req.set_due_within_days(14);
  v1::ListUpcomingDeadlinesResponse upcoming;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(
      deadlines_->ListUpcomingDeadlines(ctx.get(), req, &upcoming).ok());
  ASSERT_GE(upcoming.deadlines_size(), 2);
  EXPECT_LT(upcoming.deadlines(0).days_remaining(), 0);
  for (int i = 1; i < upcoming.deadlines_size(); ++i) {
    EXPECT_LE(upcoming.deadlines(i - 1).days_remaining(),
              upcoming.deadlines(i).days_remaining());
    EXPECT_LE(upcoming.deadlines(i).days_remaining(), 14);
  }
  req.set_lawyer("users/omar");
  ctx = server_->Context(lawyer_);
  EXPECT_EQ(
      deadlines_->ListUpcomingDeadlines(ctx.get(), req, &upcoming).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DeadlineTest, WatchSendsExistingThenChangesThenReminders) {
  v1::RecordEventResponse resp;
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_CLAIM_REFERRED, Day(2026, 11, 2)),
                     &resp)
                  .ok());
  // Within 14 days of 2026-11-18: nothing of the referral's (BOC 2026-12-17);
  // count what the server will send first.
  v1::ListUpcomingDeadlinesRequest up;
  up.set_due_within_days(14);
  v1::ListUpcomingDeadlinesResponse within;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ListUpcomingDeadlines(ctx.get(), up, &within).ok());

  v1::WatchDeadlinesRequest req;
  req.set_case_(case_);
  auto watch_ctx = server_->Context(lawyer_);
  auto reader = deadlines_->WatchDeadlines(watch_ctx.get(), req);
  v1::DeadlineChange change;
  for (int i = 0; i < within.deadlines_size(); ++i) {
    ASSERT_TRUE(reader->Read(&change));
    EXPECT_EQ(change.kind(), v1::DeadlineChange::KIND_EXISTING);
  }
  v1::RecordEventResponse scheduled;
  ASSERT_TRUE(Record(lawyer_,
                     Event(v1::EVENT_TYPE_HEARING_SCHEDULED, Day(2027, 1, 19),
                           case_ + "/hearings/h1"),
                     &scheduled)
                  .ok());
  for (int i = 0; i < scheduled.created_size(); ++i) {
    ASSERT_TRUE(reader->Read(&change));
    EXPECT_EQ(change.kind(), v1::DeadlineChange::KIND_CREATED);
  }
  // Twenty days later the BOC (2026-12-17) is within 14 days.
  server_->clock().Advance(absl::Hours(24 * 20));
  bool reminded = false;
  while (!reminded && reader->Read(&change)) {
    reminded = change.kind() == v1::DeadlineChange::KIND_DUE_SOON &&
               change.deadline().rule_id() == "rpd.boc.poe.45d";
  }
  EXPECT_TRUE(reminded);
  watch_ctx->TryCancel();
  reader->Finish();
}

TEST_F(DeadlineTest, HolidaysAndWhatIfComputation) {
  v1::ListHolidaysRequest req;
  req.set_calendar("ON");
  req.set_year(2026);
  v1::ListHolidaysResponse holidays;
  auto ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ListHolidays(ctx.get(), req, &holidays).ok());
  bool family_day = false;
  for (const v1::Holiday& h : holidays.holidays()) {
    family_day = family_day || FormatDate(h.date()) == "2026-02-16";
  }
  EXPECT_TRUE(family_day);
  req.set_calendar("XX");
  ctx = server_->Context(lawyer_);
  EXPECT_EQ(deadlines_->ListHolidays(ctx.get(), req, &holidays).error_code(),
            grpc::StatusCode::NOT_FOUND);
  req.set_calendar("ON");
  req.set_year(1989);
  ctx = server_->Context(lawyer_);
  grpc::Status status = deadlines_->ListHolidays(ctx.get(), req, &holidays);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("year"));

  v1::ComputeDateRequest what_if;
  what_if.set_rule_id("rpd.hearing.disclosure");
  *what_if.mutable_trigger_date() = Day(2026, 10, 20);
  v1::ComputeDateResponse computed;
  ctx = server_->Context(lawyer_);
  status = deadlines_->ComputeDate(ctx.get(), what_if, &computed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << "an IRB-region rule needs the region";
  what_if.set_irb_region(v1::IRB_REGION_CENTRAL);
  ctx = server_->Context(lawyer_);
  ASSERT_TRUE(deadlines_->ComputeDate(ctx.get(), what_if, &computed).ok());
  EXPECT_EQ(FormatDate(computed.due_date()), "2026-10-09");
}

}  // namespace
}  // namespace clinic
