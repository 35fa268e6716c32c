#include "storage/database.h"

#include <dirent.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

using ::testing::HasSubstr;

SecretBytes Key(char fill) { return SecretBytes(std::string(32, fill)); }

std::vector<Migration> NotesSchemaV1() {
  return {SqlMigration(
      1, "notes table",
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
      "CREATE UNIQUE INDEX notes_body ON notes(body);")};
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = JoinPath(
        tmp ? tmp : "/tmp",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(MakeDirectories(dir_).ok());
    path_ = JoinPath(dir_, "test.db");
  }

  absl::StatusOr<std::unique_ptr<Database>> OpenDb(
      const SecretBytes& key, std::vector<Migration> migrations) {
    Database::Options options;
    options.label = "test database";
    options.migrations = std::move(migrations);
    return Database::Open(path_, key, std::move(options));
  }

  std::set<std::string> DirEntries() {
    std::set<std::string> names;
    DIR* d = opendir(dir_.c_str());
    while (dirent* e = readdir(d)) names.insert(e->d_name);
    closedir(d);
    return names;
  }

  static absl::Status Insert(Database& db, const std::string& body) {
    return db.Write([&](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(Statement s,
                              c.Prepare("INSERT INTO notes(body) VALUES (?1)"));
      return s.BindText(1, body).Run();
    });
  }

  static int64_t Count(const Database& db) {
    int64_t n = -1;
    EXPECT_TRUE(db.Read([&](Connection& c) -> absl::Status {
                    CLINIC_ASSIGN_OR_RETURN(
                        Statement s, c.Prepare("SELECT count(*) FROM notes"));
                    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
                    if (row) n = s.ColumnInt(0);
                    return absl::OkStatus();
                  }).ok());
    return n;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(DatabaseTest, DataPersistsEncryptedOnDisk) {
  {
    auto db = OpenDb(Key('a'), NotesSchemaV1());
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(Insert(**db, "persecution narrative of Amina").ok());
    EXPECT_EQ((*db)->schema_version(), 1);
  }
  auto bytes = ReadFile(path_);
  ASSERT_TRUE(bytes.ok());
  EXPECT_FALSE(absl::StartsWith(*bytes, "SQLite format 3"));
  EXPECT_FALSE(absl::StrContains(*bytes, "Amina"));
  EXPECT_FALSE(absl::StrContains(*bytes, "notes"));

  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(Count(**db), 1);
}

TEST_F(DatabaseTest, WrongKeyFailsClearlyAndChangesNothing) {
  {
    auto db = OpenDb(Key('a'), NotesSchemaV1());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(Insert(**db, "x").ok());
  }
  std::string before = *ReadFile(path_);
  std::set<std::string> entries = DirEntries();

  auto db = OpenDb(Key('b'), NotesSchemaV1());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(db.status().message()),
              HasSubstr("key does not match"));
  EXPECT_EQ(*ReadFile(path_), before);
  EXPECT_EQ(DirEntries(), entries);

  // The right key still opens it.
  auto again = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Count(**again), 1);
}

TEST_F(DatabaseTest, FileThatIsNotADatabaseIsRefusedAndKept) {
  std::string junk(8192, '\0');
  for (size_t i = 0; i < junk.size(); ++i)
    junk[i] = static_cast<char>(i * 131 + 7);
  ASSERT_TRUE(WriteFileAtomically(path_, junk).ok());
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(db.status().message()), HasSubstr("test.db"));
  EXPECT_EQ(*ReadFile(path_), junk);
  EXPECT_EQ(DirEntries(), (std::set<std::string>{".", "..", "test.db"}));
}

TEST_F(DatabaseTest, UnencryptedSqliteFileIsRefused) {
  std::string plain =
      std::string("SQLite format 3") + '\0' + std::string(4080, '\0');
  ASSERT_TRUE(WriteFileAtomically(path_, plain).ok());
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(db.status().message()), HasSubstr("unencrypted"));
  EXPECT_EQ(*ReadFile(path_), plain);
}

