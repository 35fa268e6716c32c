#include "services/intake/intake_validation.h"

#include <algorithm>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "services/common/validation.h"

namespace clinic {
namespace intake {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", what));
}

std::string Field(absl::string_view parent, absl::string_view child) {
  return parent.empty() ? std::string(child) : absl::StrCat(parent, ".", child);
}

bool Wants(const std::vector<std::string>& fields, absl::string_view name) {
  return fields.empty() ||
         std::find(fields.begin(), fields.end(), name) != fields.end();
}

// Trims surrounding spaces: names typed by people often carry them.
void Trim(std::string* s) { *s = std::string(absl::StripAsciiWhitespace(*s)); }

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

absl::Status ValidateLanguage(absl::string_view field, v1::Language* language) {
  Trim(language->mutable_code());
  const std::string& code = language->code();
  // BCP 47, simplified: a 2-3 letter primary tag, then subtags of 2-8
  // letters/digits.
  std::vector<std::string> parts = absl::StrSplit(code, '-');
  bool ok = code.size() <= 35 && !parts.empty() && parts[0].size() >= 2 &&
            parts[0].size() <= 3;
  for (size_t i = 0; ok && i < parts.size(); ++i) {
    ok = parts[i].size() >= (i == 0 ? 2 : 1) && parts[i].size() <= 8;
    for (char c : parts[i]) {
      ok = ok && (i == 0 ? absl::ascii_isalpha(static_cast<unsigned char>(c))
                         : absl::ascii_isalnum(static_cast<unsigned char>(c)));
    }
  }
  if (!ok) {
    return Invalid(Field(field, "code"),
                   "must be a language tag such as \"ar\", \"ti\", \"fa-AF\" "
                   "or \"es-MX\"");
  }
  std::string lower = absl::AsciiStrToLower(parts[0]);
  language->set_code(absl::StrCat(lower, code.substr(parts[0].size())));
  return ValidateText(Field(field, "dialect"), language->dialect(), 0, 100);
}

absl::Status ValidateCountries(
    absl::string_view field,
    google::protobuf::RepeatedPtrField<std::string>* codes, int max) {
  if (codes->size() > max)
    return Invalid(field, absl::StrCat("may list at most ", max));
  std::set<std::string> seen;
  for (std::string& code : *codes) {
    code = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(code));
    if (!IsCountryCode(code)) {
      return Invalid(
          field,
          "must hold ISO 3166-1 two-letter country codes such as \"ER\"");
    }
    if (!seen.insert(code).second)
      return Invalid(field, "lists a country twice");
  }
  return absl::OkStatus();
}

absl::Status ValidatePhone(absl::string_view field, std::string* phone) {
  std::string compact;
  for (char c : *phone) {
    if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.')
      compact.push_back(c);
  }
  if (compact.size() < 8 || compact.size() > 16 || compact[0] != '+' ||
      compact[1] == '0' || !AllDigits(absl::string_view(compact).substr(1))) {
    return Invalid(field,
                   "must be an international number such as +15145550123");
  }
  *phone = compact;
  return absl::OkStatus();
}

absl::Status ValidateEmail(absl::string_view field, std::string* email) {
  Trim(email);
  const std::string& e = *email;
  size_t at = e.find('@');
  bool ok = e.size() >= 3 && e.size() <= 254 && at != std::string::npos &&
            at > 0 && e.find('@', at + 1) == std::string::npos &&
            e.find('.', at) != std::string::npos && e.back() != '.' &&
            e.find(' ') == std::string::npos;
  if (!ok)
    return Invalid(field, "must be an email address such as name@example.org");
  return absl::OkStatus();
}

absl::Status ValidateAddress(absl::string_view field, v1::Address* a) {
  Trim(a->mutable_line1());
  Trim(a->mutable_line2());
  Trim(a->mutable_city());
  CLINIC_RETURN_IF_ERROR(
      ValidateText(Field(field, "line1"), a->line1(), 1, 200));
  CLINIC_RETURN_IF_ERROR(
      ValidateText(Field(field, "line2"), a->line2(), 0, 200));
  CLINIC_RETURN_IF_ERROR(ValidateText(Field(field, "city"), a->city(), 1, 100));
  CLINIC_RETURN_IF_ERROR(ValidateEnum(Field(field, "province"), a->province(),
                                      v1::Province_IsValid, true));
  CLINIC_ASSIGN_OR_RETURN(
      std::string postal,
      NormalizePostalCode(Field(field, "postal_code"), a->postal_code()));
  a->set_postal_code(postal);
  return absl::OkStatus();
}

