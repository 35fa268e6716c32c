// The rule file shipped with the server (canada.textproto), compiled in.
//
// Thread-safe (constant data).
#ifndef CLINIC_SERVICES_DEADLINE_RULES_CANADA_RULES_H_
#define CLINIC_SERVICES_DEADLINE_RULES_CANADA_RULES_H_

#include "absl/strings/string_view.h"

namespace clinic::deadline {

// The text of services/deadline/rules/canada.textproto, unchanged.
absl::string_view CanadaRulesText();

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_RULES_CANADA_RULES_H_
