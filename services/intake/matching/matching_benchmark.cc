// Search and conflict-check latency over 100,000 synthetic people, from many
// naming traditions, with queries in other spellings and scripts.
//
//   bazel run --config=opt //services/intake/matching:matching_benchmark --
//   [people]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/intake/matching/person_index.h"

namespace {

const std::vector<std::string> kGiven = {
    "Mohammed", "Ahmed",    "Fatima",    "Amina",       "Yusuf",    "Hussein",
    "Hassan",   "Ali",      "Omar",      "Aisha",       "Maryam",   "Zainab",
    "Khalid",   "Ibrahim",  "Mustafa",   "Abdelrahman", "Abdullah", "Tesfay",
    "Tsegay",   "Yonas",    "Selam",     "Semhar",      "Mebrahtu", "Senait",
    "Helen",    "Yohannes", "Oleksandr", "Olena",       "Dmytro",   "Iryna",
    "Serhiy",   "Natalia",  "Maria",     "Jose",        "Luis",     "Ana",
    "Carlos",   "Jean",     "Marie",     "Pierre",      "Ngozi",    "Chinedu",
    "Wei",      "Lan",      "Minh",      "Hossein",     "Reza",     "Zahra",
    "Fatemeh",  "Mehdi",    "Gul",       "Ghulam",      "Nasir",    "Samir",
    "Layla",    "Sara",     "Bilal",     "Tariq",       "Hamza",    "Kamal",
    "Jamal",    "Rashid",   "Said"};
const std::vector<std::string> kFamily = {
    "Tesfay",        "Gebremedhin", "Berhe",     "Haile",     "Kahsay",
    "Gebru",         "Tekle",       "Mebrahtu",  "Al-Hassan", "Mansour",
    "Haddad",        "Khalil",      "Nasr",      "Saleh",     "Osman",
    "Ibrahim",       "Abdi",        "Farah",     "Warsame",   "Hersi",
    "Mohamud",       "Rezaei",      "Ahmadi",    "Karimi",    "Hosseini",
    "Rahimi",        "Ahmadzai",    "Noori",     "Kovalenko", "Shevchenko",
    "Bondarenko",    "Melnyk",      "Tkachenko", "Garcia",    "Lopez",
    "Hernandez",     "Martinez",    "Rojas",     "Pierre",    "Joseph",
    "Jean-Baptiste", "Okonkwo",     "Okafor",    "Nguyen",    "Tran",
    "Zhang",         "Wang",        "Diallo",    "Traore",    "Barry",
    "Yilmaz",        "Kaya",        "Demir",     "Celik"};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  using clinic::PersonRecord;
  const int people = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::mt19937 rng(42);
  auto pick = [&](const std::vector<std::string>& v) {
    return v[rng() % v.size()];
  };
  clinic::matching::PersonIndex index;
  absl::Time start = absl::Now();
  for (int i = 0; i < people; ++i) {
    PersonRecord r;
    r.id = absl::StrCat("clients/", i);
    r.name.set_given_names(pick(kGiven));
    // Many people carry a father's and grandfather's name.
    r.name.set_family_name(rng() % 3 == 0
                               ? absl::StrCat(pick(kGiven), " ", pick(kFamily))
                               : pick(kFamily));
    r.birth_date.emplace();
    r.birth_date->set_year(1950 + static_cast<int>(rng() % 60));
    index.Upsert(r);
  }
  double build_s = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("indexed %d people in %.2f s (%.0f per second)\n", people,
              build_s, people / build_s);

  struct Query {
    std::string given, family, original;
  };
  std::vector<Query> queries = {{"Muhammad", "Alhassan", ""},
                                {"Fatma", "Osman", ""},
                                {"Yousef", "Haddad", ""},
                                {"Tsegaye", "Berhe", ""},
                                {"Aleksandr", "Kovalenko", ""},
                                {"Jose", "Garcia", ""},
                                {"", "", "محمد الحسن"},
                                {"", "", "ኣሚና ተስፋይ"},
                                {"", "", "Олександр Коваленко"},
                                {"Hussein", "Abdi Warsame", ""},
                                {"Amina", "Tesfay Gebremedhin", ""},
                                {"Wei", "Zhang", ""}};
  for (double min_score : {0.5, 0.75}) {
    std::vector<double> ms;
    size_t results = 0;
    for (int round = 0; round < 100; ++round) {
      for (const Query& q : queries) {
        PersonRecord r;
        r.name.set_given_names(q.given);
        r.name.set_family_name(q.family);
        r.name.set_original_script(q.original);
        absl::Time t0 = absl::Now();
        results += index.Search(r, 50, min_score).size();
        ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
      }
    }
    std::printf(
        "%s (min score %.2f), %zu queries: p50 %.2f ms, p99 %.2f ms, max %.2f "
        "ms, "
        "%.1f results per query\n",
        min_score < 0.7 ? "search" : "conflict check", min_score, ms.size(),
        Percentile(ms, 0.5), Percentile(ms, 0.99), Percentile(ms, 1.0),
        double(results) / ms.size());
  }
  return 0;
}
