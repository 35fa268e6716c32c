// The facts about a case that decide which deadline rules apply to it (case
// type, conditions such as "no appeal to the RAD", the in-force range of the
// rule on the trigger date) and which calendar a rule counting with the case's
// province or IRB region uses.
//
// Thread-safe (values and pure functions).
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_CASE_FACTS_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_CASE_FACTS_H_

#include <map>
#include <string>

#include "absl/time/civil_time.h"
#include "clinic/v1/common.pb.h"
#include "clinic/v1/deadline_rules.pb.h"
#include "clinic/v1/intake.pb.h"

namespace clinic::deadline {

struct CaseFacts {
  v1::CaseType case_type = v1::CASE_TYPE_UNSPECIFIED;
  v1::Province province = v1::PROVINCE_UNSPECIFIED;
  v1::IrbRegion irb_region = v1::IRB_REGION_UNSPECIFIED;
  // A condition not present is false.
  std::map<v1::Condition, bool> conditions;

  bool Has(v1::Condition condition) const;

  // The facts of a case from its intake record. CONDITION_NO_RAD_APPEAL is
  // derived: a land-port STCA exception, a "no credible basis" finding, a
  // designated foreign national, or a claim referred before 15 December 2012
  // (DOMAIN.md section 2, "No RAD appeal"). CONDITION_OUTSIDE_CANADA is not in
  // ClaimConditions: set it on the result where it holds.
  static CaseFacts ForCase(v1::CaseType case_type, v1::Province province,
                           v1::IrbRegion irb_region,
                           const v1::ClaimConditions& claim);
};

// Why `rule` does not apply to a case with `facts` for a trigger on
// `trigger_date` (its case types, its conditions, its in-force range: from
// inclusive, until exclusive), or "" when it applies.
std::string WhyNotApplicable(const v1::DeadlineRule& rule,
                             const CaseFacts& facts,
                             absl::CivilDay trigger_date);

// "" when `rule` is in force for a trigger on `trigger_date`, else why not.
std::string WhyNotInForce(const v1::DeadlineRule& rule,
                          absl::CivilDay trigger_date);

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_CASE_FACTS_H_
