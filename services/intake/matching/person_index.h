// An in-memory index of people for SearchClients and CheckConflicts: the
// production PersonMatcher. Every word of every name a person is known by is
// filed under its variant-group key, its consonant skeleton and its spelling; a
// search scores only the people who share keys with enough of the query's
// words, so it stays fast over 100,000 records.
//
// Thread-safe: searches share a reader lock; updates take the writer lock.
#ifndef CLINIC_SERVICES_INTAKE_MATCHING_PERSON_INDEX_H_
#define CLINIC_SERVICES_INTAKE_MATCHING_PERSON_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "services/intake/matching/person_scorer.h"
#include "services/intake/person_matcher.h"

namespace clinic {
namespace matching {

// The person as the scorer sees them.
PreparedPerson Prepare(const PersonRecord& record);

class PersonIndex : public PersonMatcher {
 public:
  void Upsert(const PersonRecord& record) override;
  void Remove(const std::string& id) override;
  std::vector<PersonMatch> Search(const PersonRecord& query, int limit,
                                  double min_score) const override;
  size_t size() const;

 private:
  struct Entry {
    std::string id;
    PreparedPerson person;
    bool alive = false;
  };
  void RemoveLocked(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> free_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> by_id_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_key_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace matching
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_MATCHING_PERSON_INDEX_H_
