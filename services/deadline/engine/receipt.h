// The date a limit runs from when it runs from receipt of a notice or decision,
// derived traceably from how it arrived (clinic.v1.Receipt) and the rule
// file's deemed-receipt rules (e.g. PRRA notification by mail is given seven
// days after mailing, IRPR 160(4)).
//
// Choice when both an actual and a deemed receipt date are known: a DEADLINE
// (or INFORMATIONAL date) runs from the EARLIER of the two, an EARLIEST date
// from the LATER. The law usually fixes one of them (a deemed date "is" the
// date of notification), but which one governs when the document demonstrably
// arrived earlier or later is not settled for every rule; taking the earlier
// for deadlines means a computed deadline is never later than the law's, and
// taking the later for "no earlier than" dates means a computed earliest date
// is never earlier than the law's. A lawyer who relies on the other date
// overrides the deadline, with a reason.
//
// Thread-safe (pure functions).
#ifndef CLINIC_SERVICES_DEADLINE_ENGINE_RECEIPT_H_
#define CLINIC_SERVICES_DEADLINE_ENGINE_RECEIPT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "clinic/v1/deadline.pb.h"
#include "clinic/v1/deadline_rules.pb.h"
#include "services/deadline/engine/rule_set.h"

namespace clinic::deadline {

// What is known about how an event's document arrived.
struct ReceiptDates {
  // receipt.received_date if given, else the event's own date (the day it is
  // recorded as having arrived).
  absl::CivilDay actual;
  // The mailing date + the deemed-receipt rule's days, when a rule applies.
  std::optional<absl::CivilDay> deemed;
  // The deemed-receipt rule used, or nullptr.
  const v1::ReceiptRule* rule = nullptr;
  // How it arrived, for people: "received 2026-03-05 (Thursday) by mail;
  // mailed 2026-03-02 (Monday), deemed received 7 days later, ...".
  std::string description;
  // Set when there was no receipt at all: the event's date is used as is.
  bool event_date_only = true;
};

// Reads `receipt` (may be null) for an event of type `event` recorded on
// `event_date`. INVALID_ARGUMENT naming the receipt field at fault: a manner
// that is unknown or missing while dates are given, a date that is not real
// or outside 1990..2100, an arrival before the mailing, or a missing mailing
// date when the manner has a deemed-receipt rule.
absl::StatusOr<ReceiptDates> ReadReceipt(const RuleSet& rules,
                                         v1::EventType event,
                                         absl::CivilDay event_date,
                                         const v1::Receipt* receipt);

// The date a rule of `kind` runs from (see the choice above).
struct Trigger {
  absl::CivilDay date;
  std::string derivation;
  // Set when the date rests on a deemed-receipt rule marked uncertain.
  std::string warning;
};

Trigger ChooseTrigger(const ReceiptDates& dates, v1::DeadlineKind kind);

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_ENGINE_RECEIPT_H_
