#include "services/deadline/engine/rule_set.h"

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/engine/test_rule_text.h"
#include "services/deadline/engine/test_rules.h"
#include "services/deadline/rules/canada_rules.h"

namespace clinic::deadline {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(RuleSetTest, LoadsAndIndexes) {
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Load(kBase);
  ASSERT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ((*rules)->version(), "test-1");
  ASSERT_NE((*rules)->FindRule("r.one"), nullptr);
  EXPECT_EQ((*rules)->RulesTriggeredBy(v1::EVENT_TYPE_CLAIM_REFERRED).size(),
            1u);
  EXPECT_TRUE((*rules)->RulesTriggeredBy(v1::EVENT_TYPE_BOC_FILED).empty());
  EXPECT_EQ((*rules)->FindRule("nope"), nullptr);
  ASSERT_NE((*rules)->FindCalendar("CA-IA"), nullptr);
  EXPECT_EQ((*rules)->FindCalendar("CA-XX"), nullptr);
}

TEST(RuleSetTest, RefusalListsEveryErrorWithItsPosition) {
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Load(
      absl::StrReplaceAll(kBase, {{"value: 15", "value: -1"},
                                  {"calendar: \"CA-IA\"", "calendar: \"X\""}}));
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(rules.status().message()),
              StartsWith("rule file rejected: 2 error(s)\nline 13 column 12: "
                         "rule \"r.one\": offset.value must not be negative"));
  EXPECT_THAT(std::string(rules.status().message()),
              HasSubstr("\nline 16 column 3: rule \"r.one\": unknown "
                        "calendar \"X\""));
}

TEST(RuleSetTest, TooLargeIsRefused) {
  const std::string big(RuleSet::kMaxTextBytes + 1, '#');
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Load(big);
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rules.status().message(), HasSubstr("at most 1048576"));
}

// The swap a service does: the shared pointer changes only on success.
TEST(RuleSetTest, BadFileNeverReplacesGoodOne) {
  std::shared_ptr<const RuleSet> current = *RuleSet::Load(kBase);
  const RuleSet* before = current.get();
  for (const std::string& candidate :
       {Edit("value: 15", "value: -15"), std::string("garbage {")}) {
    absl::StatusOr<std::shared_ptr<const RuleSet>> next =
        RuleSet::Load(candidate);
    if (next.ok()) current = *std::move(next);
  }
  EXPECT_EQ(current.get(), before);
  EXPECT_EQ(current->FindRule("r.one")->offset().value(), 15);
}

