#include "services/hearing/hearing_validation.h"

#include <functional>
#include <string>
#include <vector>

#include "base/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace hearing {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1795000000);  // 2026-11-18

v1::Hearing Valid() {
  v1::Hearing h;
  h.set_division(v1::IRB_DIVISION_RPD);
  h.set_kind(v1::HEARING_KIND_MERITS);
  *h.mutable_start_time() = ToProtoTime(kNow + absl::Hours(24 * 14));
  *h.mutable_duration() = ToProtoDuration(absl::Hours(3));
  h.set_time_zone("America/Halifax");
  h.set_mode(v1::HEARING_MODE_IN_PERSON);
  h.set_location("IRB Halifax office");
  h.set_video_link("https://irb.example/room/12");
  h.set_interpreter_language("fa-AF");
  h.set_interpreter_dialect("Dari");
  h.set_interpreter("Agency ref 77");
  h.set_counsel("users/lena");
  h.add_attendees("clients/abc123");
  h.mutable_notice_to_appear_received()->set_year(2026);
  h.mutable_notice_to_appear_received()->set_month(11);
  h.mutable_notice_to_appear_received()->set_day(2);
  return h;
}

TEST(HearingValidationTest, AValidHearingPasses) {
  EXPECT_TRUE(ValidateNewHearing(Valid(), "hearing", kNow).ok());
}

TEST(HearingValidationTest, EveryInvalidFieldIsNamed) {
  struct Case {
    std::function<void(v1::Hearing*)> break_it;
    const char* field;
  };
  std::vector<Case> cases = {
      {[](v1::Hearing* h) { h->clear_division(); }, "hearing.division"},
      {[](v1::Hearing* h) { h->set_division(static_cast<v1::IrbDivision>(9)); },
       "hearing.division"},
      {[](v1::Hearing* h) { h->clear_kind(); }, "hearing.kind"},
      {[](v1::Hearing* h) { h->clear_start_time(); }, "hearing.start_time"},
      {[](v1::Hearing* h) {
         *h->mutable_start_time() = ToProtoTime(kNow - absl::Hours(1));
       },
       "hearing.start_time"},
      {[](v1::Hearing* h) { h->mutable_start_time()->set_nanos(-1); },
       "hearing.start_time"},
      {[](v1::Hearing* h) { h->clear_duration(); }, "hearing.duration"},
      {[](v1::Hearing* h) {
         *h->mutable_duration() = ToProtoDuration(absl::Minutes(14));
       },
       "hearing.duration"},
      {[](v1::Hearing* h) {
         *h->mutable_duration() =
             ToProtoDuration(absl::Hours(12) + absl::Seconds(1));
       },
       "hearing.duration"},
      {[](v1::Hearing* h) { h->clear_time_zone(); }, "hearing.time_zone"},
      {[](v1::Hearing* h) { h->set_time_zone("Mars/Olympus_Mons"); },
       "hearing.time_zone"},
      {[](v1::Hearing* h) { h->set_time_zone("../../etc/passwd"); },
       "hearing.time_zone"},
      {[](v1::Hearing* h) { h->clear_mode(); }, "hearing.mode"},
      {[](v1::Hearing* h) { h->clear_location(); }, "hearing.location"},
      {[](v1::Hearing* h) { h->set_location(std::string(301, 'x')); },
       "hearing.location"},
      {[](v1::Hearing* h) { h->set_video_link("http://irb.example/x"); },
       "hearing.video_link"},
      {[](v1::Hearing* h) { h->set_video_link("https://a b"); },
       "hearing.video_link"},
      {[](v1::Hearing* h) { h->set_irb_member(std::string(201, 'm')); },
       "hearing.irb_member"},
      {[](v1::Hearing* h) { h->set_interpreter_language("f"); },
       "hearing.interpreter_language"},
      {[](v1::Hearing* h) { h->set_interpreter_language("fa_AF"); },
       "hearing.interpreter_language"},
      {[](v1::Hearing* h) {
         h->clear_interpreter_language();
         h->clear_interpreter_dialect();
       },
       "hearing.interpreter"},
      {[](v1::Hearing* h) { h->set_interpreter("x\x01"); },
       "hearing.interpreter"},
      {[](v1::Hearing* h) { h->clear_counsel(); }, "hearing.counsel"},
      {[](v1::Hearing* h) { h->set_counsel("lena"); }, "hearing.counsel"},
      {[](v1::Hearing* h) { h->add_attendees("people/x"); },
       "hearing.attendees[1]"},
      {[](v1::Hearing* h) { h->add_attendees("clients/abc123"); },
       "hearing.attendees[1]"},
      {[](v1::Hearing* h) {
         h->mutable_notice_to_appear_received()->set_day(31);
       },
       "hearing.notice_to_appear_received"},
      {[](v1::Hearing* h) {
         h->mutable_notice_to_appear_received()->set_month(12);
       },
       "hearing.notice_to_appear_received"},
  };
  for (const Case& c : cases) {
    v1::Hearing h = Valid();
    c.break_it(&h);
    absl::Status s = ValidateNewHearing(h, "hearing", kNow);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.field));
  }
}

