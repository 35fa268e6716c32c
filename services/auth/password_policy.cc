#include "services/auth/password_policy.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "storage/file_util.h"

namespace clinic {

// Generated from common_passwords.txt (see BUILD).
extern const char kCommonPasswords[];

namespace {

constexpr int kMaxCommonWords = 3;

// The letter a character commonly stands for in "leetspeak", or 0.
char LeetLetter(char c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
    case '!':
      return 'i';
    case '3':
      return 'e';
    case '4':
    case '@':
      return 'a';
    case '5':
    case '$':
      return 's';
    case '7':
      return 't';
    case '8':
      return 'b';
    default:
      return 0;
  }
}

bool IsFiller(char c) {
  return !absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
         static_cast<unsigned char>(c) < 0x80;
}

// True if `s` (code points) repeats a unit of at most 4 code points.
bool IsRepetition(const icu::UnicodeString& s) {
  int32_t n = s.countChar32();
  std::vector<UChar32> cps;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1))
    cps.push_back(s.char32At(i));
  for (int32_t unit = 1; unit <= 4 && unit < n; ++unit) {
    bool repeats = true;
    for (int32_t i = unit; i < n && repeats; ++i)
      repeats = cps[i] == cps[i - unit];
    if (repeats) return true;
  }
  return false;
}

// True if the ASCII letters/digits of `s` run up or down the alphabet or the
// digits (abcdef..., 987654..., and 1234567890123 where the digits wrap
// around).
bool IsSequence(absl::string_view s) {
  std::string alnum;
  for (char c : s) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) alnum.push_back(c);
  }
  if (alnum.size() < 8 || alnum.size() + 2 < s.size()) return false;
  auto next = [](char a, char b, int step) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(a)) &&
        absl::ascii_isdigit(static_cast<unsigned char>(b))) {
      return (a - '0' + step + 10) % 10 == b - '0';
    }
    return b - a == step;
  };
  for (int step : {1, -1}) {
    bool run = true;
    for (size_t i = 1; i < alnum.size() && run; ++i)
      run = next(alnum[i - 1], alnum[i], step);
    if (run) return true;
  }
  return false;
}

}  // namespace

std::string PasswordPolicy::Normalize(absl::string_view password) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  if (U_FAILURE(error)) return std::string(password);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(password.data(), static_cast<int32_t>(password.size())));
  icu::UnicodeString out = nfc->normalize(in, error);
  if (U_FAILURE(error)) return std::string(password);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

absl::StatusOr<std::unique_ptr<PasswordPolicy>> PasswordPolicy::Create(
    const std::string& extra_list_file) {
  std::unique_ptr<PasswordPolicy> policy(new PasswordPolicy());
  std::string lists = kCommonPasswords;
  if (!extra_list_file.empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        std::string extra,
        storage::ReadFile(extra_list_file, int64_t{512} << 20));
    absl::StrAppend(&lists, "\n", extra);
  }
  for (absl::string_view line : absl::StrSplit(lists, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::string word = absl::AsciiStrToLower(line);
    policy->longest_word_ = std::max(policy->longest_word_, word.size());
    policy->words_.insert(std::move(word));
  }
  return policy;
}

bool PasswordPolicy::BuiltFromCommonWords(const std::string& s) const {
  // fewest[i]: fewest common words that, with digits (up to 4 in a row),
  // symbols and spaces, make up s[0, i).
  const int kNone = 1 << 20;
  std::vector<int> fewest(s.size() + 1, kNone);
  fewest[0] = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (fewest[i] == kNone) continue;
    if (IsFiller(s[i])) fewest[i + 1] = std::min(fewest[i + 1], fewest[i]);
    size_t digits = 0;
    while (i + digits < s.size() && digits < 4 &&
           absl::ascii_isdigit(static_cast<unsigned char>(s[i + digits]))) {
      ++digits;
      fewest[i + digits] = std::min(fewest[i + digits], fewest[i]);
    }
    for (size_t len = 3; len <= longest_word_ && i + len <= s.size(); ++len) {
      // A candidate word: the substring with leetspeak turned back into
      // letters.
      std::string candidate;
      for (size_t k = i; k < i + len; ++k) {
        char letter = LeetLetter(s[k]);
        candidate.push_back(
            absl::ascii_isalpha(static_cast<unsigned char>(s[k])) || !letter
                ? s[k]
                : letter);
      }
      if (words_.contains(candidate) || words_.contains(s.substr(i, len))) {
        fewest[i + len] = std::min(fewest[i + len], fewest[i] + 1);
      }
    }
  }
  return fewest[s.size()] >= 1 && fewest[s.size()] <= kMaxCommonWords;
}

absl::Status PasswordPolicy::Check(absl::string_view field,
                                   absl::string_view password,
                                   absl::string_view username,
                                   absl::string_view display_name) const {
  std::string normalized = Normalize(password);
  int32_t length = icu::UnicodeString::fromUTF8(normalized).countChar32();
  if (length < kMinLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be at least ", kMinLength,
                     " characters long (it has ", length,
                     "); a few unrelated words with spaces make a strong, "
                     "memorable password"));
  }
  if (length > kMaxLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be at most ", kMaxLength, " characters long"));
  }
  for (char c : normalized) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " must not contain control characters"));
    }
  }
  std::string lower = absl::AsciiStrToLower(normalized);
  if (username.size() >= 3 &&
      absl::StrContains(lower, absl::AsciiStrToLower(username))) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must not contain your username"));
  }
  for (absl::string_view part :
       absl::StrSplit(display_name, ' ', absl::SkipWhitespace())) {
    if (part.size() >= 4 &&
        absl::StrContains(lower, absl::AsciiStrToLower(part))) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, " must not contain your name"));
    }
  }
  if (IsRepetition(icu::UnicodeString::fromUTF8(normalized)) ||
      IsSequence(lower)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     " is too predictable (a repeated pattern or a run like "
                     "abcdef or 123456)"));
  }
  if (words_.contains(lower) || BuiltFromCommonWords(lower)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        " is too common: it is built from passwords that attackers try first; "
        "choose a few unrelated, uncommon words"));
  }
  return absl::OkStatus();
}

}  // namespace clinic