absl::Status ValidateArrival(absl::string_view field, v1::Arrival* a,
                             absl::CivilDay today) {
  CLINIC_RETURN_IF_ERROR(ValidateEnum(Field(field, "mode"), a->mode(),
                                      v1::EntryMode_IsValid, true));
  Trim(a->mutable_place());
  CLINIC_RETURN_IF_ERROR(
      ValidateText(Field(field, "place"), a->place(), 0, 200));
  if (a->has_entry_date()) {
    CLINIC_RETURN_IF_ERROR(
        ValidateDate(Field(field, "entry_date"), a->entry_date()));
    if (ToCivilDay(a->entry_date()) > today) {
      return Invalid(Field(field, "entry_date"), "is in the future");
    }
  }
  if (a->has_claim_date()) {
    CLINIC_RETURN_IF_ERROR(
        ValidateDate(Field(field, "claim_date"), a->claim_date()));
    if (ToCivilDay(a->claim_date()) > today) {
      return Invalid(Field(field, "claim_date"), "is in the future");
    }
    if (a->has_entry_date() &&
        ToCivilDay(a->claim_date()) < ToCivilDay(a->entry_date())) {
      return Invalid(Field(field, "claim_date"), "is before the entry date");
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsCountryCode(absl::string_view code) {
  static const auto* const codes = new absl::flat_hash_set<std::string>{
      "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
      "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
      "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
      "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
      "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
      "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
      "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
      "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
      "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
      "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
      "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
      "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
      "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
      "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
      "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
      "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
      "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
      "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
      "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
      "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
      "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW", "XK"};
  return codes->contains(code);
}

absl::StatusOr<std::string> NormalizeUci(absl::string_view field,
                                         absl::string_view uci) {
  std::string digits;
  for (char c : uci) {
    if (c != '-') digits.push_back(c);
  }
  bool hyphens_ok = uci.find('-') == absl::string_view::npos ||
                    (uci.size() == 9 && uci[4] == '-') ||
                    (uci.size() == 12 && uci[2] == '-' && uci[7] == '-');
  if (!AllDigits(digits) || !hyphens_ok ||
      (digits.size() != 8 && digits.size() != 10)) {
    return Invalid(
        field,
        "must be an IRCC client identifier: 8 digits (0000-0000) or 10 digits "
        "(00-0000-0000)");
  }
  if (digits.size() == 8)
    return absl::StrCat(digits.substr(0, 4), "-", digits.substr(4));
  return absl::StrCat(digits.substr(0, 2), "-", digits.substr(2, 4), "-",
                      digits.substr(6));
}

absl::StatusOr<std::string> NormalizeIrbFileNumber(absl::string_view field,
                                                   absl::string_view number) {
  std::string n = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(number));
  bool ok = n.size() == 9 &&
            absl::ascii_isalpha(static_cast<unsigned char>(n[0])) &&
            absl::ascii_isalpha(static_cast<unsigned char>(n[1])) &&
            absl::ascii_isdigit(static_cast<unsigned char>(n[2])) &&
            n[3] == '-' && AllDigits(absl::string_view(n).substr(4));
  if (!ok)
    return Invalid(field, "must be an IRB file number such as \"MB4-01234\"");
  return n;
}

absl::StatusOr<std::string> NormalizePostalCode(absl::string_view field,
                                                absl::string_view code) {
  std::string c;
  for (char ch : code) {
    if (ch != ' ')
      c.push_back(absl::ascii_toupper(static_cast<unsigned char>(ch)));
  }
  // Canada Post: letter digit letter digit letter digit, never D F I O Q U, no
  // W or Z first.
  auto letter = [](char ch, bool first) {
    return absl::ascii_isupper(static_cast<unsigned char>(ch)) &&
           std::string("DFIOQU").find(ch) == std::string::npos &&
           (!first || (ch != 'W' && ch != 'Z'));
  };
  auto digit = [](char ch) {
    return absl::ascii_isdigit(static_cast<unsigned char>(ch));
  };
  bool ok = c.size() == 6 && letter(c[0], true) && digit(c[1]) &&
            letter(c[2], false) && digit(c[3]) && letter(c[4], false) &&
            digit(c[5]);
  if (!ok)
    return Invalid(field, "must be a Canadian postal code such as \"H2X 1Y4\"");
  return absl::StrCat(c.substr(0, 3), " ", c.substr(3));
}

absl::Status NormalizePersonName(absl::string_view field, v1::PersonName* name,
                                 bool require_some) {
  Trim(name->mutable_given_names());
  Trim(name->mutable_family_name());
  Trim(name->mutable_original_script());
  CLINIC_RETURN_IF_ERROR(
      ValidateText(Field(field, "given_names"), name->given_names(), 0, 200));
  CLINIC_RETURN_IF_ERROR(
      ValidateText(Field(field, "family_name"), name->family_name(), 0, 200));
  CLINIC_RETURN_IF_ERROR(ValidateText(Field(field, "original_script"),
                                      name->original_script(), 0, 300));
  if (require_some && name->given_names().empty() &&
      name->family_name().empty()) {
    return Invalid(
        field,
        "needs a given name or a family name (either may be absent, not both)");
  }
  return absl::OkStatus();
}

absl::Status NormalizeClient(v1::Client* c, absl::CivilDay today,
                             const std::vector<std::string>& fields) {
  if (Wants(fields, "legal_name")) {
    CLINIC_RETURN_IF_ERROR(NormalizePersonName("client.legal_name",
                                               c->mutable_legal_name(), true));
  }
  if (Wants(fields, "other_names")) {
    if (c->other_names_size() > 20)
      return Invalid("client.other_names", "may list at most 20");
    for (int i = 0; i < c->other_names_size(); ++i) {
      std::string f = absl::StrCat("client.other_names[", i, "]");
      v1::OtherName* other = c->mutable_other_names(i);
      CLINIC_RETURN_IF_ERROR(
          NormalizePersonName(Field(f, "name"), other->mutable_name(), false));
      if (other->name().given_names().empty() &&
          other->name().family_name().empty() &&
          other->name().original_script().empty()) {
        return Invalid(Field(f, "name"), "is required");
      }
      CLINIC_RETURN_IF_ERROR(ValidateEnum(Field(f, "kind"), other->kind(),
                                          v1::OtherName::Kind_IsValid, true));
    }
  }
  if (Wants(fields, "birth_date") && c->has_birth_date()) {
    CLINIC_RETURN_IF_ERROR(
        ValidatePartialDate("client.birth_date", c->birth_date(), today));
  }
  if (Wants(fields, "sex")) {
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("client.sex", c->sex(), v1::Sex_IsValid, false));
  }
  if (Wants(fields, "gender_description")) {
    CLINIC_RETURN_IF_ERROR(ValidateText("client.gender_description",
                                        c->gender_description(), 0, 100));
  }
  if (Wants(fields, "citizenships") || Wants(fields, "stateless")) {
    CLINIC_RETURN_IF_ERROR(
        ValidateCountries("client.citizenships", c->mutable_citizenships(), 5));
    if (c->stateless() && c->citizenships_size() > 0) {
      return Invalid("client.stateless",
                     "cannot be set together with citizenships");
    }
  }
  if (Wants(fields, "languages")) {
    if (c->languages_size() > 10)
      return Invalid("client.languages", "may list at most 10");
    for (int i = 0; i < c->languages_size(); ++i) {
      CLINIC_RETURN_IF_ERROR(ValidateLanguage(
          absl::StrCat("client.languages[", i, "]"), c->mutable_languages(i)));
    }
  }
  if (Wants(fields, "interpreter_language") && c->has_interpreter_language()) {
    CLINIC_RETURN_IF_ERROR(ValidateLanguage("client.interpreter_language",
                                            c->mutable_interpreter_language()));
  }
  if (Wants(fields, "contact") && c->has_contact()) {
    v1::Contact* contact = c->mutable_contact();
    if (!contact->phone().empty()) {
      CLINIC_RETURN_IF_ERROR(
          ValidatePhone("client.contact.phone", contact->mutable_phone()));
    }
    if (!contact->email().empty()) {
      CLINIC_RETURN_IF_ERROR(
          ValidateEmail("client.contact.email", contact->mutable_email()));
    }
    if (contact->has_address()) {
      CLINIC_RETURN_IF_ERROR(ValidateAddress("client.contact.address",
                                             contact->mutable_address()));
    }
    CLINIC_RETURN_IF_ERROR(
        ValidateText("client.contact.notes", contact->notes(), 0, 500, true));
  }
  if (Wants(fields, "uci") && !c->uci().empty()) {
    CLINIC_ASSIGN_OR_RETURN(std::string uci,
                            NormalizeUci("client.uci", c->uci()));
    c->set_uci(uci);
  }
  if (Wants(fields, "irb_file_number") && !c->irb_file_number().empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        std::string n,
        NormalizeIrbFileNumber("client.irb_file_number", c->irb_file_number()));
    c->set_irb_file_number(n);
  }
  if (Wants(fields, "arrival") && c->has_arrival()) {
    CLINIC_RETURN_IF_ERROR(
        ValidateArrival("client.arrival", c->mutable_arrival(), today));
  }
  if (Wants(fields, "stca_exception")) {
    CLINIC_RETURN_IF_ERROR(ValidateEnum("client.stca_exception",
                                        c->stca_exception(),
                                        v1::StcaException_IsValid, false));
  }
  if (Wants(fields, "vulnerabilities")) {
    std::set<int> seen;
    for (int v : c->vulnerabilities()) {
      CLINIC_RETURN_IF_ERROR(ValidateEnum("client.vulnerabilities", v,
                                          v1::Vulnerability_IsValid, true));
      if (!seen.insert(v).second)
        return Invalid("client.vulnerabilities", "lists one twice");
    }
  }
  return absl::OkStatus();
}

