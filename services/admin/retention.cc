#include "services/admin/retention.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "services/common/validation.h"

namespace clinic {
namespace retention {
namespace {

// Years of `name` (or the default class when empty); -1 when unknown.
int YearsOf(const v1::RetentionConfig& config, std::string name) {
  if (name.empty()) name = config.default_class();
  for (const auto& c : config.classes()) {
    if (c.name() == name) return c.years();
  }
  return -1;
}

}  // namespace

Plan PlanSweep(const std::vector<v1::CaseSummary>& cases, absl::CivilDay as_of,
               const v1::RetentionConfig& config) {
  Plan plan;
  std::vector<const v1::CaseSummary*> sorted;
  for (const auto& c : cases) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(),
            [](const v1::CaseSummary* a, const v1::CaseSummary* b) {
              return a->case_() < b->case_();
            });
  for (const v1::CaseSummary* c : sorted) {
    if (c->status() != v1::CASE_STATUS_CLOSED || !c->has_close_date()) continue;
    if (ValidateDate("close_date", c->close_date()).ok() == false) continue;
    int years = YearsOf(config, c->retention().retention_class());
    if (years < 0) continue;
    absl::CivilDay closed = ToCivilDay(c->close_date());
    absl::CivilDay destroy_after(closed.year() + years, closed.month(),
                                 closed.day());
    if (as_of <= destroy_after) continue;
    if (c->retention().legal_hold()) {
      plan.held.push_back(c->case_());
      continue;
    }
    v1::RetentionAction action;
    action.set_case_(c->case_());
    action.set_case_number(c->case_number());
    action.set_retention_class(c->retention().retention_class().empty()
                                   ? config.default_class()
                                   : c->retention().retention_class());
    *action.mutable_close_date() = c->close_date();
    *action.mutable_destroy_after() = ToDate(destroy_after);
    action.set_clients(c->clients_size());
    plan.destroy.push_back(std::move(action));
  }
  return plan;
}

absl::StatusOr<v1::RunRetentionSweepResponse> RunSweep(
    RetentionBackend& backend, const v1::RetentionConfig& config,
    absl::CivilDay as_of, bool dry_run, std::vector<std::string>* destroyed) {
  CLINIC_ASSIGN_OR_RETURN(std::vector<v1::CaseSummary> cases,
                          backend.ClosedCases());
  Plan plan = PlanSweep(cases, as_of, config);
  v1::RunRetentionSweepResponse response;
  response.set_dry_run(dry_run);
  for (const std::string& held : plan.held) response.add_held(held);
  for (v1::RetentionAction& action : plan.destroy) {
    if (dry_run) {
      CLINIC_ASSIGN_OR_RETURN(int documents,
                              backend.CountDocuments(action.case_()));
      action.set_documents(documents);
    } else {
      CLINIC_ASSIGN_OR_RETURN(v1::CaseSummary current,
                              backend.CurrentSummary(action.case_()));
      Plan recheck = PlanSweep({current}, as_of, config);
      if (recheck.destroy.empty()) {
        for (const std::string& held : recheck.held) response.add_held(held);
        continue;
      }
      const std::string reason =
          absl::StrCat("retention sweep: case ", action.case_number(),
                       ", class ", action.retention_class(), ", closed ",
                       FormatDate(action.close_date()), ", due after ",
                       FormatDate(action.destroy_after()));
      CLINIC_ASSIGN_OR_RETURN(int documents,
                              backend.ShredDocuments(action.case_(), reason));
      action.set_documents(documents);
      CLINIC_ASSIGN_OR_RETURN(int clients, backend.EraseCase(current, reason));
      action.set_clients(clients);
      if (destroyed != nullptr) destroyed->push_back(action.case_());
    }
    *response.add_destroyed() = std::move(action);
  }
  return response;
}

}  // namespace retention
}  // namespace clinic
