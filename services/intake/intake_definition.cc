// The intake service with the production name matcher.
#include "services/intake/intake_service.h"
#include "services/intake/matching/person_index.h"

namespace clinic {

ServiceDefinition IntakeServiceDefinition() {
  return IntakeServiceDefinitionWith([] { return NewPersonMatcher(); });
}

}  // namespace clinic