absl::Status NormalizeRelatedParty(absl::string_view field,
                                   v1::RelatedParty* party,
                                   absl::CivilDay today) {
  CLINIC_RETURN_IF_ERROR(
      NormalizePersonName(Field(field, "name"), party->mutable_name(), false));
  if (party->name().given_names().empty() &&
      party->name().family_name().empty() &&
      party->name().original_script().empty()) {
    return Invalid(Field(field, "name"), "is required");
  }
  if (party->role() != v1::PARTY_ROLE_ADVERSE &&
      party->role() != v1::PARTY_ROLE_RELATED) {
    return Invalid(Field(field, "role"),
                   "must be PARTY_ROLE_ADVERSE or PARTY_ROLE_RELATED");
  }
  CLINIC_RETURN_IF_ERROR(ValidateText(Field(field, "relationship"),
                                      party->relationship(), 0, 200));
  if (party->has_birth_date()) {
    CLINIC_RETURN_IF_ERROR(ValidatePartialDate(Field(field, "birth_date"),
                                               party->birth_date(), today));
  }
  return ValidateCountries(Field(field, "citizenships"),
                           party->mutable_citizenships(), 5);
}

absl::Status NormalizeConflictSubject(absl::string_view field,
                                      v1::ConflictSubject* subject,
                                      absl::CivilDay today) {
  CLINIC_RETURN_IF_ERROR(NormalizePersonName(Field(field, "name"),
                                             subject->mutable_name(), false));
  if (subject->name().given_names().empty() &&
      subject->name().family_name().empty() &&
      subject->name().original_script().empty()) {
    return Invalid(Field(field, "name"), "is required");
  }
  if (subject->has_birth_date()) {
    CLINIC_RETURN_IF_ERROR(ValidatePartialDate(Field(field, "birth_date"),
                                               subject->birth_date(), today));
  }
  CLINIC_RETURN_IF_ERROR(ValidateEnum(Field(field, "role"), subject->role(),
                                      v1::PartyRole_IsValid, false));
  if (!subject->client().empty()) {
    CLINIC_RETURN_IF_ERROR(ValidateResourceName(Field(field, "client"),
                                                subject->client(), "clients"));
  }
  return ValidateCountries(Field(field, "citizenships"),
                           subject->mutable_citizenships(), 5);
}

