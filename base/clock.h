// Time sources. Code that needs "now" takes a Clock so that tests control time;
// nothing reads the wall clock directly. Thread-safe.
#ifndef CLINIC_BASE_CLOCK_H_
#define CLINIC_BASE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace clinic {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The process-wide real clock (never destroyed).
  static const Clock* Real();
};

// A clock that moves only when told to. For tests and benchmarks.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_BASE_CLOCK_H_
