#include "services/common/rate_limiter.h"

#include "gtest/gtest.h"

namespace clinic {
namespace {

PeerRateLimiter::Options Limits(double rate, double burst,
                                size_t max_peers = 1000) {
  PeerRateLimiter::Options options;
  options.requests_per_second = rate;
  options.burst = burst;
  options.max_peers = max_peers;
  return options;
}

TEST(PeerRateLimiterTest, BurstThenRefusedUntilTokensRefill) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  PeerRateLimiter limiter(Limits(2, 5), &clock);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(limiter.Allow("ipv4:192.0.2.1:5000")) << i;
  EXPECT_FALSE(limiter.Allow("ipv4:192.0.2.1:5000"));
  clock.Advance(absl::Milliseconds(499));
  EXPECT_FALSE(limiter.Allow("ipv4:192.0.2.1:5000"));
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(limiter.Allow("ipv4:192.0.2.1:5000"));
  EXPECT_FALSE(limiter.Allow("ipv4:192.0.2.1:5000"));
  // A long pause refills to the burst, not beyond.
  clock.Advance(absl::Hours(1));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Allow("ipv4:192.0.2.1:1"));
  EXPECT_FALSE(limiter.Allow("ipv4:192.0.2.1:1"));
}

TEST(PeerRateLimiterTest, PortsShareABucketAddressesDoNot) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  PeerRateLimiter limiter(Limits(1, 2), &clock);
  EXPECT_TRUE(limiter.Allow("ipv4:192.0.2.1:5000"));
  EXPECT_TRUE(limiter.Allow("ipv4:192.0.2.1:5001"));
  EXPECT_FALSE(limiter.Allow("ipv4:192.0.2.1:5002"));
  EXPECT_TRUE(limiter.Allow("ipv4:192.0.2.2:5000"));
}

TEST(PeerRateLimiterTest, PeerKeyDropsPortsAndGroupsIpv6By64) {
  EXPECT_EQ(PeerRateLimiter::PeerKey("ipv4:127.0.0.1:5000"), "ipv4:127.0.0.1");
  EXPECT_EQ(PeerRateLimiter::PeerKey("ipv6:[2001:db8:1:2:3:4:5:6]:443"),
            "ipv6:2001:db8:1:2::/64");
  EXPECT_EQ(PeerRateLimiter::PeerKey("ipv6:[2001:db8:1:2:ffff::9]:1"),
            "ipv6:2001:db8:1:2::/64");
  EXPECT_EQ(PeerRateLimiter::PeerKey("ipv6:[::ffff:192.0.2.7]:80"),
            "ipv4:192.0.2.7");
  EXPECT_EQ(PeerRateLimiter::PeerKey("unix:/run/clinic.sock"),
            "unix:/run/clinic.sock");
  EXPECT_EQ(PeerRateLimiter::PeerKey("ipv6:[not an address]:1"),
            "ipv6:[not an address]:1");
}

TEST(PeerRateLimiterTest, TableIsBoundedAndForgetsIdlePeers) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  PeerRateLimiter limiter(Limits(10, 2, /*max_peers=*/3), &clock);
  EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.1:1"));
  EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.2:1"));
  EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.3:1"));
  // Full of active peers: a new one is refused (fail closed).
  EXPECT_FALSE(limiter.Allow("ipv4:10.0.0.4:1"));
  EXPECT_EQ(limiter.tracked_peers(), 3u);
  // Once the others have refilled they are forgotten, making room.
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter.Allow("ipv4:10.0.0.4:1"));
  EXPECT_EQ(limiter.tracked_peers(), 1u);
}

}  // namespace
}  // namespace clinic
