#include "services/deadline/engine/case_facts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/validation.h"
#include "services/deadline/engine/dates.h"

namespace clinic::deadline {
namespace {

// The Refugee Appeal Division hears appeals of claims referred from this day
// (IRB RAD guide; DOMAIN.md section 2).
const absl::CivilDay kRadStart(2012, 12, 15);

}  // namespace

bool CaseFacts::Has(v1::Condition condition) const {
  auto it = conditions.find(condition);
  return it != conditions.end() && it->second;
}

CaseFacts CaseFacts::ForCase(v1::CaseType case_type, v1::Province province,
                             v1::IrbRegion irb_region,
                             const v1::ClaimConditions& claim) {
  CaseFacts f;
  f.case_type = case_type;
  f.province = province;
  f.irb_region = irb_region;
  f.conditions[v1::CONDITION_PORT_OF_ENTRY_CLAIM] = claim.port_of_entry_claim();
  f.conditions[v1::CONDITION_LAND_PORT_STCA_EXCEPTION] =
      claim.land_port_stca_exception();
  f.conditions[v1::CONDITION_NO_CREDIBLE_BASIS] = claim.no_credible_basis();
  f.conditions[v1::CONDITION_DESIGNATED_FOREIGN_NATIONAL] =
      claim.designated_foreign_national();
  const bool referred_before_rad =
      claim.has_referral_date() &&
      ToCivilDay(claim.referral_date()) < kRadStart;
  f.conditions[v1::CONDITION_NO_RAD_APPEAL] =
      claim.land_port_stca_exception() || claim.no_credible_basis() ||
      claim.designated_foreign_national() || referred_before_rad;
  return f;
}

std::string WhyNotInForce(const v1::DeadlineRule& rule,
                          absl::CivilDay trigger_date) {
  const v1::InForce& f = rule.in_force();
  if (f.has_from() && trigger_date < ToCivilDay(f.from())) {
    return absl::StrCat("rule \"", rule.id(), "\" applies to triggers from ",
                        FormatDate(f.from()), "; the trigger is ",
                        IsoDay(trigger_date));
  }
  if (f.has_until() && trigger_date >= ToCivilDay(f.until())) {
    return absl::StrCat("rule \"", rule.id(), "\" applies to triggers before ",
                        FormatDate(f.until()), "; the trigger is ",
                        IsoDay(trigger_date));
  }
  return "";
}

std::string WhyNotApplicable(const v1::DeadlineRule& rule,
                             const CaseFacts& facts,
                             absl::CivilDay trigger_date) {
  if (std::find(rule.case_types().begin(), rule.case_types().end(),
                facts.case_type) == rule.case_types().end()) {
    return absl::StrCat("rule \"", rule.id(), "\" does not apply to ",
                        v1::CaseType_Name(facts.case_type), " cases");
  }
  for (const v1::ConditionTest& test : rule.conditions()) {
    if (facts.Has(test.condition()) != test.value()) {
      return absl::StrCat("rule \"", rule.id(), "\" needs ",
                          v1::Condition_Name(test.condition()), " to be ",
                          test.value() ? "true" : "false");
    }
  }
  return WhyNotInForce(rule, trigger_date);
}

}  // namespace clinic::deadline
