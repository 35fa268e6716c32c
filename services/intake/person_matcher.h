// The seam between the intake service and name matching: an index of people
// (clients and the related or adverse parties recorded on cases) searched
// across transliteration variants, scripts, name order and missing parts. The
// service keeps it current as records change; matching itself lives in
// services/intake/matching.
//
// Implementations are thread-safe: concurrent searches with occasional updates.
#ifndef CLINIC_SERVICES_INTAKE_PERSON_MATCHER_H_
#define CLINIC_SERVICES_INTAKE_PERSON_MATCHER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clinic/v1/intake.pb.h"

namespace clinic {

struct PersonRecord {
  // "clients/{id}", or "cases/{id}/parties/{n}" for a party recorded on a case.
  std::string id;
  v1::PersonName name;
  std::vector<v1::PersonName> other_names;
  std::optional<v1::PartialDate> birth_date;
  std::vector<std::string> citizenships;
};

struct PersonMatch {
  std::string id;
  // 0..1.
  double score = 0;
  // Why, in words: "given name 'Muhammad' ~ 'Mohammed' (transliteration
  // variant)".
  std::vector<std::string> reasons;
};

class PersonMatcher {
 public:
  virtual ~PersonMatcher() = default;
  // Adds or replaces the record with this id.
  virtual void Upsert(const PersonRecord& record) = 0;
  virtual void Remove(const std::string& id) = 0;
  // The best matches for `query` (ids, scores, reasons), best first, at most
  // `limit`, none below `min_score`.
  virtual std::vector<PersonMatch> Search(const PersonRecord& query, int limit,
                                          double min_score) const = 0;
};

// The production matcher (services/intake/matching).
std::unique_ptr<PersonMatcher> NewPersonMatcher();

// A record for `client` / for a party recorded on a case.
PersonRecord RecordOf(const v1::Client& client);
PersonRecord RecordOf(const std::string& case_name, int index,
                      const v1::RelatedParty& party);

}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_PERSON_MATCHER_H_