absl::Status NormalizeCaseInput(v1::Case* c, absl::CivilDay today,
                                const std::vector<std::string>& fields) {
  if (Wants(fields, "type")) {
    CLINIC_RETURN_IF_ERROR(
        ValidateEnum("case.type", c->type(), v1::CaseType_IsValid, true));
  }
  if (Wants(fields, "principal_client")) {
    CLINIC_RETURN_IF_ERROR(ValidateResourceName(
        "case.principal_client", c->principal_client(), "clients"));
  }
  if (Wants(fields, "dependant_clients")) {
    std::set<std::string> seen;
    for (const std::string& d : c->dependant_clients()) {
      CLINIC_RETURN_IF_ERROR(
          ValidateResourceName("case.dependant_clients", d, "clients"));
      if (d == c->principal_client()) {
        return Invalid("case.dependant_clients",
                       "must not include the principal applicant");
      }
      if (!seen.insert(d).second)
        return Invalid("case.dependant_clients", "lists a client twice");
    }
    if (c->dependant_clients_size() > 30) {
      return Invalid("case.dependant_clients", "may list at most 30");
    }
  }
  if (Wants(fields, "province")) {
    CLINIC_RETURN_IF_ERROR(ValidateEnum("case.province", c->province(),
                                        v1::Province_IsValid, true));
  }
  if (Wants(fields, "irb_region")) {
    CLINIC_RETURN_IF_ERROR(ValidateEnum("case.irb_region", c->irb_region(),
                                        v1::IrbRegion_IsValid, false));
    if (c->irb_region() == v1::IRB_REGION_UNSPECIFIED) {
      c->set_irb_region(DefaultRegion(c->province()));
    }
  }
  if (Wants(fields, "legal_aid_certificate")) {
    const std::string& cert = c->legal_aid_certificate();
    bool ok = cert.size() <= 40;
    for (char ch : cert) {
      ok = ok &&
           (absl::ascii_isalnum(static_cast<unsigned char>(ch)) || ch == '-');
    }
    if (!ok) {
      return Invalid("case.legal_aid_certificate",
                     "must be up to 40 letters, digits or '-'");
    }
  }
  if (Wants(fields, "irb_file_number") && !c->irb_file_number().empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        std::string n,
        NormalizeIrbFileNumber("case.irb_file_number", c->irb_file_number()));
    c->set_irb_file_number(n);
  }
  if (Wants(fields, "related_parties")) {
    if (c->related_parties_size() > 50) {
      return Invalid("case.related_parties", "may list at most 50");
    }
    for (int i = 0; i < c->related_parties_size(); ++i) {
      CLINIC_RETURN_IF_ERROR(
          NormalizeRelatedParty(absl::StrCat("case.related_parties[", i, "]"),
                                c->mutable_related_parties(i), today));
    }
  }
  if (Wants(fields, "conditions") && c->conditions().has_referral_date()) {
    CLINIC_RETURN_IF_ERROR(ValidateDate("case.conditions.referral_date",
                                        c->conditions().referral_date()));
  }
  if (Wants(fields, "retention")) {
    CLINIC_RETURN_IF_ERROR(ValidateText("case.retention.retention_class",
                                        c->retention().retention_class(), 0,
                                        40));
    CLINIC_RETURN_IF_ERROR(ValidateText("case.retention.legal_hold_reason",
                                        c->retention().legal_hold_reason(), 0,
                                        500));
  }
  return absl::OkStatus();
}

