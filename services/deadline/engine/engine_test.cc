// Every rule of DOMAIN.md section 2 through the engine and the shipped rule
// file, against dates worked by hand in the comments (printed calendar; Easter
// 2026: Good Friday 3 April, Easter Monday 6 April). IRB offices are closed on
// weekends, federal holidays (weekend ones moved to the next weekday) and,
// uncertainly, 24 June in Montreal and the first Monday of August elsewhere.
#include "services/deadline/engine/engine.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "services/deadline/engine/dates.h"
#include "services/deadline/engine/test_rules.h"

namespace clinic::deadline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

CaseFacts Facts(v1::CaseType type,
                v1::IrbRegion region = v1::IRB_REGION_CENTRAL,
                v1::Province province = v1::PROVINCE_ON) {
  CaseFacts f;
  f.case_type = type;
  f.irb_region = region;
  f.province = province;
  return f;
}

const CaseFacts kRpdToronto = Facts(v1::CASE_TYPE_RPD_CLAIM);
const CaseFacts kRpdMontreal =
    Facts(v1::CASE_TYPE_RPD_CLAIM, v1::IRB_REGION_EASTERN, v1::PROVINCE_QC);

// (rule id, "YYYY-MM-DD") for each deadline an event gives.
std::vector<std::pair<std::string, std::string>> Due(
    const CaseFacts& facts, v1::EventType event, absl::CivilDay date,
    const v1::Receipt* receipt = nullptr) {
  absl::StatusOr<std::vector<ComputedDeadline>> got =
      ShippedEngine().DeadlinesForEvent(facts, event, date, receipt);
  EXPECT_TRUE(got.ok()) << got.status();
  std::vector<std::pair<std::string, std::string>> out;
  if (!got.ok()) return out;
  for (const ComputedDeadline& d : *got) {
    out.emplace_back(d.rule_id, IsoDay(d.due_date));
  }
  return out;
}

ComputedDeadline Only(const CaseFacts& facts, v1::EventType event,
                      absl::CivilDay date, absl::string_view rule_id) {
  absl::StatusOr<std::vector<ComputedDeadline>> got =
      ShippedEngine().DeadlinesForEvent(facts, event, date);
  EXPECT_TRUE(got.ok()) << got.status();
  for (ComputedDeadline& d : *got) {
    if (d.rule_id == rule_id) return std::move(d);
  }
  ADD_FAILURE() << rule_id << " not computed";
  return {};
}

// ---------------------------------------------------------------------------
// Refugee Protection Division
// ---------------------------------------------------------------------------

// Inland: the BOC is due at the eligibility interview (offset 0).
TEST(RpdTest, InlandBocOnTheClaimDate) {
  EXPECT_THAT(Due(kRpdToronto, v1::EVENT_TYPE_CLAIM_MADE_INLAND, D(2026, 3, 2)),
              ElementsAre(Pair("rpd.boc.inland", "2026-03-02")));
}

// Referred Fri 6 Sep 2024, before the practice notice: 15 days = Sat 21 Sep
// 2024, which counts under the IA. Special hearing: 5 working days after
// (Toronto): Mon 23, Tue 24, Wed 25, Thu 26, Fri 27. Referral + 60 days:
// 6 Sep + 24 = 30 Sep, + 31 = 31 Oct, + 5 = Tue 5 Nov (informational).
TEST(RpdTest, PortOfEntryBocFifteenDaysBeforeNinthSeptember2024) {
  EXPECT_THAT(Due(kRpdToronto, v1::EVENT_TYPE_CLAIM_REFERRED, D(2024, 9, 6)),
              ElementsAre(Pair("rpd.boc.poe.15d", "2024-09-21"),
                          Pair("rpd.abandonment.boc.15d", "2024-09-27"),
                          Pair("rpd.referral.hearing", "2024-11-05")));
}

// Referred Mon 9 Sep 2024: 45 calendar days = 9 Sep + 21 = 30 Sep, + 24 =
// Thu 24 Oct. Extension request (in force for limits from 15 Oct 2024): 3
// working days before: Wed 23 (1), Tue 22 (2), Mon 21 (3). Special hearing:
// Fri 25 (1), Mon 28 (2), Tue 29 (3), Wed 30 (4), Thu 31 (5). Referral + 60:
// 9 Sep + 21 = 30 Sep, + 31 = 31 Oct, + 8 = Fri 8 Nov.
TEST(RpdTest, PortOfEntryBocFortyFiveDaysFromNinthSeptember2024) {
  EXPECT_THAT(Due(kRpdToronto, v1::EVENT_TYPE_CLAIM_REFERRED, D(2024, 9, 9)),
              ElementsAre(Pair("rpd.boc.poe.45d", "2024-10-24"),
                          Pair("rpd.boc.extension", "2024-10-21"),
                          Pair("rpd.abandonment.boc.45d", "2024-10-31"),
                          Pair("rpd.referral.hearing", "2024-11-08")));
}

