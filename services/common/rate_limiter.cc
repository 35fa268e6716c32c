#include "services/common/rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace clinic {

PeerRateLimiter::PeerRateLimiter(Options options, const Clock* clock)
    : options_(options), clock_(clock) {}

std::string PeerRateLimiter::PeerKey(absl::string_view peer) {
  absl::string_view rest = peer;
  if (absl::ConsumePrefix(&rest, "ipv4:")) {
    size_t colon = rest.rfind(':');
    return absl::StrCat("ipv4:", rest.substr(0, colon));
  }
  if (absl::ConsumePrefix(&rest, "ipv6:")) {
    // "[2001:db8::1]:5000" (or without brackets and port).
    if (absl::ConsumePrefix(&rest, "[")) rest = rest.substr(0, rest.find(']'));
    std::string address(rest);
    unsigned char bytes[16];
    if (inet_pton(AF_INET6, address.c_str(), bytes) != 1) {
      return std::string(peer);
    }
    // An IPv4-mapped address is one IPv4 peer.
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0,    0,
                                              0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, bytes)) {
      return absl::StrCat("ipv4:", bytes[12], ".", bytes[13], ".", bytes[14],
                          ".", bytes[15]);
    }
    std::fill(bytes + 8, bytes + 16, 0);
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, bytes, text, sizeof(text));
    return absl::StrCat("ipv6:", text, "/64");
  }
  return std::string(peer);
}

bool PeerRateLimiter::Allow(absl::string_view peer) {
  std::string key = PeerKey(peer);
  absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_peers) {
      ForgetFullBuckets(now);
      if (buckets_.size() >= options_.max_peers) return false;
    }
    it = buckets_.emplace(std::move(key), Bucket{options_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  if (now > bucket.updated) {
    double refill = absl::ToDoubleSeconds(now - bucket.updated) *
                    options_.requests_per_second;
    bucket.tokens = std::min(options_.burst, bucket.tokens + refill);
    bucket.updated = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

void PeerRateLimiter::ForgetFullBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& bucket = it->second;
    double tokens =
        bucket.tokens + absl::ToDoubleSeconds(now - bucket.updated) *
                            options_.requests_per_second;
    // A full bucket is the state of a peer never seen: forgetting it changes
    // nothing.
    if (tokens >= options_.burst) {
      buckets_.erase(it++);
    } else {
      ++it;
    }
  }
}

size_t PeerRateLimiter::tracked_peers() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace clinic
