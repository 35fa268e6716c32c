// Keys that make spellings of one name meet: a table of known variants of names
// common among refugee claimants (with their Arabic, Persian, Ge'ez and
// Cyrillic spellings), and a consonant skeleton built for transliteration
// (vowels dropped since Arabic script does not write them; k/q/c, s/z/ts,
// f/ph/p... folded) for names the table does not know.
//
// Thread-safe (immutable tables).
#ifndef CLINIC_SERVICES_INTAKE_MATCHING_NAME_VARIANTS_H_
#define CLINIC_SERVICES_INTAKE_MATCHING_NAME_VARIANTS_H_

#include <string>

#include "services/intake/matching/name_normalizer.h"

namespace clinic {
namespace matching {

struct TokenKeys {
  // The normalised spelling ("muhammad").
  std::string text;
  // Consonant skeleton ("mhmt").
  std::string skeleton;
  // The variant group's canonical name if the table knows the spelling
  // ("muhammad"), else empty.
  std::string canonical;
  // For a Latin word with the Arabic article joined ("alhassan"): the word
  // without it.
  std::string alt_text;
  std::string alt_skeleton;
};

TokenKeys KeysOf(const NameToken& token);

// The consonant skeleton of an ASCII word; `arabic` marks words transliterated
// from Arabic script (whose final t is usually the silent ta marbuta).
std::string Skeleton(const std::string& word, bool arabic);

}  // namespace matching
}  // namespace clinic

#endif  // CLINIC_SERVICES_INTAKE_MATCHING_NAME_VARIANTS_H_
