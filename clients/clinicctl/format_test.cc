#include "clients/clinicctl/format.h"

#include "absl/time/civil_time.h"
#include "clinic/v1/deadline.pb.h"
#include "clinic/v1/document.pb.h"
#include "clinic/v1/hearing.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clinic {
namespace cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- Dates

TEST(FormatTest, ParseDateAcceptsRealDatesOnly) {
  auto date = ParseDate("--date", " 2026-03-02 ");
  ASSERT_TRUE(date.ok()) << date.status();
  EXPECT_EQ(date->year(), 2026);
  EXPECT_EQ(date->month(), 3);
  EXPECT_EQ(date->day(), 2);
  EXPECT_TRUE(ParseDate("--date", "2024-02-29").ok());  // leap year
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-3-2", "02/03/2026",
                          "", "2026-03-02x", "1899-12-31"}) {
    auto parsed = ParseDate("--date", bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("--date")) << bad;
  }
}

TEST(FormatTest, FormatDateIsIsoOrDashWhenUnset) {
  EXPECT_EQ(FormatDate(*ParseDate("d", "2026-03-02")), "2026-03-02");
  EXPECT_EQ(FormatDate(v1::Date()), "-");
}

TEST(FormatTest, DateInUsesTheZone) {
  absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 3, 0, 0),
                                 absl::UTCTimeZone());
  absl::TimeZone toronto;
  ASSERT_TRUE(absl::LoadTimeZone("America/Toronto", &toronto));
  EXPECT_EQ(FormatDate(DateIn(t, absl::UTCTimeZone())), "2026-03-02");
  EXPECT_EQ(FormatDate(DateIn(t, toronto)), "2026-03-01");
}

TEST(FormatTest, PartialDatesKeepWhatIsKnown) {
  auto year = ParsePartialDate("--born", "1990");
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->year(), 1990);
  EXPECT_EQ(year->month(), 0);
  EXPECT_EQ(year->day(), 0);
  EXPECT_FALSE(year->approximate());

  auto month = ParsePartialDate("--born", "1990-05");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(month->month(), 5);
  EXPECT_EQ(month->day(), 0);

  auto full = ParsePartialDate("--born", "1990-05-17");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->day(), 17);

  auto approx = ParsePartialDate("--born", "~1985");
  ASSERT_TRUE(approx.ok());
  EXPECT_TRUE(approx->approximate());
  auto question = ParsePartialDate("--born", "1985-03?");
  ASSERT_TRUE(question.ok());
  EXPECT_TRUE(question->approximate());
  EXPECT_EQ(question->month(), 3);

  for (const char* bad : {"90", "1990-5", "1990-00", "1990-13", "1990-02-30",
                          "abcd", "", "~", "1990-05-17-01", "1800"}) {
    auto parsed = ParsePartialDate("--born", bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("--born")) << bad;
  }
}

TEST(FormatTest, FormatPartialDateRoundTrips) {
  for (const char* text :
       {"1990", "1990-05", "1990-05-17", "~1985", "~1985-03"}) {
    EXPECT_EQ(FormatPartialDate(*ParsePartialDate("f", text)), text);
  }
  EXPECT_EQ(FormatPartialDate(v1::PartialDate()), "-");
}

TEST(FormatTest, TimeOfDay) {
  auto t = ParseTimeOfDay("--time", "9:05");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimeOfDay(*t), "09:05");
  for (const char* bad : {"24:00", "12:60", "12", "12:5", "noon"}) {
    EXPECT_FALSE(ParseTimeOfDay("--time", bad).ok()) << bad;
  }
}

TEST(FormatTest, DaysRemainingReadsNaturally) {
  EXPECT_EQ(FormatDaysRemaining(-3), "3 days overdue");
  EXPECT_EQ(FormatDaysRemaining(-1), "1 day overdue");
  EXPECT_EQ(FormatDaysRemaining(0), "today");
  EXPECT_EQ(FormatDaysRemaining(1), "1 day");
  EXPECT_EQ(FormatDaysRemaining(45), "45 days");
}

// ---- Instants, zones, durations

