#include "services/common/call_gate.h"

namespace clinic {

bool CallGate::Enter(bool internal) {
  absl::MutexLock lock(&mu_);
  if (draining_ && !internal) return false;
  ++in_flight_;
  return true;
}

void CallGate::Leave() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

bool CallGate::Drain(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  draining_ = true;
  auto idle = [this]()
                  ABSL_SHARED_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

int64_t CallGate::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

}  // namespace clinic
