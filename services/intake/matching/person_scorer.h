// Scores how likely two records name the same person: names aligned word by
// word across spellings, scripts, order and missing parts, then weighed with
// birth date and citizenship. Each score comes with the reasons, in words, that
// produced it.
//
// Thread-safe (no state).
#ifndef CLINIC_SERVICES_INTAKE_MATCHING_PERSON_SCORER_H_
#define CLINIC_SERVICES_INTAKE_MATCHING_PERSON_SCORER_H_

#include <optional>
#include <string>
#include <vector>

#include "clinic/v1/common.pb.h"
#include "services/intake/matching/name_variants.h"

namespace clinic {
namespace matching {

// One way of writing a person's whole name, prepared for comparison.
struct PreparedName {
  std::vector<NameToken> tokens;
  std::vector<TokenKeys> keys;
  // Where it came from, for reasons: "legal name", "original-script name",
  // "alias".
  std::string label;
};

PreparedName PrepareName(const std::string& full_name, std::string label);

// A person prepared for comparison: every name they are known by, and the facts
// that confirm or contradict a name match.
struct PreparedPerson {
  std::vector<PreparedName> names;
  std::optional<v1::PartialDate> birth_date;
  std::vector<std::string> citizenships;
};

struct Score {
  double value = 0;
  std::vector<std::string> reasons;
};

// How alike two words are, 0..1, and why (empty reason for identical words).
double WordSimilarity(const TokenKeys& a, const TokenKeys& b, std::string* why);

// Jaro-Winkler similarity of two ASCII strings, 0..1.
double JaroWinkler(const std::string& a, const std::string& b);

Score ScorePeople(const PreparedPerson& query, const PreparedPerson& candidate);

}  // namespace matching
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_MATCHING_PERSON_SCORER_H_