TEST_F(DatabaseTest, MissingFileIsNotCreatedWhenCreationIsOff) {
  Database::Options options;
  options.create_if_missing = false;
  auto db = Database::Open(path_, Key('a'), options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(PathExists(path_));
}

TEST_F(DatabaseTest, MigratesFromAnOlderSchemaVersion) {
  {
    auto db = OpenDb(Key('a'), NotesSchemaV1());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(Insert(**db, "short").ok());
    ASSERT_TRUE(Insert(**db, "a longer note").ok());
  }
  std::vector<Migration> v2 = NotesSchemaV1();
  v2.push_back(SqlMigration(2, "note length column",
                            "ALTER TABLE notes ADD COLUMN length INTEGER;"
                            "UPDATE notes SET length = length(body);"));
  auto db = OpenDb(Key('a'), v2);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), 2);
  int64_t total = 0;
  ASSERT_TRUE((*db)
                  ->Read([&](Connection& c) -> absl::Status {
                    CLINIC_ASSIGN_OR_RETURN(
                        Statement s,
                        c.Prepare("SELECT sum(length) FROM notes"));
                    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
                    if (row) total = s.ColumnInt(0);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(total, 5 + 13);
}

TEST_F(DatabaseTest, FailedMigrationRollsBackWholly) {
  {
    auto db = OpenDb(Key('a'), NotesSchemaV1());
    ASSERT_TRUE(db.ok());
  }
  std::vector<Migration> broken = NotesSchemaV1();
  broken.push_back(SqlMigration(2, "half-broken",
                                "CREATE TABLE extra (x INTEGER);"
                                "INSERT INTO no_such_table VALUES (1);"));
  auto failed = OpenDb(Key('a'), broken);
  EXPECT_FALSE(failed.ok());
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("migration 2"));

  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), 1);
  absl::Status probe = (*db)->Read(
      [](Connection& c) { return c.Prepare("SELECT x FROM extra").status(); });
  EXPECT_FALSE(probe.ok()) << "table from the failed migration survived";
}

TEST_F(DatabaseTest, NewerSchemaThanTheServerIsRefused) {
  std::vector<Migration> v2 = NotesSchemaV1();
  v2.push_back(SqlMigration(2, "noop", "SELECT 1;"));
  { ASSERT_TRUE(OpenDb(Key('a'), v2).ok()); }
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(db.status().message()),
              HasSubstr("upgrade the server"));
}

TEST_F(DatabaseTest, WriteRollsBackWhenTheCallbackFails) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok());
  absl::Status status = (*db)->Write([](Connection& c) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        c.Execute("INSERT INTO notes(body) VALUES ('one');"));
    CLINIC_RETURN_IF_ERROR(
        c.Execute("INSERT INTO notes(body) VALUES ('two');"));
    return absl::InvalidArgumentError("validation failed after two inserts");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(**db), 0);
}

TEST_F(DatabaseTest, ConstraintViolationsRollBackWithSpecificCodes) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Insert(**db, "same").ok());
  absl::Status status = (*db)->Write([](Connection& c) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(
        c.Execute("INSERT INTO notes(body) VALUES ('new');"));
    return c.Execute("INSERT INTO notes(body) VALUES ('same');");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count(**db), 1);
}

