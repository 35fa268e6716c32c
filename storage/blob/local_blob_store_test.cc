#include "storage/blob/local_blob_store.h"

#include <dirent.h>
#include <stdlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/blob/fault_injection_blob_store.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = JoinPath(::getenv("TEST_TMPDIR"), RandomId());
    auto store = LocalBlobStore::OpenDirectory(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  std::string dir_;
  std::unique_ptr<LocalBlobStore> store_;
};

TEST_F(LocalBlobStoreTest, CommittedBlobIsReadable) {
  auto w = store_->Create("abc123");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("hello ").ok());
  ASSERT_TRUE((*w)->Append("world").ok());
  EXPECT_EQ((*w)->bytes_written(), 11);
  // Not visible before commit.
  EXPECT_EQ(store_->Open("abc123").status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE((*w)->Commit().ok());
  auto r = store_->Open("abc123");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->size(), 11);
  std::string out;
  ASSERT_TRUE((*r)->ReadAt(6, 5, &out).ok());
  EXPECT_EQ(out, "world");
  EXPECT_EQ((*r)->ReadAt(8, 5, &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(*store_->List(), ElementsAre("abc123"));
  EXPECT_EQ(*FileMode(store_->PathOf("abc123")), 0600u);
}

TEST_F(LocalBlobStoreTest, AbandonedWriterLeavesNothing) {
  {
    auto w = store_->Create("gone");
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("partial").ok());
  }
  EXPECT_THAT(Entries(dir_), IsEmpty());
  auto w = store_->Create("gone2");
  ASSERT_TRUE((*w)->Append("partial").ok());
  (*w)->Abort();
  EXPECT_THAT(Entries(dir_), IsEmpty());
}

TEST_F(LocalBlobStoreTest, RefusesExistingAndMalformedNames) {
  auto w = store_->Create("dup");
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(store_->Create("dup").status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Create("../etc").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Create("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Create(".tmp-x").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(LocalBlobStoreTest, DeleteRemovesTheFile) {
  auto w = store_->Create("x1");
  ASSERT_TRUE((*w)->Commit().ok());
  ASSERT_TRUE(store_->Delete("x1").ok());
  EXPECT_THAT(Entries(dir_), IsEmpty());
  EXPECT_EQ(store_->Delete("x1").code(), absl::StatusCode::kNotFound);
}

TEST_F(LocalBlobStoreTest, SweepRemovesLeftoversOfACrashOnly) {
  FaultInjectionBlobStore faulty(store_.get());
  faulty.SimulateCrash(true);
  {
    auto w = faulty.Create("crashed");
    ASSERT_TRUE((*w)->Append("half a document").ok());
  }
  auto kept = store_->Create("kept");
  ASSERT_TRUE((*kept)->Commit().ok());
  EXPECT_EQ(Entries(dir_).size(), 2u);  // the committed blob and a temp file
  auto swept = store_->SweepIncomplete();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  EXPECT_THAT(Entries(dir_), ElementsAre("kept"));
}

TEST_F(LocalBlobStoreTest, InjectedDiskFullFailsAndCleansUp) {
  FaultInjectionBlobStore faulty(store_.get());
  faulty.FailAfterBytes(10);
  auto w = faulty.Create("full");
  ASSERT_TRUE((*w)->Append("12345").ok());
  EXPECT_EQ((*w)->Append("678901").code(),
            absl::StatusCode::kResourceExhausted);
  w->reset();
  EXPECT_THAT(Entries(dir_), IsEmpty());
}

TEST_F(LocalBlobStoreTest, InjectedCommitFailureLeavesNothing) {
  FaultInjectionBlobStore faulty(store_.get());
  faulty.FailCommit(true);
  auto w = faulty.Create("nope");
  ASSERT_TRUE((*w)->Append("data").ok());
  EXPECT_EQ((*w)->Commit().code(), absl::StatusCode::kInternal);
  w->reset();
  EXPECT_THAT(Entries(dir_), IsEmpty());
  EXPECT_EQ(faulty.commits(), 0);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