TEST(FormatTest, LocalTimesAreReadInTheHearingZone) {
  auto zone = ParseZone("--zone", "America/Toronto");
  ASSERT_TRUE(zone.ok());
  auto t = ParseLocalTime("--start", "2026-12-01 09:30", *zone);
  ASSERT_TRUE(t.ok()) << t.status();
  // 09:30 EST is 14:30 UTC.
  EXPECT_EQ(absl::FormatTime("%Y-%m-%dT%H:%M", *t, absl::UTCTimeZone()),
            "2026-12-01T14:30");
  EXPECT_EQ(FormatLocalTime(*t, *zone), "2026-12-01 09:30 EST");
  // In summer the same wall time is EDT.
  auto summer = ParseLocalTime("--start", "2026-07-01T09:30", *zone);
  ASSERT_TRUE(summer.ok());
  EXPECT_EQ(FormatLocalTime(*summer, *zone), "2026-07-01 09:30 EDT");
  // An explicit offset wins over the zone.
  auto offset = ParseLocalTime("--start", "2026-12-01T09:30:00-08:00", *zone);
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(FormatLocalTime(*offset, *zone), "2026-12-01 12:30 EST");

  EXPECT_FALSE(ParseLocalTime("--start", "tomorrow 9am", *zone).ok());
  auto bad_zone = ParseZone("--zone", "Mars/Olympus");
  EXPECT_EQ(bad_zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_zone.status().message(), HasSubstr("--zone"));
  EXPECT_FALSE(ParseZone("--zone", "").ok());
}

TEST(FormatTest, TimestampsUnsetShowADash) {
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp(), absl::UTCTimeZone()),
            "-");
  google::protobuf::Timestamp t;
  t.set_seconds(1796135400);  // 2026-12-01 14:30 UTC
  EXPECT_EQ(FormatTimestamp(t, absl::UTCTimeZone()), "2026-12-01 14:30 UTC");
}

TEST(FormatTest, Durations) {
  EXPECT_EQ(*ParseDurationFlag("--duration", "3h"), absl::Hours(3));
  EXPECT_EQ(*ParseDurationFlag("--duration", "90m"), absl::Minutes(90));
  EXPECT_EQ(*ParseDurationFlag("--duration", "2h30m"),
            absl::Hours(2) + absl::Minutes(30));
  for (const char* bad : {"3", "-1h", "0m", "three hours", "inf"}) {
    auto parsed = ParseDurationFlag("--duration", bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(FormatDurationShort(absl::Hours(3)), "3h");
  EXPECT_EQ(FormatDurationShort(absl::Minutes(150)), "2h30m");
  EXPECT_EQ(FormatDurationShort(absl::Minutes(45)), "45m");
}

// ---- Enums

TEST(FormatTest, EnumShortNamesDropThePrefix) {
  EXPECT_EQ(ShortName(v1::CASE_TYPE_RPD_CLAIM), "rpd-claim");
  EXPECT_EQ(ShortName(v1::PROVINCE_QC), "qc");
  EXPECT_EQ(ShortName(v1::EVENT_TYPE_BOC_FILED), "boc-filed");
  EXPECT_EQ(ShortName(v1::RECEIPT_MANNER_MAIL), "mail");
  EXPECT_EQ(ShortName(v1::DOCUMENT_TYPE_BOC_FORM), "boc-form");
  EXPECT_EQ(ShortName(v1::HEARING_KIND_MERITS), "merits");
  EXPECT_EQ(ShortName(v1::OtherName::KIND_ALIAS), "alias");
  EXPECT_EQ(ShortName(v1::Postponement::REQUESTER_CLAIMANT), "claimant");
  EXPECT_EQ(ShortName(v1::TEAM_ROLE_LEAD_LAWYER), "lead-lawyer");
  EXPECT_EQ(ShortName(static_cast<v1::CaseType>(99)), "?99");
  EXPECT_EQ(ProvinceName(v1::PROVINCE_QC), "QC");
}

TEST(FormatTest, ParseEnumIgnoresCaseAndUnderscores) {
  EXPECT_EQ(*ParseEnum<v1::CaseType>("--type", "rpd-claim"),
            v1::CASE_TYPE_RPD_CLAIM);
  EXPECT_EQ(*ParseEnum<v1::CaseType>("--type", "RPD_CLAIM"),
            v1::CASE_TYPE_RPD_CLAIM);
  EXPECT_EQ(*ParseEnum<v1::CaseType>("--type", "CASE_TYPE_RAD_APPEAL"),
            v1::CASE_TYPE_RAD_APPEAL);
  EXPECT_EQ(*ParseEnum<v1::Province>("--province", "QC"), v1::PROVINCE_QC);
  EXPECT_EQ(*ParseEnum<v1::EntryMode>("--entry-mode", "irregular-crossing"),
            v1::ENTRY_MODE_IRREGULAR_CROSSING);
}

TEST(FormatTest, ParseEnumRefusesUnspecifiedAndUnknownListingChoices) {
  auto unspecified = ParseEnum<v1::CaseType>("--type", "unspecified");
  EXPECT_EQ(unspecified.status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = ParseEnum<v1::CaseType>("--type", "asylum");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("--type must be one of rpd-claim, rad-appeal, "
                        "federal-court-jr, prra, humanitarian, "
                        "detention-review (got \"asylum\")"));
  EXPECT_EQ(Choices<v1::Sex>(), "female, male, x, not-stated");
}

// ---- Resource names

TEST(FormatTest, ResourceNamesAcceptIdsAndFullNames) {
  EXPECT_EQ(*ResourceName("cases", "CASE", "abc"), "cases/abc");
  EXPECT_EQ(*ResourceName("cases", "CASE", "cases/abc"), "cases/abc");
  EXPECT_EQ(*ResourceName("cases", "NAME", "abc/deadlines/d1"),
            "cases/abc/deadlines/d1");
  EXPECT_EQ(*ResourceName("cases", "NAME", "cases/abc/documents/x"),
            "cases/abc/documents/x");
  EXPECT_EQ(*ResourceName("users", "--lead", "lena"), "users/lena");
  EXPECT_EQ(*ResourceName("conflictChecks", "--conflict-check", "c9"),
            "conflictChecks/c9");
  for (const char* bad :
       {"", "cases/", "a b", "clients/x", "abc/", "abc//x", "users/lena"}) {
    auto parsed = ResourceName("cases", "CASE", bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("CASE must name a cases"))
        << bad;
  }
}

// ---- People

TEST(FormatTest, PersonNamesFollowFamilyCommaGiven) {
  auto both = ParsePersonName("--person", " Tesfay ,  Amina ");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->family_name(), "Tesfay");
  EXPECT_EQ(both->given_names(), "Amina");

  auto given_only = ParsePersonName("--person", ", Amina");
  ASSERT_TRUE(given_only.ok());
  EXPECT_EQ(given_only->family_name(), "");
  EXPECT_EQ(given_only->given_names(), "Amina");

  // One Latin name is a family name (IRCC's convention for single names).
  auto single = ParsePersonName("--person", "Madonna");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->family_name(), "Madonna");
  // A name in another script is kept as the original-script name.
  auto original = ParsePersonName("--person", "محمد عبد الرحمن");
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(original->original_script(), "محمد عبد الرحمن");
  EXPECT_EQ(original->family_name(), "");

  EXPECT_FALSE(ParsePersonName("--person", " , ").ok());
  EXPECT_FALSE(ParsePersonName("--person", "").ok());
}

