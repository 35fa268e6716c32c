#include "services/deadline/engine/receipt.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "services/common/validation.h"
#include "services/deadline/engine/dates.h"

namespace clinic::deadline {
namespace {

// "mail", "hand", ... for people.
std::string MannerWord(v1::ReceiptManner manner) {
  if (manner == v1::RECEIPT_MANNER_PORTAL) return "the IRB My Case portal";
  absl::string_view name = v1::ReceiptManner_Name(manner);
  absl::ConsumePrefix(&name, "RECEIPT_MANNER_");
  return absl::AsciiStrToLower(name);
}

}  // namespace

absl::StatusOr<ReceiptDates> ReadReceipt(const RuleSet& rules,
                                         v1::EventType event,
                                         absl::CivilDay event_date,
                                         const v1::Receipt* receipt) {
  ReceiptDates out;
  out.actual = event_date;
  out.description = absl::StrCat("event date ", FormatDay(event_date));
  if (receipt == nullptr ||
      (receipt->manner() == v1::RECEIPT_MANNER_UNSPECIFIED &&
       !receipt->has_sent_date() && !receipt->has_received_date())) {
    return out;
  }
  CLINIC_RETURN_IF_ERROR(ValidateEnum(
      "receipt.manner", receipt->manner(),
      [](int v) { return v1::ReceiptManner_IsValid(v); }, /*required=*/true));
  std::optional<absl::CivilDay> sent;
  if (receipt->has_sent_date()) {
    CLINIC_RETURN_IF_ERROR(ValidateDate(
        "receipt.sent_date", receipt->sent_date(), kFirstYear, kLastYear));
    sent = ToCivilDay(receipt->sent_date());
  }
  if (receipt->has_received_date()) {
    CLINIC_RETURN_IF_ERROR(ValidateDate("receipt.received_date",
                                        receipt->received_date(), kFirstYear,
                                        kLastYear));
    out.actual = ToCivilDay(receipt->received_date());
  }
  if (sent && out.actual < *sent) {
    return absl::InvalidArgumentError(
        absl::StrCat(receipt->has_received_date() ? "receipt.received_date"
                                                  : "the event date",
                     " is before receipt.sent_date"));
  }
  out.event_date_only = false;
  out.description = absl::StrCat("received ", FormatDay(out.actual), " by ",
                                 MannerWord(receipt->manner()));
  out.rule = rules.ReceiptRuleFor(event, receipt->manner());
  if (out.rule == nullptr) {
    if (sent) absl::StrAppend(&out.description, ", sent ", FormatDay(*sent));
    return out;
  }
  if (!sent) {
    return absl::InvalidArgumentError(absl::StrCat(
        "receipt.sent_date is required: receipt by ",
        MannerWord(receipt->manner()), " is deemed from the sending date (",
        out.rule->citation(), ")"));
  }
  out.deemed = *sent + out.rule->deemed_days_after_sending();
  CLINIC_RETURN_IF_ERROR(CheckInRange(*out.deemed, "the deemed receipt date"));
  absl::StrAppend(&out.description, "; sent ", FormatDay(*sent),
                  ", deemed received ", out.rule->deemed_days_after_sending(),
                  " days later, ", FormatDay(*out.deemed), " (",
                  out.rule->citation(), ")");
  return out;
}

Trigger ChooseTrigger(const ReceiptDates& dates, v1::DeadlineKind kind) {
  Trigger t;
  t.date = dates.actual;
  t.derivation = dates.description;
  if (!dates.deemed) return t;
  const bool earliest_kind = kind == v1::DEADLINE_KIND_EARLIEST;
  if (dates.actual == *dates.deemed) {
    absl::StrAppend(&t.derivation, "; both give ", FormatDay(t.date));
  } else if (earliest_kind) {
    t.date = std::max(dates.actual, *dates.deemed);
    absl::StrAppend(&t.derivation, "; the later date, ", FormatDay(t.date),
                    ", is used so that this earliest date is never earlier "
                    "than the law's");
  } else {
    t.date = std::min(dates.actual, *dates.deemed);
    absl::StrAppend(
        &t.derivation, "; the earlier date, ", FormatDay(t.date),
        ", is used so that the limit is never later than the law's");
  }
  if (dates.rule->uncertain() && t.date == *dates.deemed) {
    t.warning =
        absl::StrCat("The deemed-receipt rule used (", dates.rule->citation(),
                     ") is not confirmed from a primary text.");
  }
  return t;
}

}  // namespace clinic::deadline
