// Fans revocations out to the services that follow
// AuthService.WatchRevocations. Each watcher waits for revocations newer than
// the last it sent. Thread-safe.
#ifndef CLINIC_SERVICES_AUTH_REVOCATION_HUB_H_
#define CLINIC_SERVICES_AUTH_REVOCATION_HUB_H_

#include <cstdint>
#include <deque>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clinic/v1/auth.pb.h"

namespace clinic {

class RevocationHub {
 public:
  // Makes `revocation` visible to every watcher.
  void Publish(const v1::Revocation& revocation);

  // Waits up to `timeout` for revocations after position `*cursor` (0 at
  // first), returns them and advances the cursor. Returns early (empty) once
  // Close was called.
  std::vector<v1::Revocation> WaitForNew(int64_t* cursor,
                                         absl::Duration timeout);

  // The current position, for a watcher that starts from now.
  int64_t Position();

  // Wakes every watcher for good (server shutdown).
  void Close();
  bool closed();

 private:
  absl::Mutex mu_;
  // The most recent revocations; position of recent_.front() is
  // first_position_.
  std::deque<v1::Revocation> recent_ ABSL_GUARDED_BY(mu_);
  int64_t first_position_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUTH_REVOCATION_HUB_H_