TEST(FormatTest, FormatPersonNameShowsBothScripts) {
  v1::PersonName name;
  name.set_given_names("Amina");
  name.set_family_name("Tesfay");
  EXPECT_EQ(FormatPersonName(name), "Amina TESFAY");
  name.set_original_script("ኣሚና ተስፋይ");
  EXPECT_EQ(FormatPersonName(name), "Amina TESFAY (ኣሚና ተስፋይ)");
  v1::PersonName only_original;
  only_original.set_original_script("ኣሚና");
  EXPECT_EQ(FormatPersonName(only_original), "ኣሚና");
  EXPECT_EQ(FormatPersonName(v1::PersonName()), "-");
}

TEST(FormatTest, ConflictSubjectsCarryBirthAndCitizenship) {
  auto s = ParseSubject("--person", "Tesfay, Amina; ~1990-05; er, SD",
                        v1::PARTY_ROLE_CLIENT);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name().family_name(), "Tesfay");
  EXPECT_EQ(s->name().given_names(), "Amina");
  EXPECT_EQ(s->birth_date().year(), 1990);
  EXPECT_EQ(s->birth_date().month(), 5);
  EXPECT_TRUE(s->birth_date().approximate());
  EXPECT_THAT(s->citizenships(), ElementsAre("ER", "SD"));
  EXPECT_EQ(s->role(), v1::PARTY_ROLE_CLIENT);

  auto name_only =
      ParseSubject("--adverse", "Tesfay, Yonas", v1::PARTY_ROLE_ADVERSE);
  ASSERT_TRUE(name_only.ok());
  EXPECT_FALSE(name_only->has_birth_date());
  EXPECT_EQ(name_only->role(), v1::PARTY_ROLE_ADVERSE);

  auto bad_date = ParseSubject("--person", "A, B; 19x0", v1::PARTY_ROLE_CLIENT);
  EXPECT_THAT(bad_date.status().message(), HasSubstr("--person (birth date)"));
  auto bad_cc =
      ParseSubject("--person", "A, B; 1990; Eritrea", v1::PARTY_ROLE_CLIENT);
  EXPECT_THAT(bad_cc.status().message(), HasSubstr("--person (citizenship)"));
  EXPECT_FALSE(
      ParseSubject("--person", "A; 1990; ER; extra", v1::PARTY_ROLE_CLIENT)
          .ok());
}

