#include "services/deadline/engine/test_rules.h"

#include <cstdio>
#include <cstdlib>

#include "services/deadline/rules/canada_rules.h"

namespace clinic::deadline {

std::shared_ptr<const RuleSet> ShippedRules() {
  static const auto* const kRules = [] {
    absl::StatusOr<std::shared_ptr<const RuleSet>> rules =
        RuleSet::Load(CanadaRulesText());
    if (!rules.ok()) {
      std::fprintf(stderr, "canada.textproto does not load: %s\n",
                   rules.status().ToString().c_str());
      std::abort();
    }
    return new std::shared_ptr<const RuleSet>(*std::move(rules));
  }();
  return *kRules;
}

const DeadlineEngine& ShippedEngine() {
  static const auto* const kEngine = new DeadlineEngine(ShippedRules());
  return *kEngine;
}

}  // namespace clinic::deadline