// Referred Tue 17 Feb 2026: 17 Feb + 11 = 28 Feb, + 31 = 31 Mar, + 3 = Fri
// 3 Apr, Good Friday: IA s.26 takes the next non-holiday, Sat 4 Apr. The
// extension request: 3 working days before Sat 4 Apr in Montreal: Fri 3 (Good
// Friday) is skipped; Thu 2 (1), Wed 1 (2), Tue 31 Mar (3). Special hearing:
// Sun 5, Mon 6 (Easter Monday) skipped; Tue 7 (1), Wed 8 (2), Thu 9 (3), Fri
// 10 (4), Mon 13 (5).
TEST(RpdTest, BocLandingOnGoodFridayAndItsChain) {
  absl::StatusOr<std::vector<ComputedDeadline>> got =
      ShippedEngine().DeadlinesForEvent(
          kRpdMontreal, v1::EVENT_TYPE_CLAIM_REFERRED, D(2026, 2, 17));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 4u);
  const ComputedDeadline& boc = (*got)[0];
  EXPECT_EQ(boc.rule_id, "rpd.boc.poe.45d");
  EXPECT_EQ(boc.due_date, D(2026, 4, 4));
  EXPECT_EQ(boc.explanation.calendar(), "CA-IA");
  EXPECT_EQ(boc.explanation.skipped_size(), 1);
  EXPECT_EQ(boc.explanation.skipped(0).reason(), "Good Friday (CA-IA)");

  const ComputedDeadline& extension = (*got)[1];
  EXPECT_EQ(extension.rule_id, "rpd.boc.extension");
  EXPECT_EQ(extension.due_date, D(2026, 3, 31));
  EXPECT_EQ(extension.parent_rule_id, "rpd.boc.poe.45d");
  EXPECT_EQ(extension.trigger_date, D(2026, 4, 4));
  EXPECT_EQ(extension.explanation.trigger_event(),
            v1::EVENT_TYPE_CLAIM_REFERRED);
  EXPECT_EQ(extension.explanation.trigger(), "rule rpd.boc.poe.45d");
  EXPECT_EQ(extension.explanation.calendar(), "IRB-EASTERN");
  EXPECT_THAT(extension.explanation.trigger_derivation(),
              HasSubstr("the date of rule \"rpd.boc.poe.45d\""));

  EXPECT_EQ((*got)[2].rule_id, "rpd.abandonment.boc.45d");
  EXPECT_EQ((*got)[2].due_date, D(2026, 4, 13));
  EXPECT_EQ((*got)[3].rule_id, "rpd.referral.hearing");
}

// Hearing on Tue 8 Sep 2026, the day after Labour Day (Toronto):
//  10 days before = Sat 29 Aug -> back to Fri 28 Aug (BOC changes,
//    disclosure, applications, interpreter);
//  5 days before = Thu 3 Sep (reply disclosure);
//  20 days before = Wed 19 Aug (change of location);
//  at least 3 working days before: Mon 7 (Labour Day), Sun 6, Sat 5 skipped;
//    Fri 4, Thu 3, Wed 2 are the three clear days: Tue 1 Sep.
TEST(RpdTest, HearingRelativeDeadlinesAfterLongWeekend) {
  EXPECT_THAT(Due(kRpdToronto, v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 9, 8)),
              ElementsAre(Pair("rpd.hearing.boc_amendments", "2026-08-28"),
                          Pair("rpd.hearing.disclosure", "2026-08-28"),
                          Pair("rpd.hearing.disclosure_reply", "2026-09-03"),
                          Pair("rpd.hearing.applications", "2026-08-28"),
                          Pair("rpd.hearing.interpreter", "2026-08-28"),
                          Pair("rpd.hearing.change_location", "2026-08-19"),
                          Pair("rpd.hearing.change_date", "2026-09-01")));
}

// Hearing Fri 4 Jul 2025: disclosure 10 days before = Tue 24 Jun 2025. The
// Montreal office is (probably) closed on 24 June: back to Mon 23 Jun, with a
// warning. In Toronto, 24 June is a working day.
TEST(RpdTest, TwentyFourthOfJuneMontrealVersusToronto) {
  const ComputedDeadline east =
      Only(kRpdMontreal, v1::EVENT_TYPE_HEARING_SCHEDULED, D(2025, 7, 4),
           "rpd.hearing.disclosure");
  EXPECT_EQ(east.due_date, D(2025, 6, 23));
  ASSERT_EQ(east.explanation.skipped_size(), 1);
  EXPECT_TRUE(east.explanation.skipped(0).uncertain());
  EXPECT_THAT(east.explanation.warning(),
              HasSubstr("2025-06-24 (Fête nationale du Québec (office "
                        "closure) (IRB-EASTERN, uncertain))"));
  const ComputedDeadline central =
      Only(kRpdToronto, v1::EVENT_TYPE_HEARING_SCHEDULED, D(2025, 7, 4),
           "rpd.hearing.disclosure");
  EXPECT_EQ(central.due_date, D(2025, 6, 24));
  EXPECT_EQ(central.explanation.warning(), "");
}

