#include "services/audit/audit_log.h"

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/audit_chain.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace {

using storage::Connection;
using storage::Statement;
using ::testing::HasSubstr;

v1::AuditEvent Event(int i) {
  v1::AuditEvent e;
  e.set_request_id(absl::StrCat("req-", i));
  e.set_user("users/lena");
  e.add_roles(v1::ROLE_LAWYER);
  e.set_method("/clinic.v1.IntakeService/GetCase");
  e.set_action(v1::AUDIT_ACTION_READ);
  e.add_resources(absl::StrCat("cases/c", i % 3));
  e.set_peer("ipv4:127.0.0.1:5000");
  e.set_service("intake");
  return e;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = testing::NewTempDir("audit") + "/audit.db"; }

  std::unique_ptr<AuditLog> Open() {
    storage::Database::Options options;
    options.migrations = AuditLog::Migrations();
    auto db = storage::Database::Open(path_, key_, options);
    EXPECT_TRUE(db.ok()) << db.status();
    AuditLog::Options log_options;
    log_options.clock = &clock_;
    auto log = AuditLog::Create(*std::move(db), log_options);
    EXPECT_TRUE(log.ok()) << log.status();
    return *std::move(log);
  }

  // Runs `sql` directly on the database file, as someone holding the key could.
  void Tamper(const std::function<absl::Status(Connection&)>& fn) {
    storage::Database::Options options;
    options.migrations = AuditLog::Migrations();
    auto db = storage::Database::Open(path_, key_, options);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Write(fn).ok());
  }

  v1::AuditEvent Stored(int64_t sequence) {
    v1::AuditEvent event;
    storage::Database::Options options;
    options.migrations = AuditLog::Migrations();
    auto db = storage::Database::Open(path_, key_, options);
    EXPECT_TRUE(
        (*db)
            ->Read([&](Connection& c) -> absl::Status {
              CLINIC_ASSIGN_OR_RETURN(
                  Statement s,
                  c.Prepare("SELECT record FROM events WHERE sequence = ?1"));
              s.BindInt(1, sequence);
              CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
              if (row) event.ParseFromString(s.ColumnBlob(0));
              return absl::OkStatus();
            })
            .ok());
    return event;
  }

  static absl::Status WriteRecord(Connection& c, int64_t sequence,
                                  const v1::AuditEvent& e) {
    CLINIC_ASSIGN_OR_RETURN(
        Statement s,
        c.Prepare("UPDATE events SET record = ?2 WHERE sequence = ?1"));
    return s.BindInt(1, sequence).BindBlob(2, e.SerializeAsString()).Run();
  }

  void Fill(int n) {
    auto log = Open();
    for (int i = 1; i <= n; ++i) ASSERT_TRUE(log->Append(Event(i)).ok());
  }

  v1::VerifyChainResponse Verify() {
    auto log = Open();
    auto result = log->Verify(1);
    EXPECT_TRUE(result.ok()) << result.status();
    return *result;
  }

  FakeClock clock_{absl::FromUnixSeconds(1795000000)};
  SecretBytes key_{std::string(32, 'k')};
  std::string path_;
};

TEST_F(AuditLogTest, ConcurrentAppendsShareCommitsAndFormOneChain) {
  auto log = Open();
  constexpr int kThreads = 16, kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!log->Append(Event(t * 1000 + i)).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(log->length(), kThreads * kEach);
  // Group commit: far fewer transactions than events.
  EXPECT_LT(log->commits(), kThreads * kEach);
  auto verified = log->Verify(1);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << verified->problem();
  EXPECT_EQ(verified->events_checked(), kThreads * kEach);
}

TEST_F(AuditLogTest, ChainSurvivesRestartAndHeadIsSigned) {
  Fill(5);
  {
    auto log = Open();
    EXPECT_EQ(log->length(), 5);
    ASSERT_TRUE(log->Append(Event(6)).ok());
  }
  v1::VerifyChainResponse result = Verify();
  EXPECT_TRUE(result.ok()) << result.problem();
  EXPECT_EQ(result.events_checked(), 6);
  // Shutdown signed the head.
  EXPECT_EQ(result.last_signed_head().sequence(), 6);
}

TEST_F(AuditLogTest, AlteredEventIsNamed) {
  Fill(10);
  v1::AuditEvent e = Stored(4);
  e.set_user("users/someone-else");
  Tamper([&](Connection& c) { return WriteRecord(c, 4, e); });
  v1::VerifyChainResponse result = Verify();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence(), 4);
  EXPECT_THAT(result.problem(), HasSubstr("altered"));
}

