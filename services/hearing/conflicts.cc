#include "services/hearing/conflicts.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace clinic {
namespace hearing {
namespace {

// Lower-cases ASCII letters and folds runs of spaces and punctuation into one
// space. Non-ASCII bytes (accented place names) are kept as they are.
std::string Fold(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80 && !absl::ascii_isalnum(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c < 0x80 ? absl::ascii_tolower(c) : ch);
  }
  return out;
}

bool ByStart(const Booking& a, const Booking& b) {
  if (a.start != b.start) return a.start < b.start;
  return a.name < b.name;
}

}  // namespace

std::string PlaceKey(absl::string_view location) { return Fold(location); }

std::string InterpreterKey(absl::string_view interpreter) {
  return Fold(interpreter);
}

absl::Duration RequiredGap(const Booking& a, const Booking& b,
                           const BufferPolicy& policy) {
  if (a.in_person && b.in_person && a.place != b.place) {
    return std::max(policy.travel_buffer, policy.minimum_gap);
  }
  return policy.minimum_gap;
}

Clash Compare(const Booking& a, const Booking& b, const BufferPolicy& policy) {
  if (a.start < b.end && b.start < a.end) return Clash::kOverlap;
  absl::Duration gap = RequiredGap(a, b, policy);
  if (a.start < b.end + gap && b.start < a.end + gap) return Clash::kBufferOnly;
  return Clash::kNone;
}

void CheckParty(PartyKind who, const std::string& party,
                const Booking& candidate, absl::Span<const Booking> others,
                const BufferPolicy& policy, std::vector<Conflict>* out) {
  if (party.empty()) return;
  for (const Booking& other : others) {
    if (other.name == candidate.name) continue;
    Clash clash = Compare(candidate, other, policy);
    if (clash == Clash::kNone) continue;
    out->push_back(Conflict{who, party, other, clash == Clash::kBufferOnly});
  }
}

std::vector<Conflict> FindConflictsByScan(const Scheduled& candidate,
                                          absl::Span<const Scheduled> all,
                                          const BufferPolicy& policy) {
  std::vector<Conflict> out;
  const Parties& want = candidate.parties;
  for (const Scheduled& s : all) {
    if (s.booking.name == candidate.booking.name) continue;
    Clash clash = Compare(candidate.booking, s.booking, policy);
    if (clash == Clash::kNone) continue;
    bool buffer_only = clash == Clash::kBufferOnly;
    if (!want.lawyer.empty() && s.parties.lawyer == want.lawyer) {
      out.push_back(
          Conflict{PartyKind::kLawyer, want.lawyer, s.booking, buffer_only});
    }
    if (!want.interpreter.empty() &&
        s.parties.interpreter == want.interpreter) {
      out.push_back(Conflict{PartyKind::kInterpreter, want.interpreter,
                             s.booking, buffer_only});
    }
    for (const std::string& client : want.clients) {
      if (std::find(s.parties.clients.begin(), s.parties.clients.end(),
                    client) != s.parties.clients.end()) {
        out.push_back(
            Conflict{PartyKind::kClient, client, s.booking, buffer_only});
      }
    }
  }
  return out;
}

void ScheduleIndex::Add(const Scheduled& s) {
  longest_ = std::max(longest_, s.booking.end - s.booking.start);
  auto insert = [&](PartyKind who, const std::string& party) {
    if (party.empty()) return;
    std::vector<Booking>& list = by_party_[Key(static_cast<int>(who), party)];
    list.insert(std::upper_bound(list.begin(), list.end(), s.booking, ByStart),
                s.booking);
  };
  insert(PartyKind::kLawyer, s.parties.lawyer);
  insert(PartyKind::kInterpreter, s.parties.interpreter);
  for (const std::string& c : s.parties.clients) insert(PartyKind::kClient, c);
}

void ScheduleIndex::Remove(const Scheduled& s) {
  auto erase = [&](PartyKind who, const std::string& party) {
    auto it = by_party_.find(Key(static_cast<int>(who), party));
    if (it == by_party_.end()) return;
    std::vector<Booking>& list = it->second;
    auto [lo, hi] =
        std::equal_range(list.begin(), list.end(), s.booking, ByStart);
    list.erase(lo, hi);
    if (list.empty()) by_party_.erase(it);
  };
  erase(PartyKind::kLawyer, s.parties.lawyer);
  erase(PartyKind::kInterpreter, s.parties.interpreter);
  for (const std::string& c : s.parties.clients) erase(PartyKind::kClient, c);
}

std::vector<Booking> ScheduleIndex::BookingsOf(PartyKind who,
                                               const std::string& party,
                                               absl::Time from,
                                               absl::Time to) const {
  auto it = by_party_.find(Key(static_cast<int>(who), party));
  if (it == by_party_.end()) return {};
  const std::vector<Booking>& list = it->second;
  auto lo = std::lower_bound(
      list.begin(), list.end(), from,
      [](const Booking& b, absl::Time t) { return b.start < t; });
  std::vector<Booking> out;
  for (; lo != list.end() && lo->start < to; ++lo) out.push_back(*lo);
  return out;
}

void ScheduleIndex::Check(PartyKind who, const std::string& party,
                          const Booking& candidate, const BufferPolicy& policy,
                          std::vector<Conflict>* out) const {
  if (party.empty()) return;
  auto it = by_party_.find(Key(static_cast<int>(who), party));
  if (it == by_party_.end()) return;
  const std::vector<Booking>& list = it->second;
  // Anything that can clash starts after candidate.start - longest - buffer
  // and before candidate.end + buffer.
  const absl::Duration reach = policy.Largest();
  const absl::Time from = candidate.start - longest_ - reach;
  const absl::Time to = candidate.end + reach;
  auto lo = std::lower_bound(
      list.begin(), list.end(), from,
      [](const Booking& b, absl::Time t) { return b.start < t; });
  auto hi = std::lower_bound(
      lo, list.end(), to,
      [](const Booking& b, absl::Time t) { return b.start < t; });
  CheckParty(who, party, candidate,
             absl::MakeConstSpan(list.data() + (lo - list.begin()),
                                 static_cast<size_t>(hi - lo)),
             policy, out);
}

std::vector<Conflict> ScheduleIndex::FindConflicts(
    const Scheduled& candidate, const BufferPolicy& policy) const {
  std::vector<Conflict> out;
  Check(PartyKind::kLawyer, candidate.parties.lawyer, candidate.booking, policy,
        &out);
  Check(PartyKind::kInterpreter, candidate.parties.interpreter,
        candidate.booking, policy, &out);
  for (const std::string& c : candidate.parties.clients) {
    Check(PartyKind::kClient, c, candidate.booking, policy, &out);
  }
  return out;
}

}  // namespace hearing
}  // namespace clinic