// Absent at the hearing on Fri 19 Jun 2026: 5 working days. Montreal: Mon 22
// (1), Tue 23 (2), Wed 24 closed, Thu 25 (3), Fri 26 (4), Mon 29 (5).
// Toronto: Mon 22 ... Fri 26.
TEST(RpdTest, AbandonmentAfterAbsence) {
  const ComputedDeadline east =
      Only(kRpdMontreal, v1::EVENT_TYPE_CLAIMANT_ABSENT, D(2026, 6, 19),
           "rpd.abandonment.absent");
  EXPECT_EQ(east.due_date, D(2026, 6, 29));
  EXPECT_EQ(east.kind, v1::DEADLINE_KIND_INFORMATIONAL);
  EXPECT_THAT(east.explanation.warning(), HasSubstr("2026-06-24"));
  EXPECT_EQ(Only(kRpdToronto, v1::EVENT_TYPE_CLAIMANT_ABSENT, D(2026, 6, 19),
                 "rpd.abandonment.absent")
                .due_date,
            D(2026, 6, 26));
}

// ---------------------------------------------------------------------------
// Refugee Appeal Division
// ---------------------------------------------------------------------------

// Reasons received Thu 19 Mar 2026. Notice of appeal: + 15 = Fri 3 Apr (Good
// Friday) -> Sat 4 Apr. Perfection (45 days): 19 Mar + 12 = 31 Mar, + 30 =
// 30 Apr, + 3 = Sun 3 May -> Mon 4 May.
TEST(RadTest, NoticeOfAppealOnGoodFridayAndPerfection) {
  EXPECT_THAT(
      Due(kRpdMontreal, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 19)),
      ElementsAre(Pair("rad.notice_of_appeal", "2026-04-04"),
                  Pair("rad.perfect.45d", "2026-05-04")));
}

// Reasons received Sun 22 Mar 2026: + 15 = Mon 6 Apr, Easter Monday (an IA
// holiday) -> Tue 7 Apr.
TEST(RadTest, NoticeOfAppealOnEasterMonday) {
  EXPECT_EQ(Only(kRpdToronto, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 22),
                 "rad.notice_of_appeal")
                .due_date,
            D(2026, 4, 7));
}

// Fri 5 Jun 2026 + 15 = Sat 20 Jun: IA s.26 does not extend a Saturday.
TEST(RadTest, NoticeOfAppealOnSaturdayStays) {
  EXPECT_EQ(Only(kRpdToronto, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 6, 5),
                 "rad.notice_of_appeal")
                .due_date,
            D(2026, 6, 20));
}

// 15 Sep + 15 = 30 Sep: an ordinary Wednesday in 2020, the National Day for
// Truth and Reconciliation (Thursday) in 2021 -> Fri 1 Oct 2021.
TEST(RadTest, ThirtiethOfSeptemberBeforeAndAfter2021) {
  EXPECT_EQ(Only(kRpdToronto, v1::EVENT_TYPE_DECISION_RECEIVED, D(2020, 9, 15),
                 "rad.notice_of_appeal")
                .due_date,
            D(2020, 9, 30));
  EXPECT_EQ(Only(kRpdToronto, v1::EVENT_TYPE_DECISION_RECEIVED, D(2021, 9, 15),
                 "rad.notice_of_appeal")
                .due_date,
            D(2021, 10, 1));
}

// Reasons received Fri 25 Sep 2020 (before the practice notice): 30 days =
// Sun 25 Oct -> Mon 26 Oct. Received Mon 28 Sep 2020: 45 days = 28 Sep + 2 =
// 30 Sep, + 31 = 31 Oct, + 12 = Thu 12 Nov.
TEST(RadTest, PerfectionThirtyThenFortyFiveDays) {
  EXPECT_THAT(
      Due(kRpdToronto, v1::EVENT_TYPE_DECISION_RECEIVED, D(2020, 9, 25)),
      ElementsAre(Pair("rad.notice_of_appeal", "2020-10-10"),
                  Pair("rad.perfect.30d", "2020-10-26")));
  EXPECT_THAT(
      Due(kRpdToronto, v1::EVENT_TYPE_DECISION_RECEIVED, D(2020, 9, 28)),
      ElementsAre(Pair("rad.notice_of_appeal", "2020-10-13"),
                  Pair("rad.perfect.45d", "2020-11-12")));
  absl::StatusOr<ComputedDeadline> old = ShippedEngine().ComputeDate(
      "rad.perfect.30d", D(2020, 9, 28), kRpdToronto);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(old.status().message(),
            "rule \"rad.perfect.30d\" applies to triggers before 2020-09-28; "
            "the trigger is 2020-09-28; rule \"rad.perfect.45d\" applies "
            "then");
}

