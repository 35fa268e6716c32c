// A PersonMatcher for tests of the intake service's plumbing: it matches people
// whose lower-cased name words overlap, and nothing subtler. Real matching is
// tested in services/intake/matching.
#ifndef CLINIC_TESTS_TESTING_FAKE_PERSON_MATCHER_H_
#define CLINIC_TESTS_TESTING_FAKE_PERSON_MATCHER_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "services/intake/person_matcher.h"

namespace clinic {
namespace testing {

class FakePersonMatcher : public PersonMatcher {
 public:
  void Upsert(const PersonRecord& record) override {
    absl::MutexLock lock(&mu_);
    records_[record.id] = Words(record.name);
  }
  void Remove(const std::string& id) override {
    absl::MutexLock lock(&mu_);
    records_.erase(id);
  }
  std::vector<PersonMatch> Search(const PersonRecord& query, int limit,
                                  double min_score) const override {
    std::set<std::string> q = Words(query.name);
    std::vector<PersonMatch> out;
    absl::MutexLock lock(&mu_);
    for (const auto& [id, words] : records_) {
      int common = 0;
      for (const std::string& w : q) common += words.count(w);
      double score =
          q.empty() ? 0 : double(common) / std::max(q.size(), words.size());
      if (score >= min_score && static_cast<int>(out.size()) < limit) {
        out.push_back({id, score, {"same name words"}});
      }
    }
    return out;
  }

 private:
  static std::set<std::string> Words(const v1::PersonName& n) {
    std::set<std::string> words;
    for (absl::string_view w : absl::StrSplit(
             absl::AsciiStrToLower(n.given_names() + " " + n.family_name()),
             ' ', absl::SkipEmpty())) {
      words.insert(std::string(w));
    }
    return words;
  }
  mutable absl::Mutex mu_;
  std::map<std::string, std::set<std::string>> records_ ABSL_GUARDED_BY(mu_);
};

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_FAKE_PERSON_MATCHER_H_
