// The retention sweep's plan and run against a fake of the owning services:
// due cases are destroyed (documents shredded before client data is erased),
// held cases survive, unknown classes are never destroyed, and the dry run
// lists exactly what the real run destroys while destroying nothing.
#include "services/admin/retention.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace retention {
namespace {

using ::testing::ElementsAre;

v1::RetentionConfig Config() {
  v1::RetentionConfig config;
  auto* standard = config.add_classes();
  standard->set_name("standard");
  standard->set_years(6);
  auto* extended = config.add_classes();
  extended->set_name("extended");
  extended->set_years(10);
  config.set_default_class("standard");
  return config;
}

v1::CaseSummary Closed(const std::string& id, int year, int month, int day,
                       const std::string& cls = "", bool hold = false) {
  v1::CaseSummary c;
  c.set_case_("cases/" + id);
  c.set_case_number("2019-" + id);
  c.set_status(v1::CASE_STATUS_CLOSED);
  c.mutable_close_date()->set_year(year);
  c.mutable_close_date()->set_month(month);
  c.mutable_close_date()->set_day(day);
  c.mutable_retention()->set_retention_class(cls);
  c.mutable_retention()->set_legal_hold(hold);
  c.add_clients("clients/p-" + id);
  return c;
}

class FakeBackend : public RetentionBackend {
 public:
  absl::StatusOr<std::vector<v1::CaseSummary>> ClosedCases() override {
    return cases;
  }
  absl::StatusOr<v1::CaseSummary> CurrentSummary(
      const std::string& kase) override {
    if (before_recheck) before_recheck(kase);
    for (const auto& c : cases) {
      if (c.case_() == kase) return c;
    }
    return absl::NotFoundError(kase);
  }
  absl::StatusOr<int> CountDocuments(const std::string& kase) override {
    return documents[kase];
  }
  absl::StatusOr<int> ShredDocuments(const std::string& kase,
                                     const std::string& reason) override {
    calls.push_back("shred " + kase);
    reasons.push_back(reason);
    int n = documents[kase];
    documents[kase] = 0;
    return n;
  }
  absl::StatusOr<int> EraseCase(const v1::CaseSummary& kase,
                                const std::string&) override {
    calls.push_back("erase " + kase.case_());
    if (fail_erase) return absl::UnavailableError("intake is down");
    return kase.clients_size();
  }