// No appeal to the RAD (land-port STCA exception, no credible basis,
// designated foreign national): no RAD deadlines; judicial review directly:
// Mon 2 Mar 2026 + 15 = Tue 17 Mar; outside Canada + 60 = 2 Mar + 29 =
// 31 Mar, + 30 = 30 Apr, + 1 = Fri 1 May.
TEST(RadTest, NoRadDeadlinesWithoutAnAppeal) {
  v1::ClaimConditions stca;
  stca.set_land_port_stca_exception(true);
  CaseFacts facts = CaseFacts::ForCase(v1::CASE_TYPE_RPD_CLAIM, v1::PROVINCE_ON,
                                       v1::IRB_REGION_CENTRAL, stca);
  EXPECT_THAT(Due(facts, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2)),
              ElementsAre(Pair("fc.leave.rpd.15d", "2026-03-17")));
  v1::ClaimConditions ncb;
  ncb.set_no_credible_basis(true);
  facts = CaseFacts::ForCase(v1::CASE_TYPE_RPD_CLAIM, v1::PROVINCE_ON,
                             v1::IRB_REGION_CENTRAL, ncb);
  facts.conditions[v1::CONDITION_OUTSIDE_CANADA] = true;
  EXPECT_THAT(Due(facts, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2)),
              ElementsAre(Pair("fc.leave.rpd.60d", "2026-05-01")));
  v1::ClaimConditions dfn;
  dfn.set_designated_foreign_national(true);
  facts = CaseFacts::ForCase(v1::CASE_TYPE_RPD_CLAIM, v1::PROVINCE_ON,
                             v1::IRB_REGION_CENTRAL, dfn);
  EXPECT_THAT(Due(facts, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2)),
              ElementsAre(Pair("fc.leave.rpd.15d", "2026-03-17")));
}

// Minister's intervention received Fri 11 Dec 2026: + 15 = Sat 26 Dec.
// Saturday counts and Boxing Day is not an IA s.35 holiday: it stands.
TEST(RadTest, ReplyToMinisterOnBoxingDay) {
  EXPECT_THAT(
      Due(Facts(v1::CASE_TYPE_RAD_APPEAL),
          v1::EVENT_TYPE_MINISTER_INTERVENTION_RECEIVED, D(2026, 12, 11)),
      ElementsAre(Pair("rad.reply_minister", "2026-12-26")));
}

// Notice to appear received Fri 19 Jun 2026: hearing not before + 10 = Mon
// 29 Jun. An RPD notice to appear gives no RAD date.
TEST(RadTest, HearingEarliestDate) {
  absl::StatusOr<std::vector<ComputedDeadline>> got =
      ShippedEngine().DeadlinesForEvent(
          Facts(v1::CASE_TYPE_RAD_APPEAL),
          v1::EVENT_TYPE_NOTICE_TO_APPEAR_RECEIVED, D(2026, 6, 19));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].rule_id, "rad.hearing.earliest");
  EXPECT_EQ((*got)[0].kind, v1::DEADLINE_KIND_EARLIEST);
  EXPECT_EQ((*got)[0].due_date, D(2026, 6, 29));
  EXPECT_THAT(Due(kRpdToronto, v1::EVENT_TYPE_NOTICE_TO_APPEAR_RECEIVED,
                  D(2026, 6, 19)),
              IsEmpty());
}

// RAD hearing Tue 14 Jul 2026: change of location 20 days before = Wed 24
// Jun: Montreal office closed (uncertain) -> Tue 23 Jun; Toronto: 24 Jun.
TEST(RadTest, ChangeOfLocationTwentyFourthOfJune) {
  EXPECT_THAT(Due(Facts(v1::CASE_TYPE_RAD_APPEAL, v1::IRB_REGION_EASTERN,
                        v1::PROVINCE_QC),
                  v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 7, 14)),
              ElementsAre(Pair("rad.hearing.change_location", "2026-06-23")));
  EXPECT_THAT(Due(Facts(v1::CASE_TYPE_RAD_APPEAL),
                  v1::EVENT_TYPE_HEARING_SCHEDULED, D(2026, 7, 14)),
              ElementsAre(Pair("rad.hearing.change_location", "2026-06-24")));
}

// Perfected Mon 2 Mar 2026: decision expected + 90 = 2 Mar + 29 = 31 Mar,
// + 30 = 30 Apr, + 31 = Sun 31 May (informational: not moved).
TEST(RadTest, DecisionWithoutHearingIsInformational) {
  const ComputedDeadline d =
      Only(Facts(v1::CASE_TYPE_RAD_APPEAL), v1::EVENT_TYPE_APPEAL_PERFECTED,
           D(2026, 3, 2), "rad.decision.no_hearing");
  EXPECT_EQ(d.due_date, D(2026, 5, 31));
  EXPECT_EQ(d.kind, v1::DEADLINE_KIND_INFORMATIONAL);
}

