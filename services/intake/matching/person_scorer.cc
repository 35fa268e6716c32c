#include "services/intake/matching/person_scorer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace clinic {
namespace matching {
namespace {

constexpr double kPairThreshold = 0.72;

struct NameScore {
  double value = 0;
  std::vector<std::string> reasons;
};

// Joins adjacent words of `name` whose concatenation is one word of `other`
// ("Kamal Uddin" against "Kamaluddin").
PreparedName JoinCompounds(const PreparedName& name,
                           const PreparedName& other) {
  PreparedName out;
  out.label = name.label;
  for (size_t i = 0; i < name.tokens.size(); ++i) {
    if (i + 1 < name.tokens.size()) {
      std::string joined = name.tokens[i].text + name.tokens[i + 1].text;
      bool found = false;
      for (const NameToken& t : other.tokens) found |= t.text == joined;
      if (found) {
        NameToken token = name.tokens[i];
        token.text = joined;
        out.tokens.push_back(token);
        out.keys.push_back(KeysOf(token));
        ++i;
        continue;
      }
    }
    out.tokens.push_back(name.tokens[i]);
    out.keys.push_back(name.keys[i]);
  }
  return out;
}

NameScore ScoreNames(const PreparedName& q_in, const PreparedName& c_in) {
  NameScore result;
  const PreparedName q = JoinCompounds(q_in, c_in);
  const PreparedName c = JoinCompounds(c_in, q_in);
  const size_t nq = q.keys.size(), nc = c.keys.size();
  if (nq == 0 || nc == 0) return result;
  std::vector<std::vector<double>> sim(nq, std::vector<double>(nc));
  std::vector<std::vector<std::string>> why(nq, std::vector<std::string>(nc));
  for (size_t i = 0; i < nq; ++i) {
    for (size_t j = 0; j < nc; ++j)
      sim[i][j] = WordSimilarity(q.keys[i], c.keys[j], &why[i][j]);
  }
  // Greedy alignment: the most alike pair first; each word used once.
  std::vector<bool> used_q(nq), used_c(nc);
  std::vector<std::pair<size_t, size_t>> pairs;
  double total = 0;
  while (true) {
    double best = kPairThreshold;
    size_t bi = nq, bj = nc;
    for (size_t i = 0; i < nq; ++i) {
      if (used_q[i]) continue;
      for (size_t j = 0; j < nc; ++j) {
        if (!used_c[j] && sim[i][j] >= best) {
          best = sim[i][j];
          bi = i;
          bj = j;
        }
      }
    }
    if (bi == nq) break;
    used_q[bi] = used_c[bj] = true;
    pairs.push_back({bi, bj});
    total += best;
    if (!why[bi][bj].empty()) result.reasons.push_back(why[bi][bj]);
  }
  const size_t matched = pairs.size();
  if (matched == 0) return result;
  const size_t shorter = std::min(nq, nc);
  double score = total / static_cast<double>(shorter);
  const size_t unmatched = (nq + nc) - 2 * matched;
  score -= 0.04 * static_cast<double>(unmatched);
  if (shorter >= 2 && matched < 2) {
    score *= 0.55;
    result.reasons.push_back("only one name in common");
  } else if (matched < shorter) {
    score *= 0.8;
  }
  if (unmatched > 0 && matched >= 2) {
    result.reasons.push_back(
        absl::StrCat(unmatched, " name part(s) present on one side only"));
  }
  // Word order: a family name given first on one record and last on the other.
  if (matched >= 2) {
    bool crossed = false;
    for (size_t a = 0; a < pairs.size(); ++a) {
      for (size_t b = a + 1; b < pairs.size(); ++b) {
        crossed |= (pairs[a].first < pairs[b].first) !=
                   (pairs[a].second < pairs[b].second);
      }
    }
    if (crossed) result.reasons.push_back("names in a different order");
  }
  result.value = std::max(0.0, score);
  return result;
}

std::string Join(const std::vector<std::string>& codes) {
  return absl::StrJoin(codes, ",");
}

}  // namespace

double JaroWinkler(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return 0;
  if (a == b) return 1;
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  std::vector<bool> ma(la), mb(lb);
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    for (int j = std::max(0, i - window); j < std::min(lb, i + window + 1);
         ++j) {
      if (!mb[j] && a[i] == b[j]) {
        ma[i] = mb[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!ma[i]) continue;
    while (!mb[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  double m = matches;
  double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
    ++prefix;
  return jaro + prefix * 0.1 * (1 - jaro);
}

namespace {

// One spelling against another (no article handling).
double SpellingSimilarity(const std::string& at, const std::string& as,
                          const std::string& bt, const std::string& bs,
                          const std::string& ac, const std::string& bc,
                          std::string* why) {
  why->clear();
  if (at == bt) return 1.0;
  if (!ac.empty() && ac == bc) {
    *why = absl::StrCat("'", at, "' ~ '", bt, "' (spellings of one name)");
    return 0.95;
  }
  double jw = JaroWinkler(at, bt);
  if (!ac.empty() && !bc.empty()) {
    // Two different names the table knows (Muhammad / Mahmud): never a spelling
    // match.
    return std::min(jw, 0.5);
  }
  // "Bondar" / "Bondarenko", "Ibrahim" / "Ibrahimovic": a suffix makes another
  // surname.
  const std::string& shorter = at.size() < bt.size() ? at : bt;
  const std::string& longer = at.size() < bt.size() ? bt : at;
  if (longer.size() >= shorter.size() + 3 &&
      longer.compare(0, shorter.size(), shorter) == 0) {
    return 0.5;
  }
  if (as.size() >= 2 && as == bs) {
    *why = absl::StrCat("'", at, "' ~ '", bt, "' (same consonants)");
    return 0.88;
  }
  if (jw >= 0.93) {
    *why = absl::StrCat("'", at, "' ~ '", bt, "' (similar spelling)");
    return jw * 0.95;
  }
  if (as.size() >= 3 && bs.size() >= 3 && JaroWinkler(as, bs) >= 0.92) {
    *why = absl::StrCat("'", at, "' ~ '", bt, "' (similar consonants)");
    return 0.8;
  }
  return jw * 0.7;
}

}  // namespace

double WordSimilarity(const TokenKeys& a, const TokenKeys& b,
                      std::string* why) {
  double best = SpellingSimilarity(a.text, a.skeleton, b.text, b.skeleton,
                                   a.canonical, b.canonical, why);
  // With the joined article removed on either side ("Alhassan" / "Hassan").
  std::string alt_why;
  auto consider = [&](const std::string& at, const std::string& as,
                      const std::string& bt, const std::string& bs) {
    if (at.empty() || bt.empty()) return;
    double s =
        SpellingSimilarity(at, as, bt, bs, a.canonical, b.canonical, &alt_why);
    if (s > best) {
      best = s;
      *why = alt_why.empty()
                 ? absl::StrCat("'", a.text, "' ~ '", b.text, "' (article al-)")
                 : alt_why;
    }
  };
  consider(a.alt_text, a.alt_skeleton, b.text, b.skeleton);
  consider(a.text, a.skeleton, b.alt_text, b.alt_skeleton);
  consider(a.alt_text, a.alt_skeleton, b.alt_text, b.alt_skeleton);
  return best;
}

PreparedName PrepareName(const std::string& full_name, std::string label) {
  PreparedName name;
  name.tokens = NormalizeName(full_name);
  for (const NameToken& token : name.tokens) name.keys.push_back(KeysOf(token));
  name.label = std::move(label);
  return name;
}

Score ScorePeople(const PreparedPerson& query,
                  const PreparedPerson& candidate) {
  Score best;
  std::string best_labels;
  for (const PreparedName& q : query.names) {
    for (const PreparedName& c : candidate.names) {
      NameScore s = ScoreNames(q, c);
      if (s.value > best.value) {
        best.value = s.value;
        best.reasons = s.reasons;
        best_labels = c.label;
      }
    }
  }
  if (best.value <= 0) return best;
  if (best.reasons.empty())
    best.reasons.push_back(absl::StrCat("same ", best_labels));
  else
    best.reasons.insert(best.reasons.begin(),
                        absl::StrCat("matches the ", best_labels));

  if (query.birth_date && candidate.birth_date) {
    const v1::PartialDate& a = *query.birth_date;
    const v1::PartialDate& b = *candidate.birth_date;
    int diff = std::abs(a.year() - b.year());
    bool approximate = a.approximate() || b.approximate();
    if (diff == 0) {
      bool full = a.month() && b.month() && a.day() && b.day();
      if (full && (a.month() != b.month() || a.day() != b.day())) {
        best.value -= 0.15;
        best.reasons.push_back("same birth year but a different date of birth");
      } else if (full) {
        best.value += 0.06;
        best.reasons.push_back("same date of birth");
      } else {
        best.value += 0.03;
        best.reasons.push_back(
            absl::StrCat("same birth year (", a.year(), ")"));
      }
    } else if (diff <= (approximate ? 3 : 1)) {
      best.reasons.push_back(
          absl::StrCat("birth years close (", a.year(), " / ", b.year(), ")"));
    } else {
      best.value -= diff <= 3 ? 0.12 : 0.3;
      best.reasons.push_back(absl::StrCat("different birth years (", a.year(),
                                          " / ", b.year(), ")"));
    }
  }
  if (!query.citizenships.empty() && !candidate.citizenships.empty()) {
    std::vector<std::string> shared;
    for (const std::string& cq : query.citizenships) {
      if (std::find(candidate.citizenships.begin(),
                    candidate.citizenships.end(),
                    cq) != candidate.citizenships.end()) {
        shared.push_back(cq);
      }
    }
    if (!shared.empty()) {
      best.value += 0.03;
      best.reasons.push_back(
          absl::StrCat("same citizenship (", Join(shared), ")"));
    } else {
      best.value -= 0.05;
      best.reasons.push_back(absl::StrCat("different citizenship (",
                                          Join(query.citizenships), " / ",
                                          Join(candidate.citizenships), ")"));
    }
  }
  best.value = std::clamp(best.value, 0.0, 1.0);
  return best;
}

}  // namespace matching
}  // namespace clinic