TEST(ShippedRulesTest, LoadsCleanly) {
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules =
      RuleSet::Load(CanadaRulesText());
  ASSERT_TRUE(rules.ok()) << rules.status();
  const RuleSet& r = **rules;
  std::set<std::string> calendars;
  for (const HolidayCalendar* c : r.calendars()) calendars.insert(c->id());
  EXPECT_EQ(calendars, (std::set<std::string>{
                           "CA-IA", "CA-FC", "CA-PS", "IRB-EASTERN",
                           "IRB-CENTRAL", "IRB-WESTERN", "QC", "ON", "BC"}));
  // Every region and province resolves.
  v1::DeadlineRule by_region;
  by_region.set_calendar(kIrbRegionCalendar);
  v1::DeadlineRule by_province;
  by_province.set_calendar(kProvinceCalendar);
  for (int region = 1; region <= 3; ++region) {
    EXPECT_TRUE(r.CalendarFor(by_region, v1::PROVINCE_UNSPECIFIED,
                              static_cast<v1::IrbRegion>(region))
                    .ok())
        << region;
  }
  for (int province = 1; province <= 13; ++province) {
    EXPECT_TRUE(r.CalendarFor(by_province, static_cast<v1::Province>(province),
                              v1::IRB_REGION_UNSPECIFIED)
                    .ok())
        << province;
  }
  EXPECT_EQ(
      (*r.CalendarFor(by_province, v1::PROVINCE_QC, v1::IRB_REGION_UNSPECIFIED))
          ->id(),
      "QC");
  EXPECT_EQ(
      r.CalendarFor(by_region, v1::PROVINCE_QC, v1::IRB_REGION_UNSPECIFIED)
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
}

// Every rule of DOMAIN.md section 2 is in the shipped file, with its citation.
TEST(ShippedRulesTest, HasEveryDomainRule) {
  const RuleSet& r = *ShippedRules();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"rpd.boc.inland", "IRPR 159.8(1)"},
      {"rpd.boc.poe.15d", "IRPR 159.8(2)"},
      {"rpd.boc.poe.45d", "Practice Notice on Procedural Issues"},
      {"rpd.boc.extension", "s.2.2"},
      {"rpd.abandonment.boc.15d", "r.65(2)"},
      {"rpd.abandonment.boc.45d", "r.65(2)"},
      {"rpd.abandonment.absent", "r.65(3)"},
      {"rpd.hearing.boc_amendments", "CLEO"},
      {"rpd.hearing.disclosure", "r.34(3)"},
      {"rpd.hearing.disclosure_reply", "r.34(3)"},
      {"rpd.hearing.applications", "r.50(1)"},
      {"rpd.hearing.interpreter", "r.19(2)-(4)"},
      {"rpd.hearing.change_location", "r.53(3)"},
      {"rpd.hearing.change_date", "r.54"},
      {"rpd.referral.hearing", "IRPR 159.9"},
      {"rad.notice_of_appeal", "IRPR 159.91(1)(a)"},
      {"rad.perfect.30d", "IRPR 159.91(1)(b)"},
      {"rad.perfect.45d", "IRPR 159.91(1)(b)"},
      {"rad.reply_minister", "irb-cisr.gc.ca"},
      {"rad.hearing.earliest", "r.56(2)"},
      {"rad.hearing.change_location", "r.66(3)"},
      {"rad.decision.no_hearing", "IRPR 159.92"},
      {"fc.leave.15d", "IRPA s.72(2)"},
      {"fc.leave.60d", "IRPA s.72(2)"},
      {"fc.leave.rpd.15d", "IRPA s.72(2)"},
      {"fc.leave.rpd.60d", "IRPA s.72(2)"},
      {"fc.applicant_record", "r.10"},
      {"fc.applicant_record.after_reasons", "r.10"},
      {"fc.respondent_memo", "r.11"},
      {"fc.reply", "r.13"},
      {"fc.hearing.earliest", "IRPA s.74(b)"},
      {"fc.hearing.latest", "IRPA s.74(b)"},
      {"prra.application", "IRPR 162"},
      {"prra.decision.earliest", "IRPR 162"},
      {"prra.submissions", "IRPR 162"},
      {"prra.bar", "secondary source"},
  };
  for (const auto& [id, citation] : expected) {
    const v1::DeadlineRule* rule = r.FindRule(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_THAT(rule->citation(), HasSubstr(citation)) << id;
  }
  EXPECT_EQ(r.proto().rules_size(), static_cast<int>(expected.size()));
  // Secondary sources are marked uncertain.
  EXPECT_TRUE(r.FindRule("rpd.hearing.boc_amendments")->uncertain());
  EXPECT_TRUE(r.FindRule("prra.bar")->uncertain());
  EXPECT_FALSE(r.FindRule("rad.notice_of_appeal")->uncertain());
  // Informational and earliest kinds where DOMAIN.md says so.
  EXPECT_EQ(r.FindRule("rpd.referral.hearing")->kind(),
            v1::DEADLINE_KIND_INFORMATIONAL);
  EXPECT_EQ(r.FindRule("rad.decision.no_hearing")->kind(),
            v1::DEADLINE_KIND_INFORMATIONAL);
  EXPECT_EQ(r.FindRule("rad.hearing.earliest")->kind(),
            v1::DEADLINE_KIND_EARLIEST);
  EXPECT_EQ(r.FindRule("prra.decision.earliest")->kind(),
            v1::DEADLINE_KIND_EARLIEST);
  EXPECT_EQ(r.FindRule("fc.hearing.earliest")->kind(),
            v1::DEADLINE_KIND_EARLIEST);
  // Deemed receipt: PRRA by mail 7 days; FC reasons by mail 10 days
  // (uncertain).
  const v1::ReceiptRule* prra = r.ReceiptRuleFor(
      v1::EVENT_TYPE_PRRA_NOTIFICATION, v1::RECEIPT_MANNER_MAIL);
  ASSERT_NE(prra, nullptr);
  EXPECT_EQ(prra->deemed_days_after_sending(), 7);
  const v1::ReceiptRule* fc = r.ReceiptRuleFor(
      v1::EVENT_TYPE_TRIBUNAL_REASONS_RECEIVED, v1::RECEIPT_MANNER_MAIL);
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->deemed_days_after_sending(), 10);
  EXPECT_TRUE(fc->uncertain());
}

}  // namespace
}  // namespace clinic::deadline