// ---------------------------------------------------------------------------
// Federal Court
// ---------------------------------------------------------------------------

// RAD decision received Mon 2 Mar 2026: leave in 15 days, Tue 17 Mar; a
// matter outside Canada 60 days, Fri 1 May.
TEST(FederalCourtTest, FifteenOrSixtyDays) {
  const CaseFacts rad = Facts(v1::CASE_TYPE_RAD_APPEAL);
  EXPECT_THAT(Due(rad, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2)),
              ElementsAre(Pair("fc.leave.15d", "2026-03-17")));
  CaseFacts outside = rad;
  outside.conditions[v1::CONDITION_OUTSIDE_CANADA] = true;
  EXPECT_THAT(Due(outside, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 2)),
              ElementsAre(Pair("fc.leave.60d", "2026-05-01")));
}

// Thu 19 Mar 2026 + 15 = Good Friday 3 Apr; Sat 4, Sun 5, Easter Monday 6 do
// not count: Tue 7 Apr. Fri 5 Jun + 15 = Sat 20 Jun -> Mon 22 Jun. Thu 17
// Dec 2026 + 15 = Fri 1 Jan 2027 -> Mon 4 Jan.
TEST(FederalCourtTest, GoodFridaySaturdayAndYearEnd) {
  const CaseFacts prra = Facts(v1::CASE_TYPE_PRRA);
  EXPECT_THAT(Due(prra, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 3, 19)),
              ElementsAre(Pair("fc.leave.15d", "2026-04-07")));
  EXPECT_THAT(Due(prra, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 6, 5)),
              ElementsAre(Pair("fc.leave.15d", "2026-06-22")));
  EXPECT_THAT(Due(prra, v1::EVENT_TYPE_DECISION_RECEIVED, D(2026, 12, 17)),
              ElementsAre(Pair("fc.leave.15d", "2027-01-04")));
}

// Filed Mon 2 Mar 2026: record + 30 = Wed 1 Apr. Respondent's memorandum
// served Fri 27 Mar: reply + 10 = Easter Monday 6 Apr -> Tue 7 Apr. Record
// served Wed 11 Nov: respondent + 30 = Fri 11 Dec. Leave granted Fri 7 Aug:
// hearing not before + 30 = Sun 6 Sep (stands), not after + 90 = 7 Aug + 24
// = 31 Aug, + 30 = 30 Sep, + 31 = 31 Oct, + 5 = Thu 5 Nov.
TEST(FederalCourtTest, RecordReplyAndHearingWindow) {
  const CaseFacts jr = Facts(v1::CASE_TYPE_FEDERAL_COURT_JR);
  EXPECT_THAT(Due(jr, v1::EVENT_TYPE_JR_APPLICATION_FILED, D(2026, 3, 2)),
              ElementsAre(Pair("fc.applicant_record", "2026-04-01")));
  EXPECT_THAT(
      Due(jr, v1::EVENT_TYPE_RESPONDENT_MEMORANDUM_SERVED, D(2026, 3, 27)),
      ElementsAre(Pair("fc.reply", "2026-04-07")));
  EXPECT_THAT(Due(jr, v1::EVENT_TYPE_APPLICANT_RECORD_SERVED, D(2026, 11, 11)),
              ElementsAre(Pair("fc.respondent_memo", "2026-12-11")));
  EXPECT_THAT(Due(jr, v1::EVENT_TYPE_LEAVE_GRANTED, D(2026, 8, 7)),
              ElementsAre(Pair("fc.hearing.earliest", "2026-09-06"),
                          Pair("fc.hearing.latest", "2026-11-05")));
}

// Reasons mailed Mon 2 Mar 2026, arrived Mon 16 Mar: deemed received on the
// 10th day, Thu 12 Mar (uncertain rule), the earlier: + 30 = Sat 11 Apr ->
// Mon 13 Apr, with a warning.
TEST(FederalCourtTest, RecordAfterReasonsReceivedByMail) {
  v1::Receipt mail;
  mail.set_manner(v1::RECEIPT_MANNER_MAIL);
  *mail.mutable_sent_date() = ToDate(D(2026, 3, 2));
  *mail.mutable_received_date() = ToDate(D(2026, 3, 16));
  absl::StatusOr<std::vector<ComputedDeadline>> got =
      ShippedEngine().DeadlinesForEvent(
          Facts(v1::CASE_TYPE_FEDERAL_COURT_JR),
          v1::EVENT_TYPE_TRIBUNAL_REASONS_RECEIVED, D(2026, 3, 16), &mail);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].trigger_date, D(2026, 3, 12));
  EXPECT_EQ((*got)[0].due_date, D(2026, 4, 13));
  EXPECT_THAT((*got)[0].explanation.warning(),
              HasSubstr("deemed-receipt rule used"));
}

// ---------------------------------------------------------------------------
// PRRA
// ---------------------------------------------------------------------------

