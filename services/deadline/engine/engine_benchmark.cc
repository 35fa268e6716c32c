// Figures for the deadline engine, printed (no assertions):
//  - loading and validating the shipped rule file;
//  - deadline computations per second (with the explanation, date only, and
//    whole events);
//  - recomputing 100,000 open deadlines after a rule-file change, in memory:
//    the date of each from the new rules, and the explanation again for those
//    that moved (what ReplaceRules does before writing).
//
// Run: bazel run --config=opt //services/deadline/engine:engine_benchmark
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "services/deadline/engine/engine.h"
#include "services/deadline/engine/rule_set.h"
#include "services/deadline/rules/canada_rules.h"

namespace clinic::deadline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A small deterministic generator, so that runs are comparable.
class Lcg {
 public:
  uint32_t Next(uint32_t bound) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 33) % bound;
  }

 private:
  uint64_t state_ = 42;
};

std::shared_ptr<const RuleSet> MustLoad(absl::string_view text) {
  absl::StatusOr<std::shared_ptr<const RuleSet>> rules = RuleSet::Load(text);
  if (!rules.ok()) {
    std::fprintf(stderr, "rule file does not load: %s\n",
                 rules.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(rules);
}

struct Event {
  CaseFacts facts;
  v1::EventType type;
  absl::CivilDay date;
};

// Events of every kind the shipped rules react to, on random cases and dates
// in 2025-2027.
std::vector<Event> RandomEvents(size_t n) {
  static const v1::EventType kEvents[] = {
      v1::EVENT_TYPE_CLAIM_REFERRED,
      v1::EVENT_TYPE_HEARING_SCHEDULED,
      v1::EVENT_TYPE_DECISION_RECEIVED,
      v1::EVENT_TYPE_CLAIMANT_ABSENT,
      v1::EVENT_TYPE_MINISTER_INTERVENTION_RECEIVED,
      v1::EVENT_TYPE_NOTICE_TO_APPEAR_RECEIVED,
      v1::EVENT_TYPE_APPEAL_PERFECTED,
      v1::EVENT_TYPE_JR_APPLICATION_FILED,
      v1::EVENT_TYPE_RESPONDENT_MEMORANDUM_SERVED,
      v1::EVENT_TYPE_LEAVE_GRANTED,
      v1::EVENT_TYPE_PRRA_NOTIFICATION,
      v1::EVENT_TYPE_CLAIM_REJECTED,
  };
  static const v1::CaseType kTypes[] = {
      v1::CASE_TYPE_RPD_CLAIM, v1::CASE_TYPE_RPD_CLAIM,
      v1::CASE_TYPE_RAD_APPEAL, v1::CASE_TYPE_FEDERAL_COURT_JR,
      v1::CASE_TYPE_PRRA};
  static const v1::IrbRegion kRegions[] = {
      v1::IRB_REGION_EASTERN, v1::IRB_REGION_CENTRAL, v1::IRB_REGION_WESTERN};
  static const v1::Province kProvinces[] = {v1::PROVINCE_QC, v1::PROVINCE_ON,
                                            v1::PROVINCE_BC};
  Lcg rng;
  std::vector<Event> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Event e;
    const uint32_t where = rng.Next(3);
    e.facts.case_type = kTypes[rng.Next(5)];
    e.facts.irb_region = kRegions[where];
    e.facts.province = kProvinces[where];
    e.facts.conditions[v1::CONDITION_NO_RAD_APPEAL] = rng.Next(10) == 0;
    e.facts.conditions[v1::CONDITION_OUTSIDE_CANADA] = rng.Next(20) == 0;
    e.type = kEvents[rng.Next(12)];
    e.date = absl::CivilDay(2025, 1, 1) + rng.Next(3 * 365);
    out.push_back(std::move(e));
  }
  return out;
}

struct Open {
  std::string rule_id;
  absl::CivilDay trigger;
  absl::CivilDay due;
  int parent = -1;  // index of the deadline it runs from
  size_t event = 0;
};

}  // namespace

