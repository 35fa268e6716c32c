#include "services/deadline/engine/case_facts.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "services/deadline/engine/test_rules.h"

namespace clinic::deadline {
namespace {

using ::testing::HasSubstr;

CaseFacts Claim(const v1::ClaimConditions& c) {
  return CaseFacts::ForCase(v1::CASE_TYPE_RPD_CLAIM, v1::PROVINCE_QC,
                            v1::IRB_REGION_EASTERN, c);
}

TEST(CaseFactsTest, CopiesConditionsAndDerivesNoRadAppeal) {
  v1::ClaimConditions c;
  CaseFacts plain = Claim(c);
  EXPECT_EQ(plain.case_type, v1::CASE_TYPE_RPD_CLAIM);
  EXPECT_EQ(plain.province, v1::PROVINCE_QC);
  EXPECT_EQ(plain.irb_region, v1::IRB_REGION_EASTERN);
  EXPECT_FALSE(plain.Has(v1::CONDITION_NO_RAD_APPEAL));
  EXPECT_FALSE(plain.Has(v1::CONDITION_OUTSIDE_CANADA));

  c.set_port_of_entry_claim(true);
  EXPECT_TRUE(Claim(c).Has(v1::CONDITION_PORT_OF_ENTRY_CLAIM));
  EXPECT_FALSE(Claim(c).Has(v1::CONDITION_NO_RAD_APPEAL));

  for (int which = 0; which < 3; ++which) {
    v1::ClaimConditions bar;
    if (which == 0) bar.set_land_port_stca_exception(true);
    if (which == 1) bar.set_no_credible_basis(true);
    if (which == 2) bar.set_designated_foreign_national(true);
    EXPECT_TRUE(Claim(bar).Has(v1::CONDITION_NO_RAD_APPEAL)) << which;
  }
}

// The RAD hears claims referred from 15 December 2012.
TEST(CaseFactsTest, ClaimsReferredBeforeTheRadHaveNoAppeal) {
  v1::ClaimConditions c;
  *c.mutable_referral_date() = ToDate(D(2012, 12, 14));
  EXPECT_TRUE(Claim(c).Has(v1::CONDITION_NO_RAD_APPEAL));
  *c.mutable_referral_date() = ToDate(D(2012, 12, 15));
  EXPECT_FALSE(Claim(c).Has(v1::CONDITION_NO_RAD_APPEAL));
}

TEST(WhyNotApplicableTest, CaseTypeConditionsAndInForce) {
  const RuleSet& rules = *ShippedRules();
  CaseFacts facts;
  facts.case_type = v1::CASE_TYPE_RPD_CLAIM;
  const v1::DeadlineRule& boc15 = *rules.FindRule("rpd.boc.poe.15d");
  // In force for referrals from 15 Dec 2012 until (not including) 9 Sep 2024.
  EXPECT_EQ(WhyNotApplicable(boc15, facts, D(2024, 9, 8)), "");
  EXPECT_EQ(WhyNotApplicable(boc15, facts, D(2024, 9, 9)),
            "rule \"rpd.boc.poe.15d\" applies to triggers before 2024-09-09; "
            "the trigger is 2024-09-09");
  EXPECT_EQ(WhyNotApplicable(boc15, facts, D(2012, 12, 14)),
            "rule \"rpd.boc.poe.15d\" applies to triggers from 2012-12-15; "
            "the trigger is 2012-12-14");

  CaseFacts prra;
  prra.case_type = v1::CASE_TYPE_PRRA;
  EXPECT_EQ(WhyNotApplicable(boc15, prra, D(2020, 1, 1)),
            "rule \"rpd.boc.poe.15d\" does not apply to CASE_TYPE_PRRA cases");

  const v1::DeadlineRule& notice = *rules.FindRule("rad.notice_of_appeal");
  EXPECT_EQ(WhyNotApplicable(notice, facts, D(2026, 3, 2)), "");
  facts.conditions[v1::CONDITION_NO_RAD_APPEAL] = true;
  EXPECT_THAT(WhyNotApplicable(notice, facts, D(2026, 3, 2)),
              HasSubstr("needs CONDITION_NO_RAD_APPEAL to be false"));
}

}  // namespace
}  // namespace clinic::deadline