// Notification mailed Mon 2 Mar 2026 (deemed given Mon 9 Mar), arrived Thu 5
// Mar. Application: from the 5th + 15 = Fri 20 Mar. Decision not before: from
// the 9th + 30 = Wed 8 Apr. Submissions: from the 5th + 30 = Sat 4 Apr (a
// counting day under the IA).
TEST(PrraTest, NotificationByMail) {
  v1::Receipt mail;
  mail.set_manner(v1::RECEIPT_MANNER_MAIL);
  *mail.mutable_sent_date() = ToDate(D(2026, 3, 2));
  *mail.mutable_received_date() = ToDate(D(2026, 3, 5));
  EXPECT_THAT(Due(Facts(v1::CASE_TYPE_PRRA), v1::EVENT_TYPE_PRRA_NOTIFICATION,
                  D(2026, 3, 5), &mail),
              ElementsAre(Pair("prra.application", "2026-03-20"),
                          Pair("prra.decision.earliest", "2026-04-08"),
                          Pair("prra.submissions", "2026-04-04")));
}

// Rejected Thu 29 Feb 2024: 12 months later, 29 Feb 2025 does not exist: Fri
// 28 Feb 2025 (IA s.28). The source is secondary: a warning.
TEST(PrraTest, TwelveMonthBar) {
  const ComputedDeadline d = Only(kRpdToronto, v1::EVENT_TYPE_CLAIM_REJECTED,
                                  D(2024, 2, 29), "prra.bar");
  EXPECT_EQ(d.due_date, D(2025, 2, 28));
  EXPECT_THAT(d.explanation.warning(),
              HasSubstr("not confirmed from a primary text"));
}

// ---------------------------------------------------------------------------
// The engine's API
// ---------------------------------------------------------------------------

TEST(EngineTest, ComputeDateExplains) {
  absl::StatusOr<ComputedDeadline> d = ShippedEngine().ComputeDate(
      "rpd.boc.poe.45d", D(2026, 2, 17), kRpdToronto);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->due_date, D(2026, 4, 4));
  EXPECT_EQ(d->title, "Provide the Basis of Claim form to the RPD");
  const v1::Explanation& e = d->explanation;
  EXPECT_EQ(e.rule_id(), "rpd.boc.poe.45d");
  EXPECT_THAT(e.citation(), HasSubstr("IRPR 159.8(2)-(3)"));
  EXPECT_EQ(e.trigger_event(), v1::EVENT_TYPE_CLAIM_REFERRED);
  EXPECT_EQ(e.trigger(), "EVENT_TYPE_CLAIM_REFERRED");
  EXPECT_EQ(FormatDate(e.trigger_date()), "2026-02-17");
  EXPECT_EQ(e.trigger_derivation(), "event date 2026-02-17 (Tuesday)");
  EXPECT_EQ(e.calendar(), "CA-IA");
  EXPECT_EQ(e.warning(), "");
  EXPECT_THAT(e.note(), HasSubstr("port of entry"));
  EXPECT_THAT(e.steps(),
              ElementsAre(HasSubstr("calendar CA-IA"),
                          HasSubstr("start 2026-02-17 (Tuesday)"),
                          "2026-02-17 + 45 calendar days = 2026-04-03 (Friday)",
                          HasSubstr("the limit runs to the next day that "
                                    "counts, 2026-04-04 (Saturday) (IA s.26)"),
                          "due: 2026-04-04 (Saturday)"));
}

// A rule relative to another, computed from that rule's date.
TEST(EngineTest, ComputeDateOfRelativeRule) {
  absl::StatusOr<ComputedDeadline> d = ShippedEngine().ComputeDate(
      "rpd.boc.extension", D(2026, 4, 4), kRpdMontreal);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->due_date, D(2026, 3, 31));
  EXPECT_EQ(d->parent_rule_id, "rpd.boc.poe.45d");
  EXPECT_THAT(d->explanation.trigger_derivation(),
              HasSubstr("the date of rule \"rpd.boc.poe.45d\""));
  EXPECT_EQ(*ShippedEngine().DueDate("rpd.boc.extension", D(2026, 4, 4),
                                     kRpdMontreal),
            D(2026, 3, 31));
}

