#include "services/document/chunk_pipeline.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace {

// A stage that appends every chunk it sees to `seen`.
ChunkPipeline::Stage Collect(std::string* seen) {
  return [seen](absl::string_view chunk) {
    seen->append(chunk.data(), chunk.size());
    return absl::OkStatus();
  };
}

TEST(ChunkPipelineTest, EveryStageSeesEveryChunkInOrder) {
  std::string a, b, c, sent;
  ChunkPipeline pipeline({Collect(&a), Collect(&b), Collect(&c)});
  for (int i = 0; i < 100; ++i) {
    std::string chunk = absl::StrCat("chunk ", i, ";");
    sent += chunk;
    ASSERT_TRUE(pipeline.Push(std::move(chunk)));
  }
  ASSERT_TRUE(pipeline.Finish().ok());
  EXPECT_EQ(a, sent);
  EXPECT_EQ(b, sent);
  EXPECT_EQ(c, sent);
}

TEST(ChunkPipelineTest, NoChunksFinishesCleanly) {
  std::string seen;
  ChunkPipeline pipeline({Collect(&seen)});
  EXPECT_TRUE(pipeline.Finish().ok());
  EXPECT_EQ(seen, "");
}

TEST(ChunkPipelineTest, AFailingStageStopsThePipelineAndFinishSaysWhy) {
  std::atomic<int> processed{0};
  auto fail_on_third = [&](absl::string_view) -> absl::Status {
    if (++processed == 3) return absl::InvalidArgumentError("wrong type");
    return absl::OkStatus();
  };
  std::string other;
  ChunkPipeline pipeline({fail_on_third, Collect(&other)});
  int pushed = 0;
  for (int i = 0; i < 1000; ++i) {
    if (!pipeline.Push("x")) break;
    ++pushed;
  }
  absl::Status status = pipeline.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "wrong type");
  // The failing stage went no further, and the pipeline refused more chunks
  // long before all 1000 had been offered.
  EXPECT_EQ(processed.load(), 3);
  EXPECT_LT(pushed, 1000);
  EXPECT_LE(other.size(), static_cast<size_t>(pushed));
}

TEST(ChunkPipelineTest, ASlowStageBoundsWhatWaits) {
  absl::Notification release;
  auto slow = [&](absl::string_view) {
    release.WaitForNotification();
    return absl::OkStatus();
  };
  std::string fast;
  ChunkPipeline pipeline({slow, Collect(&fast)});
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(pipeline.Push("y"));
      ++pushed;
    }
  });
  // However long the slow stage takes, at most one chunk is in its hands and
  // kDepth wait for it; the producer is held back instead.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_LE(pushed.load(), static_cast<int>(ChunkPipeline::kDepth) + 1);
  release.Notify();
  producer.join();
  EXPECT_TRUE(pipeline.Finish().ok());
  EXPECT_EQ(fast, std::string(20, 'y'));
}

TEST(ChunkPipelineTest, DestroyingWithoutFinishDropsQueuedChunks) {
  absl::Notification entered, release;
  std::atomic<int> processed{0};
  auto slow = [&](absl::string_view) {
    if (++processed == 1) {
      entered.Notify();
      release.WaitForNotification();
    }
    return absl::OkStatus();
  };
  std::thread releaser;
  {
    ChunkPipeline pipeline({slow});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(pipeline.Push("z"));
    entered.WaitForNotification();
    // The stage returns while the pipeline is being destroyed; the two chunks
    // still queued are never processed.
    releaser = std::thread([&] {
      absl::SleepFor(absl::Milliseconds(50));
      release.Notify();
    });
  }
  releaser.join();
  EXPECT_EQ(processed.load(), 1);
}

}  // namespace
}  // namespace clinic