  std::vector<v1::CaseSummary> cases;
  std::map<std::string, int> documents;
  std::vector<std::string> calls;
  std::vector<std::string> reasons;
  bool fail_erase = false;
  // Runs before each CurrentSummary (to change a case after the listing).
  std::function<void(const std::string&)> before_recheck;
};

TEST(RetentionPlanTest, DueCasesAreThoseClosedLongerThanTheirClass) {
  v1::CaseSummary open = Closed("open", 2000, 1, 1);
  open.set_status(v1::CASE_STATUS_ACTIVE);
  std::vector<v1::CaseSummary> cases = {
      Closed("std-due", 2019, 3, 1),                 // due after 2025-03-01
      Closed("std-today", 2019, 6, 1),               // due after 2025-06-01
      Closed("ext-kept", 2019, 3, 1, "extended"),    // due after 2029-03-01
      Closed("held", 2010, 1, 1, "standard", true),  // due, but held
      Closed("unknown", 2000, 1, 1, "forever"),      // unknown class: kept
      open,
  };
  Plan plan = PlanSweep(cases, absl::CivilDay(2025, 6, 1), Config());
  ASSERT_EQ(plan.destroy.size(), 1u);
  EXPECT_EQ(plan.destroy[0].case_(), "cases/std-due");
  EXPECT_EQ(plan.destroy[0].retention_class(), "standard");
  EXPECT_EQ(plan.destroy[0].destroy_after().year(), 2025);
  EXPECT_EQ(plan.destroy[0].destroy_after().month(), 3);
  EXPECT_THAT(plan.held, ElementsAre("cases/held"));

  // A day later the second case is due too; a preview years ahead shows the
  // extended one.
  EXPECT_EQ(
      PlanSweep(cases, absl::CivilDay(2025, 6, 2), Config()).destroy.size(),
      2u);
  EXPECT_EQ(
      PlanSweep(cases, absl::CivilDay(2030, 1, 1), Config()).destroy.size(),
      3u);
}

TEST(RetentionSweepTest, DryRunListsExactlyWhatTheRealRunDestroys) {
  FakeBackend backend;
  backend.cases = {Closed("a", 2010, 1, 1), Closed("b", 2011, 5, 5),
                   Closed("c", 2010, 1, 1, "", /*hold=*/true),
                   Closed("d", 2024, 1, 1)};
  backend.documents = {{"cases/a", 3}, {"cases/b", 0}, {"cases/c", 7}};
  const absl::CivilDay today(2026, 11, 23);

  auto dry = RunSweep(backend, Config(), today, true, nullptr);
  ASSERT_TRUE(dry.ok()) << dry.status();
  EXPECT_TRUE(dry->dry_run());
  EXPECT_TRUE(backend.calls.empty());

  std::vector<std::string> destroyed;
  auto real = RunSweep(backend, Config(), today, false, &destroyed);
  ASSERT_TRUE(real.ok()) << real.status();
  EXPECT_FALSE(real->dry_run());
  ASSERT_EQ(dry->destroyed_size(), real->destroyed_size());
  for (int i = 0; i < dry->destroyed_size(); ++i) {
    EXPECT_EQ(dry->destroyed(i).SerializeAsString(),
              real->destroyed(i).SerializeAsString());
  }
  EXPECT_THAT(destroyed, ElementsAre("cases/a", "cases/b"));
  EXPECT_THAT(real->held(), ElementsAre("cases/c"));
  EXPECT_EQ(real->destroyed(0).documents(), 3);
  EXPECT_EQ(real->destroyed(0).clients(), 1);
  // Documents go before the client data, case by case; the held case's
  // documents are untouched.
  EXPECT_THAT(backend.calls, ElementsAre("shred cases/a", "erase cases/a",
                                         "shred cases/b", "erase cases/b"));
  EXPECT_EQ(backend.documents["cases/c"], 7);
  EXPECT_THAT(backend.reasons[0], ::testing::HasSubstr("class standard"));
}

TEST(RetentionSweepTest, BackendErrorStopsTheSweepAndReportsWhatWasDone) {
  FakeBackend backend;
  backend.cases = {Closed("a", 2010, 1, 1), Closed("b", 2010, 1, 1)};
  backend.fail_erase = true;
  std::vector<std::string> destroyed;
  auto real = RunSweep(backend, Config(), absl::CivilDay(2026, 1, 1), false,
                       &destroyed);
  EXPECT_EQ(real.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(destroyed.empty());
  EXPECT_THAT(backend.calls, ElementsAre("shred cases/a", "erase cases/a"));
}

TEST(RetentionSweepTest, HoldOrReopeningAfterTheListingSparesTheCase) {
  FakeBackend backend;
  backend.cases = {Closed("a", 2010, 1, 1), Closed("b", 2010, 1, 1),
                   Closed("c", 2010, 1, 1)};
  backend.documents = {{"cases/a", 2}, {"cases/b", 4}, {"cases/c", 1}};
  // Between the listing and the destruction, a lawyer puts "a" on hold and
  // reopens "b".
  backend.before_recheck = [&](const std::string&) {
    backend.cases[0].mutable_retention()->set_legal_hold(true);
    backend.cases[1].set_status(v1::CASE_STATUS_ACTIVE);
  };
  std::vector<std::string> destroyed;
  auto real = RunSweep(backend, Config(), absl::CivilDay(2026, 1, 1), false,
                       &destroyed);
  ASSERT_TRUE(real.ok()) << real.status();
  EXPECT_THAT(destroyed, ElementsAre("cases/c"));
  EXPECT_THAT(real->held(), ElementsAre("cases/a"));
  EXPECT_THAT(backend.calls, ElementsAre("shred cases/c", "erase cases/c"));
  EXPECT_EQ(backend.documents["cases/a"], 2);
  EXPECT_EQ(backend.documents["cases/b"], 4);
}

}  // namespace
}  // namespace retention
}  // namespace clinic