TEST(EngineTest, ComputeDateErrors) {
  const DeadlineEngine& engine = ShippedEngine();
  absl::Status s =
      engine.ComputeDate("no.such.rule", D(2026, 3, 2), kRpdToronto).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(s.message(), HasSubstr("\"no.such.rule\""));

  CaseFacts no_region = kRpdToronto;
  no_region.irb_region = v1::IRB_REGION_UNSPECIFIED;
  s = engine.ComputeDate("rpd.hearing.disclosure", D(2026, 9, 8), no_region)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("set the case's IRB region"));

  v1::Receipt hand;
  hand.set_manner(v1::RECEIPT_MANNER_HAND);
  s = engine.ComputeDate("rpd.boc.extension", D(2026, 4, 4), kRpdToronto, &hand)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("receipt"));

  s = engine.ComputeDate("rad.perfect.45d", D(2100, 12, 1), kRpdToronto)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange);

  s = engine.ComputeDate("rpd.boc.poe.45d", D(2024, 9, 8), kRpdToronto)
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("rule \"rpd.boc.poe.15d\" applies then"));

  EXPECT_EQ(engine
                .DeadlinesForEvent(kRpdToronto, v1::EVENT_TYPE_UNSPECIFIED,
                                   D(2026, 3, 2))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EngineTest, WithdrawnAndMovedRules) {
  const DeadlineEngine& engine = ShippedEngine();
  const std::vector<std::string> hearing = {
      "rpd.hearing.boc_amendments",   "rpd.hearing.disclosure",
      "rpd.hearing.disclosure_reply", "rpd.hearing.applications",
      "rpd.hearing.interpreter",      "rpd.hearing.change_location",
      "rpd.hearing.change_date",      "rad.hearing.change_location"};
  EXPECT_EQ(engine.RulesWithdrawnBy(v1::EVENT_TYPE_HEARING_CANCELLED), hearing);
  EXPECT_EQ(engine.RulesMovedBy(v1::EVENT_TYPE_HEARING_RESCHEDULED), hearing);
  EXPECT_THAT(engine.RulesWithdrawnBy(v1::EVENT_TYPE_BOC_FILED),
              ElementsAre("rpd.boc.extension", "rpd.abandonment.boc.15d",
                          "rpd.abandonment.boc.45d"));
  EXPECT_THAT(engine.RulesWithdrawnBy(v1::EVENT_TYPE_LEAVE_GRANTED), IsEmpty());
}

// Rescheduling the 8 Sep 2026 hearing to Tue 13 Oct 2026 (the day after
// Thanksgiving) moves every hearing deadline: 10 days before = Sat 3 Oct ->
// Fri 2 Oct; 5 before = Thu 8 Oct; 20 before = Wed 23 Sep; at least 3 working
// days: Mon 12 (Thanksgiving), Sun 11, Sat 10 skipped; Fri 9, Thu 8, Wed 7
// clear: Tue 6 Oct.
TEST(EngineTest, ReschedulingMovesHearingDeadlines) {
  const DeadlineEngine& engine = ShippedEngine();
  std::vector<std::pair<std::string, std::string>> moved;
  for (const std::string& id :
       engine.RulesMovedBy(v1::EVENT_TYPE_HEARING_RESCHEDULED)) {
    if (!WhyNotApplicable(*engine.rules().FindRule(id), kRpdToronto,
                          D(2026, 10, 13))
             .empty()) {
      continue;
    }
    absl::StatusOr<ComputedDeadline> d =
        engine.ComputeDate(id, D(2026, 10, 13), kRpdToronto);
    ASSERT_TRUE(d.ok()) << d.status();
    moved.emplace_back(id, IsoDay(d->due_date));
  }
  EXPECT_THAT(moved,
              ElementsAre(Pair("rpd.hearing.boc_amendments", "2026-10-02"),
                          Pair("rpd.hearing.disclosure", "2026-10-02"),
                          Pair("rpd.hearing.disclosure_reply", "2026-10-08"),
                          Pair("rpd.hearing.applications", "2026-10-02"),
                          Pair("rpd.hearing.interpreter", "2026-10-02"),
                          Pair("rpd.hearing.change_location", "2026-09-23"),
                          Pair("rpd.hearing.change_date", "2026-10-06")));
}

