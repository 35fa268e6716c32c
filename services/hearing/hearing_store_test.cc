#include "services/hearing/hearing_store.h"

#include <memory>

#include "base/proto_time.h"
#include "base/random.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace hearing_store {
namespace {

class HearingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::Database::Options options;
    options.label = "hearing test database";
    options.migrations = Migrations();
    auto key = RandomSecret(32);
    ASSERT_TRUE(key.ok());
    auto db = storage::Database::Open(
        clinic::testing::NewTempDir("hearing_store") + "/hearing.db", *key,
        std::move(options));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  static v1::Hearing Make(const std::string& id, absl::Time start) {
    v1::Hearing h;
    h.set_name("cases/c1/hearings/" + id);
    h.set_case_("cases/c1");
    *h.mutable_start_time() = ToProtoTime(start);
    *h.mutable_duration() = ToProtoDuration(absl::Hours(2));
    h.set_time_zone("America/Toronto");
    h.set_mode(v1::HEARING_MODE_IN_PERSON);
    h.set_location("IRB Montreal, Guy-Favreau");
    h.set_counsel("users/lena");
    h.set_interpreter("Agency  Ref 12");
    h.add_attendees("clients/a");
    h.set_status(v1::HEARING_STATUS_SCHEDULED);
    *h.mutable_update_time() = ToProtoTime(start - absl::Hours(100));
    return h;
  }

  std::vector<hearing::Booking> Bookings(hearing::PartyKind who,
                                         const std::string& party) {
    std::vector<hearing::Booking> out;
    EXPECT_TRUE(db_->Read([&](storage::Connection& c) -> absl::Status {
                     auto b = BookingsOf(c, who, party, absl::InfinitePast(),
                                         absl::InfiniteFuture());
                     if (!b.ok()) return b.status();
                     out = *b;
                     return absl::OkStatus();
                   })
                    .ok());
    return out;
  }

  std::unique_ptr<storage::Database> db_;
};

TEST_F(HearingStoreTest, StoresFindsAndIndexesEveryPerson) {
  const absl::Time start = absl::FromUnixSeconds(1798000000);
  v1::Hearing h = Make("h1", start);
  ASSERT_TRUE(db_->Write([&](storage::Connection& c) {
                   return Insert(c, &h, "req-00000001", "users/lena",
                                 "scheduled");
                 })
                  .ok());
  EXPECT_EQ(h.etag(), "1");
  ASSERT_TRUE(db_->Read([&](storage::Connection& c) -> absl::Status {
                   auto found = Find(c, "h1");
                   EXPECT_TRUE(found.ok() && found->has_value());
                   EXPECT_EQ((*found)->etag(), "1");
                   EXPECT_EQ((*found)->location(), h.location());
                   auto by_request = FindByRequestId(c, "req-00000001");
                   EXPECT_TRUE(by_request.ok() && by_request->has_value());
                   return absl::OkStatus();
                 })
                  .ok());
  auto lawyer = Bookings(hearing::PartyKind::kLawyer, "users/lena");
  ASSERT_EQ(lawyer.size(), 1u);
  EXPECT_EQ(lawyer[0].name, h.name());
  EXPECT_EQ(lawyer[0].start, start);
  EXPECT_EQ(lawyer[0].end, start + absl::Hours(2));
  EXPECT_TRUE(lawyer[0].in_person);
  EXPECT_EQ(lawyer[0].place, "irb montreal guy favreau");
  EXPECT_EQ(Bookings(hearing::PartyKind::kInterpreter, "agency ref 12").size(),
            1u);
  EXPECT_EQ(Bookings(hearing::PartyKind::kClient, "clients/a").size(), 1u);
}

TEST_F(HearingStoreTest, StaleVersionIsAbortedAndHistoryKeepsEveryVersion) {
  const absl::Time start = absl::FromUnixSeconds(1798000000);
  v1::Hearing h = Make("h1", start);
  ASSERT_TRUE(db_->Write([&](storage::Connection& c) {
                   return Insert(c, &h, "", "users/lena", "scheduled");
                 })
                  .ok());
  v1::Hearing moved = h;
  *moved.mutable_start_time() = ToProtoTime(start + absl::Hours(24));
  ASSERT_TRUE(db_->Write([&](storage::Connection& c) {
                   return Update(c, &moved, 1, "users/lena", "rescheduled");
                 })
                  .ok());
  EXPECT_EQ(moved.etag(), "2");
  v1::Hearing stale = h;
  absl::Status s = db_->Write([&](storage::Connection& c) {
    return Update(c, &stale, 1, "users/omar", "updated");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);

  v1::Hearing cancelled = moved;
  cancelled.set_status(v1::HEARING_STATUS_CANCELLED);
  ASSERT_TRUE(db_->Write([&](storage::Connection& c) {
                   return Update(c, &cancelled, 2, "users/lena", "cancelled");
                 })
                  .ok());
  // A cancelled hearing occupies nobody.
  EXPECT_TRUE(Bookings(hearing::PartyKind::kLawyer, "users/lena").empty());

  std::vector<HistoryEntry> history;
  ASSERT_TRUE(db_->Read([&](storage::Connection& c) -> absl::Status {
                   auto entries = History(c, "h1");
                   if (!entries.ok()) return entries.status();
                   history = *entries;
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].action, "scheduled");
  EXPECT_EQ(history[1].action, "rescheduled");
  EXPECT_EQ(history[2].action, "cancelled");
  EXPECT_EQ(history[2].record.status(), v1::HEARING_STATUS_CANCELLED);
  EXPECT_EQ(FromProtoTime(history[0].record.start_time()), start);
}

TEST_F(HearingStoreTest, ListsByCaseAndCounselInStartOrder) {
  const absl::Time base = absl::FromUnixSeconds(1798000000);
  ASSERT_TRUE(db_->Write([&](storage::Connection& c) -> absl::Status {
                   for (int i = 5; i >= 1; --i) {
                     v1::Hearing h = Make("h" + std::to_string(i),
                                          base + absl::Hours(24 * i));
                     if (i == 3) h.set_status(v1::HEARING_STATUS_CANCELLED);
                     absl::Status s = Insert(c, &h, "", "users/lena", "s");
                     if (!s.ok()) return s;
                   }
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_TRUE(
      db_->Read([&](storage::Connection& c) -> absl::Status {
           ListQuery q;
           q.counsel = "users/lena";
           auto rows = List(c, q);
           EXPECT_TRUE(rows.ok());
           std::vector<std::string> ids;
           for (const auto& h : *rows) ids.push_back(h.name());
           EXPECT_EQ(ids, (std::vector<std::string>{
                              "cases/c1/hearings/h1", "cases/c1/hearings/h2",
                              "cases/c1/hearings/h4", "cases/c1/hearings/h5"}));
           q = ListQuery();
           q.case_id = "c1";
           q.include_cancelled = true;
           q.limit = 2;
           q.after_start_micros = ToMicros(base + absl::Hours(24 * 2));
           q.after_id = "h2";
           rows = List(c, q);
           EXPECT_EQ(rows->size(), 2u);
           EXPECT_EQ((*rows)[0].name(), "cases/c1/hearings/h3");
           return absl::OkStatus();
         })
          .ok());
}

}  // namespace
}  // namespace hearing_store
}  // namespace clinic
