// Test helpers: the shipped rule file loaded once, and short date literals.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_TEST_RULES_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_TEST_RULES_H_

#include <memory>

#include "absl/time/civil_time.h"
#include "services/deadline/engine/engine.h"
#include "services/deadline/engine/rule_set.h"

namespace clinic::deadline {

// services/deadline/rules/canada.textproto, loaded (aborts if it does not
// load: every test relying on it would be meaningless).
std::shared_ptr<const RuleSet> ShippedRules();

// An engine over ShippedRules().
const DeadlineEngine& ShippedEngine();

// D(2026, 3, 2): a civil day.
inline absl::CivilDay D(int y, int m, int d) { return absl::CivilDay(y, m, d); }

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_TEST_RULES_H_