TEST(FormatTest, CountryCodesAndLanguages) {
  EXPECT_EQ(*ParseCountryCode("--citizenship", " er "), "ER");
  EXPECT_FALSE(ParseCountryCode("--citizenship", "ERI").ok());
  EXPECT_FALSE(ParseCountryCode("--citizenship", "E1").ok());

  auto plain = ParseLanguage("--language", "ti");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->code(), "ti");
  EXPECT_EQ(plain->dialect(), "");
  auto dialect = ParseLanguage("--language", "ar: Sudanese Arabic");
  ASSERT_TRUE(dialect.ok());
  EXPECT_EQ(dialect->code(), "ar");
  EXPECT_EQ(dialect->dialect(), "Sudanese Arabic");
  EXPECT_EQ(FormatLanguage(*dialect), "ar (Sudanese Arabic)");
  EXPECT_EQ(FormatLanguage(*plain), "ti");
  EXPECT_FALSE(ParseLanguage("--language", ":Dari").ok());
  EXPECT_FALSE(ParseLanguage("--language", "ar ab").ok());
}

// ---- Documents

TEST(FormatTest, MediaTypeFromExtension) {
  EXPECT_EQ(GuessMediaType("boc.pdf"), "application/pdf");
  EXPECT_EQ(GuessMediaType("/tmp/scans/Passport.JPG"), "image/jpeg");
  EXPECT_EQ(GuessMediaType("photo.jpeg"), "image/jpeg");
  EXPECT_EQ(GuessMediaType("letter.docx"),
            "application/"
            "vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(GuessMediaType("archive.tar.gz"), "");
  EXPECT_EQ(GuessMediaType("README"), "");
  EXPECT_EQ(GuessMediaType(".pdf"), "");
  EXPECT_EQ(GuessMediaType("dir.pdf/notes"), "");
}

// ---- Rule file errors

TEST(FormatTest, RuleFileProblemsInBothForms) {
  auto words =
      ParseRuleFileProblem("line 12 column 3: offset.value is negative");
  ASSERT_TRUE(words.has_value());
  EXPECT_EQ(words->line, 12);
  EXPECT_EQ(words->column, 3);
  EXPECT_EQ(words->reason, "offset.value is negative");
  auto compact = ParseRuleFileProblem("4:17: unknown calendar \"XX\"");
  ASSERT_TRUE(compact.has_value());
  EXPECT_EQ(compact->line, 4);
  EXPECT_EQ(compact->column, 17);
  EXPECT_EQ(compact->reason, "unknown calendar \"XX\"");
  EXPECT_FALSE(ParseRuleFileProblem("the rule file has 2 errors").has_value());
  EXPECT_FALSE(ParseRuleFileProblem("line x column 3: y").has_value());
}

TEST(FormatTest, RuleFileProblemsBecomeCompilerStyleLines) {
  EXPECT_THAT(
      FormatRuleFileProblems(
          "rules.textproto",
          "the rule file has 2 errors:\nline 3 column 1: version is "
          "required\n12:5: rule \"x\" names unknown calendar \"ZZ\"\n"),
      ElementsAre("the rule file has 2 errors:",
                  "rules.textproto:3:1: version is required",
                  "rules.textproto:12:5: rule \"x\" names unknown calendar "
                  "\"ZZ\""));
}

// ---- Text

TEST(FormatTest, DetailsAlignValuesAndSkipEmptyOnes) {
  EXPECT_EQ(FormatDetails({{"Case", "cases/a"},
                           {"Status", ""},
                           {"Legal name", "Amina TESFAY"},
                           {"Steps", "one\ntwo"}}),
            "Case:        cases/a\n"
            "Legal name:  Amina TESFAY\n"
            "Steps:       one\n"
            "             two\n");
}

TEST(FormatTest, AbbreviateCountsCodePoints) {
  EXPECT_EQ(Abbreviate("short", 10), "short");
  EXPECT_EQ(Abbreviate("line one\nline two", 40), "line one line two");
  EXPECT_EQ(Abbreviate("abcdefghij", 5), "abcd…");
  EXPECT_EQ(Abbreviate("ኣሚና ተስፋይ", 4), "ኣሚና…");
}

}  // namespace
}  // namespace cli
}  // namespace clinic
