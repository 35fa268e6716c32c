// Turns a person's name, in any script, into comparable Latin tokens: ICU
// transliteration (Arabic, Persian, Ge'ez, Cyrillic, Greek, ... to Latin),
// diacritics removed, lower case, split into words, with Arabic particles
// dropped ("al-", "el-", "bin") and "Abd" compounds joined ("Abd al-Rahman" ->
// "abdrahman").
//
// Thread-safe: ICU transliterators are not, so each thread gets its own clone.
#ifndef CLINIC_SERVICES_INTAKE_MATCHING_NAME_NORMALIZER_H_
#define CLINIC_SERVICES_INTAKE_MATCHING_NAME_NORMALIZER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace clinic {
namespace matching {

struct NameToken {
  // Lower-case ASCII, e.g. "tesfay".
  std::string text;
  // The word came from a non-Latin script (its vowels may be missing, as in
  // Arabic).
  bool from_other_script = false;
  // The script family it came from: 'a' Arabic/Persian, 'e' Ethiopic, 'c'
  // Cyrillic, 'l' Latin, 'o' other.
  char script = 'l';
};

// The tokens of `name` (any script, any order). Empty words and particles are
// dropped.
std::vector<NameToken> NormalizeName(absl::string_view name);

// The ASCII, lower-case transliteration of `text` (no tokenising); for display
// in reasons.
std::string ToAscii(absl::string_view text);

}  // namespace matching
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_MATCHING_NAME_NORMALIZER_H_