TEST_F(DatabaseTest, ReadConnectionsCannotWrite) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok());
  absl::Status status = (*db)->Read([](Connection& c) {
    return c.Execute("INSERT INTO notes(body) VALUES ('sneaky');");
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(Count(**db), 0);
}

TEST_F(DatabaseTest, ConcurrentReadersSeeConsistentSnapshotsWhileOneWrites) {
  auto opened = OpenDb(
      Key('a'), {SqlMigration(1, "ledger",
                              "CREATE TABLE entries (amount INTEGER NOT NULL);"
                              "CREATE TABLE total (sum INTEGER NOT NULL);"
                              "INSERT INTO total VALUES (0);")});
  ASSERT_TRUE(opened.ok()) << opened.status();
  Database& db = **opened;
  constexpr int kWrites = 300;
  std::atomic<bool> done{false};
  std::atomic<int> inconsistent{0};
  std::atomic<int> reads{0};

  std::thread writer([&] {
    for (int i = 1; i <= kWrites; ++i) {
      absl::Status s = db.Write([&](Connection& c) -> absl::Status {
        CLINIC_ASSIGN_OR_RETURN(Statement add,
                                c.Prepare("INSERT INTO entries VALUES (?1)"));
        CLINIC_RETURN_IF_ERROR(add.BindInt(1, i).Run());
        CLINIC_ASSIGN_OR_RETURN(Statement bump,
                                c.Prepare("UPDATE total SET sum = sum + ?1"));
        return bump.BindInt(1, i).Run();
      });
      ASSERT_TRUE(s.ok()) << s;
    }
    done = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        absl::Status s = db.Read([&](Connection& c) -> absl::Status {
          CLINIC_ASSIGN_OR_RETURN(
              Statement a,
              c.Prepare("SELECT coalesce(sum(amount), 0) FROM entries"));
          CLINIC_ASSIGN_OR_RETURN(bool row_a, a.Step());
          CLINIC_ASSIGN_OR_RETURN(Statement b,
                                  c.Prepare("SELECT sum FROM total"));
          CLINIC_ASSIGN_OR_RETURN(bool row_b, b.Step());
          if (!row_a || !row_b || a.ColumnInt(0) != b.ColumnInt(0))
            ++inconsistent;
          return absl::OkStatus();
        });
        ASSERT_TRUE(s.ok()) << s;
        ++reads;
      }
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(reads.load(), 0);
  int64_t sum = 0;
  ASSERT_TRUE(db.Read([&](Connection& c) -> absl::Status {
                  CLINIC_ASSIGN_OR_RETURN(Statement s,
                                          c.Prepare("SELECT sum FROM total"));
                  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
                  if (row) sum = s.ColumnInt(0);
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(sum, int64_t{kWrites} * (kWrites + 1) / 2);
}

TEST_F(DatabaseTest, BlobsRoundTripIncludingEmpty) {
  auto db =
      OpenDb(Key('a'),
             {SqlMigration(1, "blobs", "CREATE TABLE b (v BLOB NOT NULL);")});
  ASSERT_TRUE(db.ok());
  std::string binary("\0\x01\xff zero", 8);
  ASSERT_TRUE((*db)
                  ->Write([&](Connection& c) -> absl::Status {
                    CLINIC_ASSIGN_OR_RETURN(
                        Statement s, c.Prepare("INSERT INTO b VALUES (?1)"));
                    CLINIC_RETURN_IF_ERROR(s.BindBlob(1, binary).Run());
                    s.Reset();
                    return s.BindBlob(1, "").Run();
                  })
                  .ok());
  std::vector<std::string> values;
  ASSERT_TRUE((*db)
                  ->Read([&](Connection& c) -> absl::Status {
                    CLINIC_ASSIGN_OR_RETURN(
                        Statement s,
                        c.Prepare("SELECT v FROM b ORDER BY rowid"));
                    while (true) {
                      CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
                      if (!row) break;
                      EXPECT_FALSE(s.ColumnIsNull(0));
                      values.push_back(s.ColumnBlob(0));
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(values, (std::vector<std::string>{binary, ""}));
}

}  // namespace
}  // namespace storage
}  // namespace clinic

namespace clinic {
namespace storage {
namespace {

TEST_F(DatabaseTest, DeletedContentIsOverwrittenAndCheckpointEmptiesTheLog) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(Insert(**db, "wrapped data key of a deleted document").ok());
  int64_t secure_delete = -1;
  ASSERT_TRUE((*db)
                  ->Write([&](Connection& c) -> absl::Status {
                    CLINIC_ASSIGN_OR_RETURN(Statement s,
                                            c.Prepare("PRAGMA secure_delete"));
                    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
                    if (row) secure_delete = s.ColumnInt(0);
                    CLINIC_ASSIGN_OR_RETURN(Statement del,
                                            c.Prepare("DELETE FROM notes"));
                    return del.Run();
                  })
                  .ok());
  EXPECT_EQ(secure_delete, 1);
  auto wal = ReadFile(path_ + "-wal");
  ASSERT_TRUE(wal.ok());
  EXPECT_GT(wal->size(), 0u);
  ASSERT_TRUE((*db)->Checkpoint().ok());
  EXPECT_EQ(ReadFile(path_ + "-wal")->size(), 0u);
  EXPECT_EQ(Count(**db), 0);
}

}  // namespace
}  // namespace storage
}  // namespace clinic

namespace clinic {
namespace storage {
namespace {

class GroupCommitTest : public DatabaseTest {
 protected:
  // Writes from 16 threads, some failing after they inserted their row. With
  // `repeatable` set, half the threads declare their writes safe to run
  // again, so group commit mixes rollback-and-repeat with savepoints.
  static void WriteConcurrentlyWithFailures(Database& db, bool repeatable) {
    std::atomic<int> kept{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&, t] {
        const Database::Repeat repeat = repeatable && t % 2 == 0
                                            ? Database::Repeat::kSafe
                                            : Database::Repeat::kUnsafe;
        for (int i = 0; i < 40; ++i) {
          const bool fail = (t * 40 + i) % 7 == 0;
          absl::Status status = db.Write(
              [&](Connection& c) -> absl::Status {
                CLINIC_ASSIGN_OR_RETURN(
                    Statement s,
                    c.Prepare("INSERT INTO notes(body) VALUES (?1)"));
                CLINIC_RETURN_IF_ERROR(
                    s.BindText(1, absl::StrCat("note ", t, "-", i)).Run());
                if (fail) {
                  return absl::FailedPreconditionError("refused on purpose");
                }
                return absl::OkStatus();
              },
              repeat);
          EXPECT_EQ(status.ok(), !fail) << status;
          if (status.ok()) ++kept;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(Count(db), kept.load());
    EXPECT_EQ(kept.load(), 16 * 40 - (16 * 40 + 6) / 7);
  }
};

TEST_F(GroupCommitTest,
       ConcurrentWritesCommitTogetherAndFailuresUndoOnlyThemselves) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok()) << db.status();
  WriteConcurrentlyWithFailures(**db, /*repeatable=*/false);
}

TEST_F(GroupCommitTest, RepeatableWritesAreRunAgainNotLostOrDoubled) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok()) << db.status();
  WriteConcurrentlyWithFailures(**db, /*repeatable=*/true);
}

TEST_F(GroupCommitTest, FailingWriteAfterRepeatableOnesRunsThemAgain) {
  auto db = OpenDb(Key('a'), NotesSchemaV1());
  ASSERT_TRUE(db.ok()) << db.status();
  // Hold the writer with a slow write so that the next three queue up and
  // commit as one group: two repeatable writes, then one that inserts and
  // fails.
  std::atomic<int> runs_of_first{0};
  absl::Notification started;
  std::thread slow([&] {
    ASSERT_TRUE((*db)
                    ->Write([&](Connection&) -> absl::Status {
                      started.Notify();
                      absl::SleepFor(absl::Seconds(1));
                      return absl::OkStatus();
                    })
                    .ok());
  });
  started.WaitForNotification();
  auto insert = [&](const std::string& body, bool fail) {
    return [&db, body, fail](Connection& c) -> absl::Status {
      CLINIC_ASSIGN_OR_RETURN(Statement s,
                              c.Prepare("INSERT INTO notes(body) VALUES (?1)"));
      CLINIC_RETURN_IF_ERROR(s.BindText(1, body).Run());
      return fail ? absl::AbortedError("refused") : absl::OkStatus();
    };
  };
  std::thread first([&] {
    auto write = insert("first", false);
    EXPECT_TRUE((*db)
                    ->Write(
                        [&](Connection& c) {
                          ++runs_of_first;
                          return write(c);
                        },
                        Database::Repeat::kSafe)
                    .ok());
  });
  absl::SleepFor(absl::Milliseconds(150));
  std::thread second([&] {
    EXPECT_TRUE(
        (*db)->Write(insert("second", false), Database::Repeat::kSafe).ok());
  });
  absl::SleepFor(absl::Milliseconds(150));
  std::thread failing([&] {
    EXPECT_EQ((*db)->Write(insert("failing", true)).code(),
              absl::StatusCode::kAborted);
  });
  for (std::thread* t : {&slow, &first, &second, &failing}) t->join();
  EXPECT_EQ(Count(**db), 2);
  // Queued behind the slow write, the three ran as one group: the failure
  // undid the transaction, and the first write ran a second time.
  EXPECT_EQ(runs_of_first.load(), 2);
}

}  // namespace
}  // namespace storage
}  // namespace clinic