v1::IrbRegion DefaultRegion(v1::Province province) {
  switch (province) {
    case v1::PROVINCE_QC:
    case v1::PROVINCE_NB:
    case v1::PROVINCE_NS:
    case v1::PROVINCE_PE:
    case v1::PROVINCE_NL:
      return v1::IRB_REGION_EASTERN;
    case v1::PROVINCE_ON:
      return v1::IRB_REGION_CENTRAL;
    case v1::PROVINCE_UNSPECIFIED:
      return v1::IRB_REGION_UNSPECIFIED;
    default:
      return v1::IRB_REGION_WESTERN;
  }
}

absl::Status CheckTransition(v1::CaseStatus from, v1::CaseStatus to) {
  using S = v1::CaseStatus;
  static const std::set<std::pair<int, int>> kAllowed = {
      {S::CASE_STATUS_INTAKE, S::CASE_STATUS_ACTIVE},
      {S::CASE_STATUS_INTAKE, S::CASE_STATUS_CLOSED},
      {S::CASE_STATUS_ACTIVE, S::CASE_STATUS_ON_HOLD},
      {S::CASE_STATUS_ACTIVE, S::CASE_STATUS_AWAITING_DECISION},
      {S::CASE_STATUS_ACTIVE, S::CASE_STATUS_CLOSED},
      {S::CASE_STATUS_ON_HOLD, S::CASE_STATUS_ACTIVE},
      {S::CASE_STATUS_ON_HOLD, S::CASE_STATUS_CLOSED},
      {S::CASE_STATUS_AWAITING_DECISION, S::CASE_STATUS_ACTIVE},
      {S::CASE_STATUS_AWAITING_DECISION, S::CASE_STATUS_DECIDED},
      {S::CASE_STATUS_DECIDED, S::CASE_STATUS_ACTIVE},
      {S::CASE_STATUS_DECIDED, S::CASE_STATUS_CLOSED},
      {S::CASE_STATUS_CLOSED, S::CASE_STATUS_ACTIVE},
  };
  if (kAllowed.count({from, to})) return absl::OkStatus();
  auto name = [](S s) {
    std::string n = v1::CaseStatus_Name(s);
    return absl::AsciiStrToLower(absl::StripPrefix(n, "CASE_STATUS_"));
  };
  return absl::FailedPreconditionError(
      absl::StrCat("a case cannot go from ", name(from), " to ", name(to),
                   "; allowed: intake->active|closed, "
                   "active->on_hold|awaiting_decision|closed, "
                   "on_hold->active|closed, awaiting_decision->active|decided, "
                   "decided->active|closed, "
                   "closed->active (reopen)"));
}

}  // namespace intake
}  // namespace clinic