int Main() {
  std::printf("deadline engine benchmark\n");

  // --- Loading ---
  constexpr int kLoads = 20;
  Clock::time_point start = Clock::now();
  std::shared_ptr<const RuleSet> rules;
  for (int i = 0; i < kLoads; ++i) rules = MustLoad(CanadaRulesText());
  const double load_s = SecondsSince(start) / kLoads;
  std::printf(
      "load + validate + build canada.textproto (%zu bytes, %d rules, %d "
      "calendars 1990-2100): %.2f ms\n",
      CanadaRulesText().size(), rules->proto().rules_size(),
      rules->proto().calendars_size(), load_s * 1e3);
  const DeadlineEngine engine(rules);

  // --- Single computations ---
  const std::vector<Event> events = RandomEvents(200000);
  std::vector<std::pair<std::string, const Event*>> work;
  for (const Event& e : events) {
    for (const v1::DeadlineRule* r : rules->RulesTriggeredBy(e.type)) {
      if (WhyNotApplicable(*r, e.facts, e.date).empty()) {
        work.emplace_back(r->id(), &e);
      }
    }
  }
  if (work.size() > 200000) work.resize(200000);

  start = Clock::now();
  size_t ok = 0, steps = 0;
  for (const auto& [id, e] : work) {
    absl::StatusOr<ComputedDeadline> d =
        engine.ComputeDate(id, e->date, e->facts);
    if (d.ok()) {
      ++ok;
      steps += d->explanation.steps_size();
    }
  }
  double s = SecondsSince(start);
  std::printf(
      "ComputeDate with explanation: %zu computations in %.3f s = %.0f/s "
      "(%.2f us each, %.1f steps on average)\n",
      work.size(), s, work.size() / s, s / work.size() * 1e6,
      static_cast<double>(steps) / ok);

  start = Clock::now();
  size_t dates_ok = 0;
  for (const auto& [id, e] : work) {
    if (engine.DueDate(id, e->date, e->facts).ok()) ++dates_ok;
  }
  s = SecondsSince(start);
  std::printf(
      "DueDate (date only): %zu computations in %.3f s = %.0f/s "
      "(%.2f us each)\n",
      work.size(), s, work.size() / s, s / work.size() * 1e6);

  start = Clock::now();
  size_t produced = 0;
  for (const Event& e : events) {
    absl::StatusOr<std::vector<ComputedDeadline>> got =
        engine.DeadlinesForEvent(e.facts, e.type, e.date);
    if (got.ok()) produced += got->size();
  }
  s = SecondsSince(start);
  std::printf(
      "DeadlinesForEvent: %zu events -> %zu deadlines in %.3f s = %.0f "
      "events/s, %.0f deadlines/s\n",
      events.size(), produced, s, events.size() / s, produced / s);

  // --- 100,000 open deadlines, then a rule-file change ---
  constexpr size_t kOpen = 100000;
  std::vector<Open> open;
  open.reserve(kOpen + 16);
  for (size_t i = 0; i < events.size() && open.size() < kOpen; ++i) {
    const Event& e = events[i];
    absl::StatusOr<std::vector<ComputedDeadline>> got =
        engine.DeadlinesForEvent(e.facts, e.type, e.date);
    if (!got.ok()) continue;
    const size_t first = open.size();
    for (const ComputedDeadline& d : *got) {
      Open o{d.rule_id, d.trigger_date, d.due_date, -1, i};
      if (!d.parent_rule_id.empty()) {
        for (size_t k = open.size(); k-- > first;) {
          if (open[k].rule_id == d.parent_rule_id) {
            o.parent = static_cast<int>(k);
            break;
          }
        }
      }
      open.push_back(std::move(o));
    }
  }
  open.resize(std::min(open.size(), kOpen));

  // The change: Boxing Day added to the Interpretation Act calendar, RAD
  // perfection at 60 days, and the BOC extension at 5 working days.
  std::string changed = absl::StrReplaceAll(
      CanadaRulesText(),
      {{"  citation: \"Interpretation Act, R.S.C. 1985, c. I-21, ss.26 and "
        "35\"",
        "  holidays { name: \"Boxing Day\" fixed { month: 12 day: 26 } }\n"
        "  citation: \"Interpretation Act, R.S.C. 1985, c. I-21, ss.26 and "
        "35\""},
       {"offset { value: 45 unit: OFFSET_UNIT_CALENDAR_DAYS }\n  direction: "
        "DIRECTION_AFTER\n  counting: COUNTING_EXCLUDE_FIRST\n  calendar: "
        "\"CA-IA\"\n  roll: ROLL_FORWARD\n  case_types: CASE_TYPE_RPD_CLAIM\n"
        "  conditions",
        "offset { value: 60 unit: OFFSET_UNIT_CALENDAR_DAYS }\n  direction: "
        "DIRECTION_AFTER\n  counting: COUNTING_EXCLUDE_FIRST\n  calendar: "
        "\"CA-IA\"\n  roll: ROLL_FORWARD\n  case_types: CASE_TYPE_RPD_CLAIM\n"
        "  conditions"},
       {"offset { value: 3 unit: OFFSET_UNIT_WORKING_DAYS }\n  direction: "
        "DIRECTION_BEFORE\n  counting: COUNTING_EXCLUDE_FIRST",
        "offset { value: 5 unit: OFFSET_UNIT_WORKING_DAYS }\n  direction: "
        "DIRECTION_BEFORE\n  counting: COUNTING_EXCLUDE_FIRST"}});
  changed = absl::StrReplaceAll(changed, {{"version: \"canada-2026-11-23\"",
                                           "version: \"clinic-change\""}});

  const Clock::time_point recompute_start = Clock::now();
  std::shared_ptr<const RuleSet> next = MustLoad(changed);
  const DeadlineEngine next_engine(next);
  const double reload_s = SecondsSince(recompute_start);
  size_t moved = 0, gone = 0, explained = 0;
  std::vector<absl::CivilDay> new_due(open.size());
  start = Clock::now();
  for (size_t i = 0; i < open.size(); ++i) {
    const Open& o = open[i];
    const absl::CivilDay trigger =
        o.parent >= 0 ? new_due[o.parent] : o.trigger;
    absl::StatusOr<absl::CivilDay> d =
        next_engine.DueDate(o.rule_id, trigger, events[o.event].facts);
    if (!d.ok()) {
      ++gone;
      new_due[i] = o.due;
      continue;
    }
    new_due[i] = *d;
    if (*d != o.due) {
      ++moved;
      if (next_engine.ComputeDate(o.rule_id, trigger, events[o.event].facts)
              .ok()) {
        ++explained;
      }
    }
  }
  const double recompute_s = SecondsSince(start);
  std::printf(
      "rule-file change, %zu open deadlines: reload %.2f ms; recompute %.3f "
      "s (%.0f deadlines/s); %zu moved (explanations rebuilt: %zu), %zu no "
      "longer follow from the rules; total %.3f s\n",
      open.size(), reload_s * 1e3, recompute_s, open.size() / recompute_s,
      moved, explained, gone, SecondsSince(recompute_start));
  return 0;
}

}  // namespace clinic::deadline

int main() { return clinic::deadline::Main(); }
