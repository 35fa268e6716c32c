// Per-peer request rate limits (config limits.requests_per_second_per_peer and
// limits.request_burst_per_peer): one token bucket per client address, so that
// one client cannot starve the others or flood the audit log and databases.
//
// Peers are keyed by address without port (a client opening many connections
// is still one peer); IPv6 addresses by their /64 prefix (what one host
// usually controls). Buckets that have refilled completely are forgotten once
// the table is large, which bounds memory to the peers active in the last
// burst/rate seconds; past `max_peers` such peers, calls from new peers are
// refused until buckets are forgotten (fail closed).
//
// The security interceptor consults it for every clinic method before
// authenticating (so that floods of forged tokens are cheap to refuse) and
// refuses with RESOURCE_EXHAUSTED; calls from clinic services (in-process or
// with the service certificate) are not limited.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_COMMON_RATE_LIMITER_H_
#define CLINIC_SERVICES_COMMON_RATE_LIMITER_H_

#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace clinic {

class PeerRateLimiter {
 public:
  struct Options {
    // Tokens added per second; must be > 0.
    double requests_per_second = 200;
    // Bucket size: calls a quiet peer may make at once; must be >= 1.
    double burst = 400;
    // Peers tracked at most.
    size_t max_peers = 100000;
  };

  // `clock` must outlive this object. Use the real clock: limits concern real
  // load, whatever time the services are told.
  PeerRateLimiter(Options options, const Clock* clock);
  PeerRateLimiter(const PeerRateLimiter&) = delete;
  PeerRateLimiter& operator=(const PeerRateLimiter&) = delete;

  // Takes a token for `peer` (a gRPC peer string such as
  // "ipv4:192.0.2.7:53122"); false when its bucket is empty.
  bool Allow(absl::string_view peer);

  // The bucket key of a gRPC peer string: "ipv4:192.0.2.7",
  // "ipv6:2001:db8:1:2::/64"; other peers (unix sockets, in-process) as
  // given.
  static std::string PeerKey(absl::string_view peer);

  size_t tracked_peers() const;

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  void ForgetFullBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_RATE_LIMITER_H_
