#include "services/intake/matching/person_index.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace clinic {
namespace matching {
namespace {

// The keys a word is filed under.
std::vector<std::string> KeysFor(const TokenKeys& k) {
  std::vector<std::string> keys;
  if (!k.canonical.empty()) keys.push_back("c:" + k.canonical);
  if (k.skeleton.size() >= 2) keys.push_back("s:" + k.skeleton);
  keys.push_back("t:" + k.text);
  if (!k.alt_text.empty()) {
    keys.push_back("t:" + k.alt_text);
    if (k.alt_skeleton.size() >= 2) keys.push_back("s:" + k.alt_skeleton);
  }
  return keys;
}

std::string Whole(const v1::PersonName& n) {
  if (n.given_names().empty()) return n.family_name();
  if (n.family_name().empty()) return n.given_names();
  return absl::StrCat(n.given_names(), " ", n.family_name());
}

// "gebre medhin" -> {"gebremedhin"}: adjacent words joined, for compound names.
std::vector<std::string> AdjacentJoins(const PreparedName& name) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < name.keys.size(); ++i) {
    out.push_back(name.keys[i].text + name.keys[i + 1].text);
  }
  return out;
}

// Above this many candidates, people sharing only one word with a multi-word
// query are left out (a common first name alone does not make a match worth
// scoring).
constexpr size_t kOneWordCandidateLimit = 2000;

}  // namespace

PreparedPerson Prepare(const PersonRecord& record) {
  PreparedPerson p;
  std::string legal = Whole(record.name);
  if (!legal.empty()) p.names.push_back(PrepareName(legal, "legal name"));
  if (!record.name.original_script().empty()) {
    p.names.push_back(
        PrepareName(record.name.original_script(), "original-script name"));
  }
  for (const v1::PersonName& other : record.other_names) {
    std::string whole = Whole(other);
    if (!whole.empty()) p.names.push_back(PrepareName(whole, "other name"));
    if (!other.original_script().empty()) {
      p.names.push_back(PrepareName(other.original_script(), "other name"));
    }
  }
  p.birth_date = record.birth_date;
  p.citizenships = record.citizenships;
  return p;
}

void PersonIndex::Upsert(const PersonRecord& record) {
  PreparedPerson person = Prepare(record);
  absl::MutexLock lock(&mu_);
  RemoveLocked(record.id);
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  Entry& entry = entries_[slot];
  entry.id = record.id;
  entry.alive = true;
  absl::flat_hash_set<std::string> keys;
  for (const PreparedName& name : person.names) {
    for (const TokenKeys& k : name.keys) {
      for (std::string& key : KeysFor(k)) keys.insert(std::move(key));
    }
    // Compounds written apart ("Gebre Medhin") must meet compounds written
    // joined.
    for (const std::string& joined : AdjacentJoins(name))
      keys.insert("t:" + joined);
  }
  for (const std::string& key : keys) by_key_[key].push_back(slot);
  entry.person = std::move(person);
  by_id_[record.id] = slot;
}

void PersonIndex::Remove(const std::string& id) {
  absl::MutexLock lock(&mu_);
  RemoveLocked(id);
}

void PersonIndex::RemoveLocked(const std::string& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  uint32_t slot = it->second;
  Entry& entry = entries_[slot];
  for (const PreparedName& name : entry.person.names) {
    for (const TokenKeys& k : name.keys) {
      for (const std::string& key : KeysFor(k)) {
        auto list = by_key_.find(key);
        if (list == by_key_.end()) continue;
        auto& v = list->second;
        v.erase(std::remove(v.begin(), v.end(), slot), v.end());
        if (v.empty()) by_key_.erase(list);
      }
    }
  }
  entry = Entry();
  free_.push_back(slot);
  by_id_.erase(it);
}

size_t PersonIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return by_id_.size();
}

std::vector<PersonMatch> PersonIndex::Search(const PersonRecord& query,
                                             int limit,
                                             double min_score) const {
  PreparedPerson q = Prepare(query);
  size_t longest = 0;
  for (const PreparedName& name : q.names)
    longest = std::max(longest, name.keys.size());

  absl::ReaderMutexLock lock(&mu_);
  // How many of the query's words each person shares a key with.
  absl::flat_hash_map<uint32_t, int> hits;
  for (const PreparedName& name : q.names) {
    for (const std::string& joined : AdjacentJoins(name)) {
      auto list = by_key_.find("t:" + joined);
      if (list == by_key_.end()) continue;
      for (uint32_t slot : list->second)
        hits[slot] += 2;  // one joined word is two words
    }
    for (const TokenKeys& k : name.keys) {
      absl::flat_hash_set<uint32_t> for_word;
      for (const std::string& key : KeysFor(k)) {
        auto list = by_key_.find(key);
        if (list == by_key_.end()) continue;
        for_word.insert(list->second.begin(), list->second.end());
      }
      for (uint32_t slot : for_word) ++hits[slot];
    }
  }
  int needed = longest >= 2 && hits.size() > kOneWordCandidateLimit ? 2 : 1;
  std::vector<PersonMatch> matches;
  for (const auto& [slot, count] : hits) {
    if (count < needed) continue;
    const Entry& entry = entries_[slot];
    if (!entry.alive) continue;
    Score s = ScorePeople(q, entry.person);
    if (s.value < min_score) continue;
    matches.push_back({entry.id, s.value, std::move(s.reasons)});
  }
  std::sort(matches.begin(), matches.end(),
            [](const PersonMatch& a, const PersonMatch& b) {
              return a.score != b.score ? a.score > b.score : a.id < b.id;
            });
  if (static_cast<int>(matches.size()) > limit) matches.resize(limit);
  return matches;
}

}  // namespace matching

std::unique_ptr<PersonMatcher> NewPersonMatcher() {
  return std::make_unique<matching::PersonIndex>();
}

}  // namespace clinic
