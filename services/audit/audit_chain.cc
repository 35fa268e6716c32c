#include "services/audit/audit_chain.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/log.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace audit {
namespace {

void Line(std::string* out, absl::string_view key, absl::string_view value) {
  absl::StrAppend(out, key, "=", value, "\n");
}

void StringLine(std::string* out, absl::string_view key,
                absl::string_view value) {
  absl::StrAppend(out, key, "=");
  log::AppendJsonString(value, out);
  out->push_back('\n');
}

std::string BigEndian64(int64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string* const zeros = new std::string(32, '\0');
  return *zeros;
}

std::string CanonicalEvent(const v1::AuditEvent& e) {
  std::string out = "clinic.audit.v1\n";
  Line(&out, "sequence", absl::StrCat(e.sequence()));
  Line(&out, "time",
       absl::StrFormat("%d.%09d", e.time().seconds(), e.time().nanos()));
  StringLine(&out, "request_id", e.request_id());
  StringLine(&out, "user", e.user());
  std::string roles;
  for (int role : e.roles())
    absl::StrAppend(&roles, roles.empty() ? "" : ",", role);
  Line(&out, "roles", roles);
  StringLine(&out, "method", e.method());
  Line(&out, "action", absl::StrCat(static_cast<int>(e.action())));
  std::string resources = "[";
  for (int i = 0; i < e.resources_size(); ++i) {
    if (i > 0) resources.push_back(',');
    log::AppendJsonString(e.resources(i), &resources);
  }
  resources.push_back(']');
  Line(&out, "resources", resources);
  Line(&out, "status_code", absl::StrCat(e.status_code()));
  StringLine(&out, "peer", e.peer());
  StringLine(&out, "service", e.service());
  StringLine(&out, "reason", e.reason());
  return out;
}

std::string EventHash(absl::string_view previous_hash,
                      const v1::AuditEvent& event) {
  storage::Sha256Hasher hasher;
  hasher.Update(previous_hash);
  hasher.Update(CanonicalEvent(event));
  return hasher.Finish();
}

std::string HeadSigningInput(int64_t sequence, absl::string_view hash) {
  return absl::StrCat(absl::string_view("clinic.v1.SignedChainHead\0", 26),
                      BigEndian64(sequence), hash);
}

std::string ManifestSigningInput(const v1::ExportManifest& m) {
  std::string out(absl::string_view("clinic.v1.ExportManifest\0", 25));
  Line(&out, "event_count", absl::StrCat(m.event_count()));
  Line(&out, "first_sequence", absl::StrCat(m.first_sequence()));
  Line(&out, "last_sequence", absl::StrCat(m.last_sequence()));
  StringLine(&out, "first_hash", m.first_hash());
  StringLine(&out, "last_hash", m.last_hash());
  StringLine(&out, "content_sha256", m.content_sha256());
  Line(&out, "filter_start",
       absl::StrFormat("%d.%09d", m.filter().start_time().seconds(),
                       m.filter().start_time().nanos()));
  Line(&out, "filter_end",
       absl::StrFormat("%d.%09d", m.filter().end_time().seconds(),
                       m.filter().end_time().nanos()));
  StringLine(&out, "filter_user", m.filter().user());
  StringLine(&out, "filter_case", m.filter().case_());
  Line(&out, "export_time",
       absl::StrFormat("%d.%09d", m.export_time().seconds(),
                       m.export_time().nanos()));
  StringLine(&out, "exported_by", m.exported_by());
  StringLine(&out, "key_id", m.key_id());
  return out;
}

void ChainChecker::Fail(int64_t sequence, std::string problem) {
  if (first_bad_ != 0) return;
  first_bad_ = sequence > 0 ? sequence : -1;
  problem_ = std::move(problem);
}

bool ChainChecker::Add(const v1::AuditEvent& event) {
  if (first_bad_ != 0) return false;
  const int64_t seq = event.sequence();
  if (event.hash() != EventHash(event.previous_hash(), event)) {
    Fail(seq,
         absl::StrCat("event ", seq,
                      " does not match its hash: its contents were altered"));
    return false;
  }
  if (linked_) {
    // A crafted export may carry the largest sequence: nothing can follow it
    // (and computing its successor would overflow).
    if (checked_ > 0 && last_sequence_ == std::numeric_limits<int64_t>::max()) {
      Fail(seq, absl::StrCat("event ", seq,
                             " follows an event with the largest possible "
                             "sequence number"));
      return false;
    }
    if (checked_ > 0 && seq != last_sequence_ + 1) {
      Fail(seq, seq > last_sequence_ + 1
                    ? absl::StrCat("event ", last_sequence_,
                                   " is followed by event ", seq, ": event(s) ",
                                   last_sequence_ + 1, "..", seq - 1,
                                   " were removed")
                    : absl::StrCat("event ", seq, " appears after event ",
                                   last_sequence_,
                                   ": events were reordered or duplicated"));
      return false;
    }
    if (checked_ > 0 && event.previous_hash() != last_hash_) {
      Fail(seq, absl::StrCat(
                    "event ", seq, " does not follow event ", last_sequence_,
                    " in the chain: an event was inserted, removed or replaced "
                    "before it"));
      return false;
    }
    if (checked_ == 0 && seq == 1 && event.previous_hash() != GenesisHash()) {
      Fail(seq, "event 1 does not start the chain");
      return false;
    }
  }
  ++checked_;
  last_sequence_ = seq;
  last_hash_ = event.hash();
  return true;
}

}  // namespace audit
}  // namespace clinic
