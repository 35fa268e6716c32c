#include "storage/snapshot.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

SecretBytes Key(char fill) { return SecretBytes(std::string(32, fill)); }

std::vector<Migration> Schema() {
  return {SqlMigration(1, "rows",
                       "CREATE TABLE rows (id INTEGER PRIMARY KEY, v TEXT);")};
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = JoinPath(
        tmp ? tmp : "/tmp",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(MakeDirectories(dir_).ok());
  }
  std::unique_ptr<Database> OpenDb(const std::string& path,
                                   const SecretBytes& key) {
    Database::Options options;
    options.migrations = Schema();
    auto db = Database::Open(path, key, std::move(options));
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }
  std::string dir_;
};

TEST_F(SnapshotTest, CopyOfLiveDatabaseUnderWritesHoldsEveryCommittedRow) {
  const std::string source = JoinPath(dir_, "live.db");
  auto db = OpenDb(source, Key('a'));
  ASSERT_NE(db, nullptr);
  std::atomic<int64_t> committed{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int64_t i = 1; !stop.load(); ++i) {
      absl::Status s = db->Write([&](Connection& c) -> absl::Status {
        auto insert = c.Prepare("INSERT INTO rows (id, v) VALUES (?1, ?2)");
        if (!insert.ok()) return insert.status();
        return insert->BindInt(1, i).BindText(2, std::string(300, 'x')).Run();
      });
      ASSERT_TRUE(s.ok()) << s;
      committed.store(i);
    }
  });
  while (committed.load() < 200) std::this_thread::yield();
  int64_t before = committed.load();
  const std::string copy = JoinPath(dir_, "copy.db");
  auto info = SnapshotDatabase(source, Key('a'), copy, Key('a'));
  int64_t after = committed.load();
  stop.store(true);
  writer.join();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_GT(info->bytes, 0);

  auto count = QueryInt(copy, Key('a'), "SELECT count(*) FROM rows");
  auto max = QueryInt(copy, Key('a'), "SELECT max(id) FROM rows");
  ASSERT_TRUE(count.ok()) << count.status();
  // Consistent: rows 1..max with no gap, and at least every row committed
  // before the snapshot began.
  EXPECT_EQ(*count, *max);
  EXPECT_GE(*count, before);
  EXPECT_LE(*count, after + 1);
  EXPECT_EQ(*QueryInt(copy, Key('a'), "PRAGMA user_version"), 1);

  // The copy is a clinic database that opens like the original.
  auto reopened = OpenDb(copy, Key('a'));
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->schema_version(), 1);
}

TEST_F(SnapshotTest, CopyIsEncryptedAndWrongKeyIsDataLoss) {
  const std::string source = JoinPath(dir_, "src.db");
  {
    auto db = OpenDb(source, Key('a'));
    ASSERT_NE(db, nullptr);
  }
  const std::string copy = JoinPath(dir_, "copy.db");
  ASSERT_TRUE(SnapshotDatabase(source, Key('a'), copy, Key('a')).ok());
  auto head = ReadFilePrefix(copy, 16);
  ASSERT_TRUE(head.ok());
  EXPECT_NE(head->substr(0, 15), "SQLite format 3");
  EXPECT_EQ(QueryInt(copy, Key('b'), "PRAGMA user_version").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      SnapshotDatabase(source, Key('b'), JoinPath(dir_, "other.db"), Key('b'))
          .status()
          .code(),
      absl::StatusCode::kDataLoss);
  EXPECT_FALSE(PathExists(JoinPath(dir_, "other.db")));
}

TEST_F(SnapshotTest, ExistingDestinationIsRefused) {
  const std::string source = JoinPath(dir_, "src.db");
  {
    auto db = OpenDb(source, Key('a'));
    ASSERT_NE(db, nullptr);
  }
  const std::string copy = JoinPath(dir_, "copy.db");
  ASSERT_TRUE(WriteFileAtomically(copy, "keep me").ok());
  EXPECT_EQ(SnapshotDatabase(source, Key('a'), copy, Key('a')).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(copy), "keep me");
}

TEST_F(SnapshotTest, MissingSourceIsNotFound) {
  EXPECT_EQ(SnapshotDatabase(JoinPath(dir_, "none.db"), Key('a'),
                             JoinPath(dir_, "copy.db"), Key('a'))
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
