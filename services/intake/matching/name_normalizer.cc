#include "services/intake/matching/name_normalizer.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"

namespace clinic {
namespace matching {
namespace {

// A prototype transliterator, cloned per thread (ICU transliterators are not
// thread-safe).
const icu::Transliterator* Prototype() {
  static const icu::Transliterator* const prototype = [] {
    UErrorCode error = U_ZERO_ERROR;
    icu::Transliterator* t = icu::Transliterator::createInstance(
        "Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, error);
    return U_SUCCESS(error) ? t : nullptr;
  }();
  return prototype;
}

icu::Transliterator* ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> local(
      Prototype() ? Prototype()->clone() : nullptr);
  return local.get();
}

char ScriptOf(const icu::UnicodeString& word) {
  for (int32_t i = 0; i < word.length(); i = word.moveIndex32(i, 1)) {
    UChar32 c = word.char32At(i);
    UErrorCode error = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(c, &error);
    switch (script) {
      case USCRIPT_ARABIC:
        return 'a';
      case USCRIPT_ETHIOPIC:
        return 'e';
      case USCRIPT_CYRILLIC:
        return 'c';
      case USCRIPT_LATIN:
        return 'l';
      case USCRIPT_COMMON:
      case USCRIPT_INHERITED:
        continue;
      default:
        return 'o';
    }
  }
  return 'l';
}

// Words that are not names of their own.
bool IsParticle(absl::string_view w) {
  static const auto* const particles = new absl::flat_hash_set<std::string>{
      "al",  "el",  "ul",  "bin",   "ben", "ibn", "bint", "binti", "bte",
      "de",  "da",  "del", "della", "di",  "du",  "dos",  "das",   "van",
      "von", "der", "den", "y",     "e",   "la",  "le"};
  return particles->contains(std::string(w));
}

// "abd", "abdel", "abdul", "abdal", "abdol" start a compound with the next
// word.
bool IsAbd(absl::string_view w) {
  return w == "abd" || w == "abdel" || w == "abdul" || w == "abdal" ||
         w == "abdol" || w == "abdu" || w == "abde" || w == "bd";
}

// Persian pronounces ض, ظ and ذ as z, where Arabic transliteration writes
// d/z/dh: in a word with letters only Persian uses (ی ک پ چ ژ گ), spell them as
// ز so that رضایی meets "Rezaei".
void PersianizeZ(icu::UnicodeString* word) {
  bool persian = false;
  for (int32_t i = 0; i < word->length(); ++i) {
    UChar c = word->charAt(i);
    persian |= c == 0x06CC || c == 0x06A9 || c == 0x067E || c == 0x0686 ||
               c == 0x0698 || c == 0x06AF;
  }
  if (!persian) return;
  for (int32_t i = 0; i < word->length(); ++i) {
    UChar c = word->charAt(i);
    if (c == 0x0636 || c == 0x0638 || c == 0x0630) word->setCharAt(i, 0x0632);
  }
}

}  // namespace

std::string ToAscii(absl::string_view text) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (icu::Transliterator* t = ThreadTransliterator()) t->transliterate(s);
  std::string out;
  s.toUTF8String(out);
  // Keep letters, digits and separators; ICU leaves marks such as ʿ (ayn) and
  // ǝ.
  std::string clean;
  for (char c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u)) {
      clean.push_back(absl::ascii_tolower(u));
    } else if (c == ' ' || c == '-' || c == '\'' || c == '/' || c == '.' ||
               c == ',') {
      clean.push_back(c == '\'' ? '\0' : ' ');
    }
  }
  clean.erase(std::remove(clean.begin(), clean.end(), '\0'), clean.end());
  return clean;
}

std::vector<NameToken> NormalizeName(absl::string_view name) {
  std::vector<NameToken> tokens;
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  // Split on whitespace first, so each word keeps the script it was written in.
  int32_t start = 0;
  std::vector<icu::UnicodeString> words;
  for (int32_t i = 0; i <= source.length(); ++i) {
    if (i == source.length() || u_isUWhiteSpace(source.charAt(i)) ||
        source.charAt(i) == '-' || source.charAt(i) == '/' ||
        source.charAt(i) == ',') {
      if (i > start) words.push_back(source.tempSubStringBetween(start, i));
      start = i + 1;
    }
  }
  bool pending_abd = false;
  std::string prefix;
  for (const icu::UnicodeString& word : words) {
    char script = ScriptOf(word);
    icu::UnicodeString spelled = word;
    if (script == 'a') PersianizeZ(&spelled);
    std::string utf8;
    spelled.toUTF8String(utf8);
    std::string ascii = ToAscii(utf8);
    ascii.erase(std::remove(ascii.begin(), ascii.end(), ' '), ascii.end());
    if (ascii.empty()) continue;
    // Arabic script writes the article joined to the noun: "alrhmn".
    if ((script == 'a') && ascii.size() > 4 && ascii.compare(0, 2, "al") == 0) {
      ascii = ascii.substr(2);
    }
    if (IsParticle(ascii)) continue;
    if (IsAbd(ascii)) {
      pending_abd = true;
      continue;
    }
    // "G/" stands for "Gebre" and "W/" for "Wolde" in Ethiopian and Eritrean
    // names: "G/Medhin" is "Gebremedhin". (Compounds written apart, "Gebre
    // Medhin", are joined when compared; see person_scorer.)
    if (ascii == "g" || ascii == "w") {
      prefix = ascii == "g" ? "gebre" : "wolde";
      continue;
    }
    NameToken token;
    token.text = (pending_abd ? "abd" : "") + prefix + ascii;
    prefix.clear();
    token.script = script;
    token.from_other_script = script != 'l';
    pending_abd = false;
    tokens.push_back(std::move(token));
  }
  if (pending_abd || !prefix.empty()) {
    tokens.push_back({(pending_abd ? "abd" : "") + prefix, false, 'l'});
  }
  return tokens;
}

}  // namespace matching
}  // namespace clinic