TEST_F(AuditLogTest, AlteredEventWithRecomputedHashBreaksTheNextLink) {
  Fill(10);
  v1::AuditEvent e = Stored(4);
  e.set_status_code(0);
  e.set_resources(0, "cases/innocent");
  e.set_hash(audit::EventHash(e.previous_hash(), e));
  Tamper([&](Connection& c) { return WriteRecord(c, 4, e); });
  v1::VerifyChainResponse result = Verify();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence(), 5);
  EXPECT_THAT(result.problem(), HasSubstr("does not follow event 4"));
}

TEST_F(AuditLogTest, DeletedEventIsNamed) {
  Fill(10);
  Tamper([](Connection& c) {
    return c.Execute("DELETE FROM events WHERE sequence = 6;");
  });
  v1::VerifyChainResponse result = Verify();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence(), 7);
  EXPECT_THAT(result.problem(), HasSubstr("6..6 were removed"));
}

TEST_F(AuditLogTest, ReorderedEventsAreNamed) {
  Fill(10);
  v1::AuditEvent a = Stored(3), b = Stored(4);
  Tamper([&](Connection& c) -> absl::Status {
    CLINIC_RETURN_IF_ERROR(WriteRecord(c, 3, b));
    return WriteRecord(c, 4, a);
  });
  v1::VerifyChainResponse result = Verify();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence(), 3);
  EXPECT_THAT(result.problem(), HasSubstr("event 4"));
}

TEST_F(AuditLogTest, InsertedEventIsNamed) {
  Fill(8);
  // Shift events 5..8 up by one and slip a forged event in as 5, correctly
  // chained to 4.
  std::map<int64_t, v1::AuditEvent> stored;
  for (int64_t seq = 4; seq <= 8; ++seq) stored[seq] = Stored(seq);
  Tamper([&](Connection& c) -> absl::Status {
    for (int64_t seq = 8; seq >= 5; --seq) {
      v1::AuditEvent e = stored[seq];
      e.set_sequence(seq + 1);
      CLINIC_ASSIGN_OR_RETURN(
          Statement s,
          c.Prepare("INSERT INTO events (sequence, time, user, method, record) "
                    "VALUES (?1, 0, '', '', ?2)"));
      if (seq == 8) {
        CLINIC_RETURN_IF_ERROR(
            s.BindInt(1, 9).BindBlob(2, e.SerializeAsString()).Run());
      } else {
        CLINIC_RETURN_IF_ERROR(WriteRecord(c, seq + 1, e));
      }
    }
    v1::AuditEvent forged = Event(99);
    forged.set_sequence(5);
    *forged.mutable_time() = stored[4].time();
    forged.set_previous_hash(stored[4].hash());
    forged.set_hash(audit::EventHash(forged.previous_hash(), forged));
    return WriteRecord(c, 5, forged);
  });
  v1::VerifyChainResponse result = Verify();
  EXPECT_FALSE(result.ok());
  // The forged event links to 4, so the break shows at the event after it.
  EXPECT_EQ(result.first_bad_sequence(), 6);
}

TEST_F(AuditLogTest, TruncatedTailIsCaughtBySignedHead) {
  Fill(10);  // closing the log signs the head at 10
  Tamper([](Connection& c) {
    return c.Execute("DELETE FROM events WHERE sequence > 7;");
  });
  v1::VerifyChainResponse result = Verify();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence(), 8);
  EXPECT_THAT(result.problem(), HasSubstr("events 8..10 were removed"));
}

TEST_F(AuditLogTest, FiltersByUserCaseTimeAndMethod) {
  auto log = Open();
  for (int i = 0; i < 9; ++i) {
    v1::AuditEvent e = Event(i);
    if (i % 2) e.set_user("users/ines");
    ASSERT_TRUE(log->Append(e).ok());
    clock_.Advance(absl::Minutes(1));
  }
  AuditLog::Filter by_user;
  by_user.user = "users/ines";
  EXPECT_EQ(log->List(by_user, 0, 100)->size(), 4u);
  AuditLog::Filter by_case;
  by_case.resource = "cases/c1";
  EXPECT_EQ(log->List(by_case, 0, 100)->size(), 3u);
  AuditLog::Filter by_time;
  by_time.start = clock_.Now() - absl::Minutes(3);
  EXPECT_EQ(log->List(by_time, 0, 100)->size(), 3u);
  AuditLog::Filter by_method;
  by_method.method = "/clinic.v1.IntakeService/";
  EXPECT_EQ(log->List(by_method, 0, 100)->size(), 9u);
  by_method.method = "/clinic.v1.DocumentService/";
  EXPECT_EQ(log->List(by_method, 0, 100)->size(), 0u);
  // Paging continues after a sequence number.
  EXPECT_EQ(log->List(AuditLog::Filter(), 5, 100)->size(), 4u);
}

}  // namespace
}  // namespace clinic