TEST(EngineTest, ListHolidays) {
  const DeadlineEngine& engine = ShippedEngine();
  EXPECT_EQ(engine.ListHolidays("QC", 2026)->size(), 9u);
  EXPECT_EQ(engine.ListHolidays("XX", 2026).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(engine.ListHolidays("QC", 2101).status().code(),
            absl::StatusCode::kOutOfRange);
}

// A clinic's own rules: one counting with the case's province (Easter Monday
// is an Ontario holiday, not a BC one; 24 June is a Quebec one) with a time of
// day, and one uncertain rule with a rule relative to it.
constexpr char kClinicRules[] = R"pb(
  version: "clinic-1"
  calendars {
    id: "ON"
    description: "Ontario"
    citation: "Legislation Act"
    non_counting_weekdays: WEEKDAY_SUNDAY
    holidays { name: "Easter Monday" easter_offset_days: 1 }
  }
  calendars {
    id: "BC"
    description: "BC"
    citation: "ESA"
    non_counting_weekdays: WEEKDAY_SUNDAY
  }
  calendars {
    id: "QC"
    description: "Quebec"
    citation: "Loi d'interprétation"
    non_counting_weekdays: WEEKDAY_SUNDAY
    holidays {
      name: "Fête nationale"
      fixed { month: 6 day: 24 }
    }
  }
  bindings { province: PROVINCE_ON calendar: "ON" }
  bindings { province: PROVINCE_BC calendar: "BC" }
  bindings { province: PROVINCE_QC calendar: "QC" }
  bindings { province: PROVINCE_AB calendar: "BC" }
  bindings { province: PROVINCE_MB calendar: "BC" }
  bindings { province: PROVINCE_NB calendar: "BC" }
  bindings { province: PROVINCE_NL calendar: "BC" }
  bindings { province: PROVINCE_NS calendar: "BC" }
  bindings { province: PROVINCE_NT calendar: "BC" }
  bindings { province: PROVINCE_NU calendar: "BC" }
  bindings { province: PROVINCE_PE calendar: "BC" }
  bindings { province: PROVINCE_SK calendar: "BC" }
  bindings { province: PROVINCE_YT calendar: "BC" }
  rules {
    id: "prov.ten"
    title: "A provincial filing"
    event: EVENT_TYPE_DECISION_RECEIVED
    offset { value: 10 unit: OFFSET_UNIT_CALENDAR_DAYS }
    direction: DIRECTION_AFTER
    counting: COUNTING_EXCLUDE_FIRST
    calendar: "@province"
    roll: ROLL_FORWARD
    case_types: CASE_TYPE_HUMANITARIAN
    citation: "a provincial act"
    kind: DEADLINE_KIND_DEADLINE
    due_time { hours: 16 minutes: 30 }
    uncertain: true
  }
  rules {
    id: "prov.follow"
    title: "Follow up"
    relative_to_rule: "prov.ten"
    offset { value: 1 unit: OFFSET_UNIT_CALENDAR_DAYS }
    direction: DIRECTION_AFTER
    counting: COUNTING_EXCLUDE_FIRST
    calendar: "@province"
    roll: ROLL_FORWARD
    case_types: CASE_TYPE_HUMANITARIAN
    citation: "practice"
    kind: DEADLINE_KIND_DEADLINE
  }
)pb";

// Fri 27 Mar 2026 + 10 = Easter Monday 6 Apr: Ontario -> Tue 7 Apr; BC: Mon
// 6 Apr. The follow-up is 1 day after: Wed 8 Apr / Tue 7 Apr. Sun 14 Jun + 10
// = Wed 24 Jun: Quebec -> Thu 25 Jun; Ontario: 24 Jun.
TEST(EngineTest, ProvinceCalendarsTimeOfDayAndInheritedWarnings) {
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules =
      RuleSet::Load(kClinicRules);
  ASSERT_TRUE(rules.ok()) << rules.status();
  DeadlineEngine engine(*rules);
  const auto due = [&](v1::Province p, absl::CivilDay d) {
    CaseFacts f = Facts(v1::CASE_TYPE_HUMANITARIAN, v1::IRB_REGION_CENTRAL, p);
    absl::StatusOr<std::vector<ComputedDeadline>> got =
        engine.DeadlinesForEvent(f, v1::EVENT_TYPE_DECISION_RECEIVED, d);
    EXPECT_TRUE(got.ok()) << got.status();
    return *got;
  };
  std::vector<ComputedDeadline> on = due(v1::PROVINCE_ON, D(2026, 3, 27));
  ASSERT_EQ(on.size(), 2u);
  EXPECT_EQ(on[0].due_date, D(2026, 4, 7));
  ASSERT_TRUE(on[0].due_time.has_value());
  EXPECT_EQ(on[0].due_time->hours(), 16);
  EXPECT_EQ(on[0].due_time->minutes(), 30);
  EXPECT_EQ(on[0].explanation.calendar(), "ON");
  EXPECT_THAT(on[0].explanation.warning(),
              HasSubstr("not confirmed from a primary text"));
  EXPECT_EQ(on[1].due_date, D(2026, 4, 8));
  EXPECT_FALSE(on[1].due_time.has_value());
  EXPECT_THAT(on[1].explanation.warning(),
              HasSubstr("whose source is not confirmed"));
  std::vector<ComputedDeadline> bc = due(v1::PROVINCE_BC, D(2026, 3, 27));
  EXPECT_EQ(bc[0].due_date, D(2026, 4, 6));
  EXPECT_EQ(bc[1].due_date, D(2026, 4, 7));
  EXPECT_EQ(due(v1::PROVINCE_QC, D(2026, 6, 14))[0].due_date, D(2026, 6, 25));
  EXPECT_EQ(due(v1::PROVINCE_ON, D(2026, 6, 14))[0].due_date, D(2026, 6, 24));
  // No province on the case: refused, naming what to set.
  CaseFacts none = Facts(v1::CASE_TYPE_HUMANITARIAN, v1::IRB_REGION_CENTRAL,
                         v1::PROVINCE_UNSPECIFIED);
  absl::Status s =
      engine
          .DeadlinesForEvent(none, v1::EVENT_TYPE_DECISION_RECEIVED,
                             D(2026, 3, 27))
          .status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("set the case's province"));
}

}  // namespace
}  // namespace clinic::deadline
