#include "absl/strings/str_cat.h"
#include "services/intake/person_matcher.h"

namespace clinic {

PersonRecord RecordOf(const v1::Client& client) {
  PersonRecord r;
  r.id = client.name();
  r.name = client.legal_name();
  for (const v1::OtherName& other : client.other_names())
    r.other_names.push_back(other.name());
  if (client.has_birth_date()) r.birth_date = client.birth_date();
  r.citizenships.assign(client.citizenships().begin(),
                        client.citizenships().end());
  return r;
}

PersonRecord RecordOf(const std::string& case_name, int index,
                      const v1::RelatedParty& party) {
  PersonRecord r;
  r.id = absl::StrCat(case_name, "/parties/", index);
  r.name = party.name();
  if (party.has_birth_date()) r.birth_date = party.birth_date();
  r.citizenships.assign(party.citizenships().begin(),
                        party.citizenships().end());
  return r;
}

}  // namespace clinic
