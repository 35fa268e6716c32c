#include "services/intake/matching/name_variants.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace clinic {
namespace matching {
namespace {

// Variant groups: the first word is the canonical key; the rest are spellings
// met in identity documents and forms, in Latin and original scripts. A group
// joins spellings of one name only; different names that sound alike (Muhammad
// / Mahmud, Hassan / Hussein) are separate groups on purpose.
constexpr const char* kGroups[] = {
    "muhammad mohammed muhammad mohamed mohammad mohamad muhammed mohamad "
    "muhamad mohammod "
    "mohd mehmet mehmed mahomed mamadou mouhamed mouhammad محمد Мухаммед "
    "Мухаммад Магомед",
    "mahmud mahmoud mahmud mahmut mahmood mohamud mahamud محمود Махмуд",
    "ahmad ahmed ahmad ahmet achmed ahmadou أحمد احمد Ахмед Ахмад",
    "abdrahman abdelrahman abdulrahman abdurrahman abderrahmane abdirahman "
    "abdourahmane "
    "abdorrahman abdalrahman",
    "abdallah abdullah abdallah abdulla abdellah abdallahi abdillahi abdulah",
    "abdkadir abdulkadir abdelkader abdulqadir abdikadir abdelkadir abdulkader",
    "abdaziz abdulaziz abdelaziz abdiaziz",
    "yusuf yusuf youssef yousef yusef yousif yosef jusuf yussuf yousuf youcef "
    "يوسف Юсуф",
    "husayn hussein husayn hossein husein huseyin hussain husain hosein حسين "
    "حسین Хусейн",
    "hasan hassan hasan hasen hassen حسن Хасан",
    "ali ali aly علي علی Али",
    "umar omar umar omer عمر Омар Умар",
    "uthman osman othman uthman usman ousmane osmane عثمان Усман",
    "ibrahim ibrahim ebrahim ibraheem ibragim ibrahima إبراهيم ابراهيم Ибрагим",
    "mustafa mustafa mostafa moustafa mustapha mostapha mustefa مصطفى مصطفی "
    "Мустафа",
    "khalid khalid khaled halid khaleed خالد Халид",
    "fatima fatima fatma fatemeh fatimah fatouma fatuma fatime فاطمة فاطمه "
    "Фатима",
    "aisha aisha ayesha aysha aicha aishah ayse aissatou عائشة Айша",
    "maryam maryam mariam meryem miriam mariame مريم مریم Марьям",
    "zaynab zainab zeynab zaynab zeynep zenab زينب زینب",
    "khadija khadija khadijah khadidja hatice kadija خديجة Хадижат",
    "amina amina aminah aminata أمينة امینه",
    "hamid hamid hameed hamed حامد",
    "said said saeed saeid sayed saed سعيد",
    "jamal jamal gamal cemal djamal جمال",
    "jafar jafar jaafar jafer جعفر",
    "karim karim kareem kerim كريم",
    "rashid rashid rachid rasheed reshid رشيد",
    "musa musa moussa mousa موسى",
    "isa isa issa عيسى",
    "idris idris idriss edris إدريس",
    "yahya yahya yahia yehia يحيى",
    "mahdi mehdi mahdi مهدی مهدي",
    "reza reza riza rida رضا",
    "nasir nasir naser nasser nassir ناصر",
    "jawad jawad javad جواد",
    "wahid wahid vahid وحيد",
    // Distinct names that sound like the ones above, listed so they are never
    // taken for spellings of them.
    "amr amr amro عمرو",
    "saad saad saad سعد",
    "salim salem salim saleem سالم سليم",
    "salih saleh salih salah صالح",
    "rashad rashad rachad رشاد",
    "nazir nazir nadhir نذير",
    "walid walid waleed oualid وليد",
    "majid majid majed magid ماجد مجید",
    "hashim hashim hashem hachem هاشم",
    "yunus yunus younes yonus younis يونس",
    "sadiq sadiq sadek sadik صادق",
    "rahim rahim raheem rahime رحيم",
    "kamal kamal kemal كمال",
    "amira amira ameera أميرة",
    "alia alia aliya aaliyah عالية",
    "aissata aissata aissatou",
    "hamdan hamdan حمدان",
    "mansur mansur mansour mansoor منصور",
    "nur nur noor nour نور",
    "bilal bilal belal بلال",
    "tariq tariq tarek tareq tarik طارق",
    "samir samir sameer سمير",
    "zakaria zakaria zakariya zakariyya زكريا",
    "hamza hamza hamzah حمزة",
    "anwar anwar anouar أنور",
    "faris faris fares فارس",
    "nadia nadia nadiya نادية",
    "layla layla leila laila ليلى",
    "hana hana hanaa هناء",
    "sara sara sarah سارة",
    "huda huda houda هدى",
    "tesfay tesfay tesfaye tesfai ተስፋይ ተስፋዬ",
    "tsegay tsegay tsegaye tsegai tsegaye ጸጋይ ፀጋዬ",
    "yonas yonas jonas yonas ዮናስ",
    "yohannes yohannes johannes yohanes ዮሃንስ ዮውሃንስ",
    "mebrahtu mebrahtu mebrahto ምሕረትኣብ",
    "gebremedhin gebremedhin gebremedhn gabremedhin ገብረመድህን",
    "oleksandr oleksandr aleksandr alexander alexandre oleksander Олександр "
    "Александр",
    "mykhailo mykhailo mikhail mihail michail Михайло Михаил",
    "volodymyr volodymyr vladimir wladimir Володимир Владимир",
    "yevhen yevhen evgeny yevgeniy yevgeny evgenii Євген Евгений",
    "serhiy serhiy serhii sergei sergey sergiy Сергій Сергей",
    "dmytro dmytro dmitry dmitri dmitriy Дмитро Дмитрий",
    "andriy andriy andrii andrei andrey Андрій Андрей",
    "olena olena elena yelena jelena Олена Елена",
    "nataliya nataliya natalia natalya nataliia Наталія Наталья",
    "tetiana tetiana tatiana tatyana tetyana Тетяна Татьяна",
    "yuliia yuliia yulia yuliya julia Юлія Юлия",
};

using Table = absl::flat_hash_map<std::string, std::string>;

const Table& Canonical() {
  static const Table* const table = [] {
    auto* t = new Table();
    for (const char* group : kGroups) {
      std::vector<std::string> words =
          absl::StrSplit(group, ' ', absl::SkipEmpty());
      const std::string& canonical = words[0];
      for (size_t i = 1; i < words.size(); ++i) {
        for (const NameToken& token : NormalizeName(words[i])) {
          t->emplace(token.text, canonical);
        }
      }
    }
    return t;
  }();
  return *table;
}

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' ||
         c == 'w';
}

// "abdelrahman" -> "abdrahman": the many spellings of the joined "Abd al-"
// compound.
std::string FoldAbd(const std::string& w) {
  for (const char* prefix : {"abdel", "abdul", "abdal", "abdol", "abdur",
                             "abder", "abdir", "abdi", "abdu", "abde"}) {
    if (absl::StartsWith(w, prefix) &&
        w.size() > std::string(prefix).size() + 2) {
      std::string rest = w.substr(std::string(prefix).size());
      // "abdurrahman": the article's assimilated consonant.
      if (rest.size() > 3 && rest[0] == rest[1]) rest = rest.substr(1);
      return "abd" + rest;
    }
  }
  return w;
}

}  // namespace

