#include "services/common/call_gate.h"

#include <thread>

#include "gtest/gtest.h"

namespace clinic {
namespace {

TEST(CallGateTest, CountsCallsAndAdmitsEverythingUntilDraining) {
  CallGate gate;
  EXPECT_TRUE(gate.Enter(false));
  EXPECT_TRUE(gate.Enter(true));
  EXPECT_EQ(gate.in_flight(), 2);
  gate.Leave();
  gate.Leave();
  EXPECT_EQ(gate.in_flight(), 0);
}

TEST(CallGateTest, DrainingRefusesOutsideCallsAndAdmitsInternalOnes) {
  CallGate gate;
  ASSERT_TRUE(gate.Enter(false));  // a call under way
  std::thread finisher([&] {
    // While draining, the call under way makes an internal call, then ends.
    while (gate.Enter(false)) gate.Leave();  // until draining begins
    EXPECT_TRUE(gate.Enter(true));
    gate.Leave();
    gate.Leave();
  });
  EXPECT_TRUE(gate.Drain(absl::Now() + absl::Seconds(30)));
  finisher.join();
  EXPECT_FALSE(gate.Enter(false));
  EXPECT_EQ(gate.in_flight(), 0);
}

TEST(CallGateTest, DrainGivesUpAtTheDeadline) {
  CallGate gate;
  ASSERT_TRUE(gate.Enter(false));
  EXPECT_FALSE(gate.Drain(absl::Now() + absl::Milliseconds(20)));
  EXPECT_EQ(gate.in_flight(), 1);
  gate.Leave();
}

}  // namespace
}  // namespace clinic