TEST(HearingValidationTest, VideoHearingNeedsNoLocation) {
  v1::Hearing h = Valid();
  h.set_mode(v1::HEARING_MODE_VIDEO);
  h.clear_location();
  EXPECT_TRUE(ValidateNewHearing(h, "hearing", kNow).ok());
  h.set_mode(v1::HEARING_MODE_HYBRID);
  EXPECT_THAT(std::string(ValidateNewHearing(h, "hearing", kNow).message()),
              HasSubstr("hearing.location"));
}

TEST(HearingValidationTest, LanguageTags) {
  for (const char* ok : {"ti", "fa-AF", "zh-Hant-TW", "sgn-CA", "es-419"}) {
    EXPECT_TRUE(ValidateLanguageTag("t", ok).ok()) << ok;
  }
  for (const char* bad :
       {"", "x", "1a", "fa-", "fa--AF", "fa-toolongsubtag", "fa AF"}) {
    EXPECT_FALSE(ValidateLanguageTag("t", bad).ok()) << bad;
  }
}

TEST(HearingValidationTest, StatusMayOnlyBeHeldOrDecisionReserved) {
  v1::Hearing h = Valid();
  h.set_status(v1::HEARING_STATUS_CANCELLED);
  EXPECT_THAT(
      std::string(ValidateHearingField(h, "status", "hearing", kNow).message()),
      HasSubstr("hearing.status"));
  h.set_status(v1::HEARING_STATUS_HELD);
  EXPECT_TRUE(ValidateHearingField(h, "status", "hearing", kNow).ok());
}

TEST(HearingValidationTest, PostponementRequest) {
  const absl::CivilDay today(2026, 11, 18);
  v1::Postponement p;
  p.set_requested_by(v1::Postponement::REQUESTER_CLAIMANT);
  p.set_reason("counsel unavailable: another hearing");
  EXPECT_TRUE(ValidatePostponementRequest(p, "postponement", today).ok());

  v1::Postponement no_requester = p;
  no_requester.clear_requested_by();
  EXPECT_THAT(std::string(ValidatePostponementRequest(no_requester,
                                                      "postponement", today)
                              .message()),
              HasSubstr("postponement.requested_by"));
  v1::Postponement short_reason = p;
  short_reason.set_reason("sick");
  EXPECT_THAT(std::string(ValidatePostponementRequest(short_reason,
                                                      "postponement", today)
                              .message()),
              HasSubstr("postponement.reason"));
  v1::Postponement many = p;
  for (int i = 0; i < 4; ++i) {
    v1::Date* d = many.add_proposed_dates();
    d->set_year(2026);
    d->set_month(12);
    d->set_day(1 + i);
  }
  EXPECT_THAT(
      std::string(
          ValidatePostponementRequest(many, "postponement", today).message()),
      HasSubstr("postponement.proposed_dates"));
  v1::Postponement past = p;
  v1::Date* d = past.add_proposed_dates();
  d->set_year(2026);
  d->set_month(11);
  d->set_day(17);
  EXPECT_THAT(
      std::string(
          ValidatePostponementRequest(past, "postponement", today).message()),
      HasSubstr("postponement.proposed_dates[0]"));
}

}  // namespace
}  // namespace hearing
}  // namespace clinic