std::string Skeleton(const std::string& word, bool arabic) {
  std::string w = FoldAbd(word);
  // Arabic ta marbuta (final ة) comes out of transliteration as t but is
  // silent.
  if (arabic && w.size() > 3 && w.back() == 't') w.pop_back();
  // Digraphs that spell one sound.
  std::string s;
  for (size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    char next = i + 1 < w.size() ? w[i + 1] : '\0';
    if ((c == 'p' && next == 'h') || (c == 't' && next == 'h') ||
        (c == 'k' && next == 'h') || (c == 'g' && next == 'h') ||
        (c == 's' && next == 'h') || (c == 'c' && next == 'h') ||
        (c == 'd' && next == 'h') || (c == 'z' && next == 'h') ||
        (c == 'c' && next == 'k')) {
      // ph->f, sh/ch/zh->s, kh->h (Khalid / Halid), th->t, gh->g, dh->d, ck->k.
      s.push_back(c == 'p'                  ? 'f'
                  : c == 's' || c == 'z'    ? 's'
                  : c == 'c' && next == 'h' ? 's'
                  : c == 'k'                ? 'h'
                                            : c);
      ++i;
      continue;
    }
    if ((c == 't' || c == 'd') && (next == 's' || next == 'z')) {
      s.push_back('s');  // ts, tz, ds, dz
      ++i;
      continue;
    }
    if (c == 'd' && next == 'j') {
      s.push_back('j');
      ++i;
      continue;
    }
    s.push_back(c);
  }
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsVowel(c)) continue;
    switch (c) {
      case 'q':
      case 'c':
      case 'g':
        c = 'k';  // Arabic q and k, Egyptian g for j: all read alike by clerks
        break;
      case 'z':
      case 'x':
        c = 's';
        break;
      case 'v':
      case 'p':
        c = 'f';
        break;
      case 'd':
        c = 't';  // final devoicing: Mehmed / Mehmet, Ahmad / Ahmet
        break;
      case 'j':
        c = 'y';  // y / j / dj across French, English, German conventions
        break;
      default:
        break;
    }
    if (c == 'y') continue;  // treated as a vowel after folding
    if (!out.empty() && out.back() == c) continue;  // doubled letters
    out.push_back(c);
  }
  // Silent final h (Fatimah, Abdullah).
  if (out.size() > 2 && out.back() == 'h') out.pop_back();
  return out;
}

namespace {

TokenKeys KeysOfWord(const std::string& word, bool arabic) {
  TokenKeys keys;
  keys.text = FoldAbd(word);
  keys.skeleton = Skeleton(word, arabic);
  const Table& table = Canonical();
  auto it = table.find(word);
  if (it == table.end()) it = table.find(keys.text);
  if (it != table.end()) keys.canonical = it->second;
  return keys;
}

}  // namespace

TokenKeys KeysOf(const NameToken& token) {
  TokenKeys keys = KeysOfWord(token.text, token.script == 'a');
  // The Arabic article or "son of" written joined in Latin ("Alhassan",
  // "Elkhatib", "Benali"): also compare the name without it. (For "Alexander"
  // this adds "exander", which matches no one.)
  const std::string& t = token.text;
  size_t article = 0;
  for (const char* prefix : {"al", "el", "ben", "bin", "ibn"}) {
    size_t n = std::string(prefix).size();
    if (t.size() >= n + 3 && t.compare(0, n, prefix) == 0) article = n;
  }
  if (token.script == 'l' && article > 0) {
    TokenKeys bare = KeysOfWord(t.substr(article), false);
    keys.alt_text = bare.text;
    keys.alt_skeleton = bare.skeleton;
    if (keys.canonical.empty()) keys.canonical = bare.canonical;
  }
  return keys;
}

}  // namespace matching
}  // namespace clinic
