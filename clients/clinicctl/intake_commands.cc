// clinicctl client | case | family | conflict-check: the people the clinic
// acts for, their cases and case teams, and conflict-of-interest checks
// (IntakeService).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "clients/clinicctl/call.h"
#include "clients/clinicctl/commands.h"
#include "clients/clinicctl/format.h"
#include "clinic/v1/intake.grpc.pb.h"

namespace clinic {
namespace cli {
namespace {

constexpr absl::string_view kFeature = "client and case records";

using Stub = v1::IntakeService::Stub;

absl::Status Call(const grpc::Status& status) {
  return CallStatus(status, kFeature);
}

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return absl::StrJoin(items, ", ");
}

// ---- Clients
// -----------------------------------------------------------------

// The client fields a person can type; shared by `client create` and
// `client update`.
struct ClientFlags {
  std::string given, family, original_script;
  std::vector<std::string> aliases, former_names, spellings;
  std::string birth, sex, gender;
  std::vector<std::string> citizenships;
  bool stateless = false;
  std::vector<std::string> languages;
  std::string interpreter;
  std::string phone, email, street, street2, city, province, postal_code,
      contact_notes;
  std::string uci, irb_file;
  std::string entry_date, entry_mode, entry_place, claim_date;
  std::string stca_exception;
  std::vector<std::string> vulnerabilities;
};

void AddClientFlags(CLI::App* cmd, ClientFlags& f) {
  const std::string names = "Names";
  cmd->add_option("--given", f.given, "Given names, Latin script")
      ->group(names);
  cmd->add_option("--family", f.family, "Family name, Latin script")
      ->group(names);
  cmd->add_option("--original-script", f.original_script,
                  "The whole name as the person writes it (Arabic, Ge'ez, "
                  "Persian, Cyrillic, ...)")
      ->group(names);
  cmd->add_option("--alias", f.aliases,
                  "An alias or nickname, \"FAMILY, Given\" (repeatable)")
      ->allow_extra_args(false)
      ->group(names);
  cmd->add_option("--former-name", f.former_names,
                  "A former name, \"FAMILY, Given\" (repeatable)")
      ->allow_extra_args(false)
      ->group(names);
  cmd->add_option("--spelling", f.spellings,
                  "Another Latin spelling found in documents (repeatable)")
      ->allow_extra_args(false)
      ->group(names);

  const std::string person = "Person";
  cmd->add_option("--born", f.birth,
                  "Date of birth: 1990, 1990-05 or 1990-05-17; \"~1990\" if "
                  "approximate")
      ->group(person);
  cmd->add_option("--sex", f.sex, "One of " + Choices<v1::Sex>())
      ->group(person);
  cmd->add_option("--gender", f.gender, "Gender in the person's own words")
      ->group(person);
  cmd->add_option("--citizenship", f.citizenships,
                  "ISO country code, e.g. ER (repeatable or comma-separated)")
      ->allow_extra_args(false)
      ->delimiter(',')
      ->group(person);
  cmd->add_flag("--stateless", f.stateless, "The person is stateless")
      ->group(person);
  cmd->add_option("--language", f.languages,
                  "Language spoken, most fluent first: \"ti\" or \"ar:Sudanese "
                  "Arabic\" (repeatable)")
      ->allow_extra_args(false)
      ->group(person);
  cmd->add_option("--interpreter", f.interpreter,
                  "Interpreter language[:dialect] for hearings and meetings")
      ->group(person);
  cmd->add_option("--vulnerability", f.vulnerabilities,
                  "One of " + Choices<v1::Vulnerability>() +
                      " (repeatable or comma-separated)")
      ->allow_extra_args(false)
      ->delimiter(',')
      ->group(person);

  const std::string contact = "Contact in Canada";
  cmd->add_option("--phone", f.phone, "E.164, e.g. +15145550123")
      ->group(contact);
  cmd->add_option("--email", f.email, "Email address")->group(contact);
  cmd->add_option("--street", f.street, "Address line 1")->group(contact);
  cmd->add_option("--street2", f.street2, "Address line 2")->group(contact);
  cmd->add_option("--city", f.city, "City")->group(contact);
  cmd->add_option("--province", f.province, "Province of the address, e.g. QC")
      ->group(contact);
  cmd->add_option("--postal-code", f.postal_code, "e.g. H2X 1Y4")
      ->group(contact);
  cmd->add_option("--contact-notes", f.contact_notes,
                  "e.g. \"call via the shelter front desk\"")
      ->group(contact);

  const std::string files = "Files and arrival";
  cmd->add_option("--uci", f.uci,
                  "IRCC Unique Client Identifier, 0000-0000 or 00-0000-0000")
      ->group(files);
  cmd->add_option("--irb-file", f.irb_file, "IRB file number, e.g. MB4-01234")
      ->group(files);
  cmd->add_option("--entry-date", f.entry_date, "Date of entry into Canada")
      ->group(files);
  cmd->add_option("--entry-mode", f.entry_mode,
                  "One of " + Choices<v1::EntryMode>())
      ->group(files);
  cmd->add_option("--entry-place", f.entry_place,
                  "Port or place, e.g. Lacolle, YUL")
      ->group(files);
  cmd->add_option("--claim-date", f.claim_date,
                  "Date the refugee claim was made")
      ->group(files);
  cmd->add_option("--stca-exception", f.stca_exception,
                  "Safe Third Country Agreement exception: one of " +
                      Choices<v1::StcaException>())
      ->group(files);
}

// Applies the flags given on the command line to `client`, and names the
// top-level fields they touched (the update mask). Lists are replaced as a
// whole.
absl::Status ApplyClientFlags(const CLI::App& cmd, const ClientFlags& f,
                              v1::Client* client,
                              std::set<std::string>* touched) {
  auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--given") || given("--family") || given("--original-script")) {
    touched->insert("legal_name");
    v1::PersonName* name = client->mutable_legal_name();
    if (given("--given")) name->set_given_names(f.given);
    if (given("--family")) name->set_family_name(f.family);
    if (given("--original-script"))
      name->set_original_script(f.original_script);
  }
  if (given("--alias") || given("--former-name") || given("--spelling")) {
    touched->insert("other_names");
    client->clear_other_names();
    auto add = [&](const std::vector<std::string>& list, const char* flag,
                   v1::OtherName::Kind kind) -> absl::Status {
      for (const std::string& text : list) {
        CLINIC_ASSIGN_OR_RETURN(v1::PersonName name,
                                ParsePersonName(flag, text));
        v1::OtherName* other = client->add_other_names();
        *other->mutable_name() = name;
        other->set_kind(kind);
      }
      return absl::OkStatus();
    };
    CLINIC_RETURN_IF_ERROR(
        add(f.aliases, "--alias", v1::OtherName::KIND_ALIAS));
    CLINIC_RETURN_IF_ERROR(
        add(f.former_names, "--former-name", v1::OtherName::KIND_FORMER));
    CLINIC_RETURN_IF_ERROR(
        add(f.spellings, "--spelling", v1::OtherName::KIND_SPELLING));
  }
  if (given("--born")) {
    touched->insert("birth_date");
    CLINIC_ASSIGN_OR_RETURN(*client->mutable_birth_date(),
                            ParsePartialDate("--born", f.birth));
  }
  if (given("--sex")) {
    touched->insert("sex");
    CLINIC_ASSIGN_OR_RETURN(v1::Sex sex, ParseEnum<v1::Sex>("--sex", f.sex));
    client->set_sex(sex);
  }
  if (given("--gender")) {
    touched->insert("gender_description");
    client->set_gender_description(f.gender);
  }
  if (given("--citizenship")) {
    touched->insert("citizenships");
    client->clear_citizenships();
    for (const std::string& code : f.citizenships) {
      CLINIC_ASSIGN_OR_RETURN(std::string cc,
                              ParseCountryCode("--citizenship", code));
      client->add_citizenships(cc);
    }
  }
  if (given("--stateless")) {
    touched->insert("stateless");
    client->set_stateless(f.stateless);
  }
  if (given("--language")) {
    touched->insert("languages");
    client->clear_languages();
    for (const std::string& text : f.languages) {
      CLINIC_ASSIGN_OR_RETURN(*client->add_languages(),
                              ParseLanguage("--language", text));
    }
  }
  if (given("--interpreter")) {
    touched->insert("interpreter_language");
    CLINIC_ASSIGN_OR_RETURN(*client->mutable_interpreter_language(),
                            ParseLanguage("--interpreter", f.interpreter));
  }
  if (given("--vulnerability")) {
    touched->insert("vulnerabilities");
    client->clear_vulnerabilities();
    for (const std::string& text : f.vulnerabilities) {
      CLINIC_ASSIGN_OR_RETURN(
          v1::Vulnerability v,
          ParseEnum<v1::Vulnerability>("--vulnerability", text));
      client->add_vulnerabilities(v);
    }
  }
  for (const char* flag :
       {"--phone", "--email", "--street", "--street2", "--city", "--province",
        "--postal-code", "--contact-notes"}) {
    if (given(flag)) touched->insert("contact");
  }
  v1::Contact* contact = client->mutable_contact();
  if (given("--phone")) contact->set_phone(f.phone);
  if (given("--email")) contact->set_email(f.email);
  if (given("--contact-notes")) contact->set_notes(f.contact_notes);
  if (given("--street")) contact->mutable_address()->set_line1(f.street);
  if (given("--street2")) contact->mutable_address()->set_line2(f.street2);
  if (given("--city")) contact->mutable_address()->set_city(f.city);
  if (given("--postal-code")) {
    contact->mutable_address()->set_postal_code(f.postal_code);
  }
  if (given("--province")) {
    CLINIC_ASSIGN_OR_RETURN(v1::Province p,
                            ParseEnum<v1::Province>("--province", f.province));
    contact->mutable_address()->set_province(p);
  }
  if (!touched->count("contact") && contact->ByteSizeLong() == 0) {
    client->clear_contact();
  }
  if (given("--uci")) {
    touched->insert("uci");
    client->set_uci(f.uci);
  }
  if (given("--irb-file")) {
    touched->insert("irb_file_number");
    client->set_irb_file_number(f.irb_file);
  }
  if (given("--entry-date") || given("--entry-mode") ||
      given("--entry-place") || given("--claim-date")) {
    touched->insert("arrival");
    v1::Arrival* arrival = client->mutable_arrival();
    if (given("--entry-date")) {
      CLINIC_ASSIGN_OR_RETURN(*arrival->mutable_entry_date(),
                              ParseDate("--entry-date", f.entry_date));
    }
    if (given("--claim-date")) {
      CLINIC_ASSIGN_OR_RETURN(*arrival->mutable_claim_date(),
                              ParseDate("--claim-date", f.claim_date));
    }
    if (given("--entry-mode")) {
      CLINIC_ASSIGN_OR_RETURN(
          v1::EntryMode mode,
          ParseEnum<v1::EntryMode>("--entry-mode", f.entry_mode));
      arrival->set_mode(mode);
    }
    if (given("--entry-place")) arrival->set_place(f.entry_place);
  }
  if (given("--stca-exception")) {
    touched->insert("stca_exception");
    CLINIC_ASSIGN_OR_RETURN(
        v1::StcaException e,
        ParseEnum<v1::StcaException>("--stca-exception", f.stca_exception));
    client->set_stca_exception(e);
  }
  return absl::OkStatus();
}

std::string Citizenship(const v1::Client& c) {
  if (c.stateless()) return "stateless";
  return c.citizenships().empty() ? "-" : Join(c.citizenships());
}

void PrintClient(const v1::Client& c) {
  std::vector<std::string> others, languages, vulnerabilities, family;
  for (const v1::OtherName& o : c.other_names()) {
    others.push_back(absl::StrCat(FormatPersonName(o.name()), " (",
                                  ShortName(o.kind()), ")"));
  }
  for (const v1::Language& l : c.languages()) {
    languages.push_back(FormatLanguage(l));
  }
  for (int v : c.vulnerabilities()) {
    vulnerabilities.push_back(ShortName(static_cast<v1::Vulnerability>(v)));
  }
  for (const v1::FamilyLink& link : c.family_links()) {
    family.push_back(
        absl::StrCat(link.client(), " (", ShortName(link.relationship()), ")"));
  }
  std::string address;
  if (c.contact().has_address()) {
    const v1::Address& a = c.contact().address();
    address = absl::StrCat(a.line1(), a.line2().empty() ? "" : ", ", a.line2(),
                           ", ", a.city(), " ", ProvinceName(a.province()), " ",
                           a.postal_code());
  }
  std::string arrival;
  if (c.has_arrival()) {
    const v1::Arrival& a = c.arrival();
    arrival = absl::StrCat(ShortName(a.mode()), a.place().empty() ? "" : " at ",
                           a.place());
    if (a.has_entry_date()) {
      absl::StrAppend(&arrival, " on ", FormatDate(a.entry_date()));
    }
    if (a.has_claim_date()) {
      absl::StrAppend(&arrival, "; claim made ", FormatDate(a.claim_date()));
    }
  }
  const absl::TimeZone local = absl::LocalTimeZone();
  std::printf(
      "%s",
      FormatDetails(
          {{"Client", c.name()},
           {"Legal name", FormatPersonName(c.legal_name())},
           {"Other names", absl::StrJoin(others, "\n")},
           {"Born", FormatPartialDate(c.birth_date())},
           {"Sex", c.sex() == v1::SEX_UNSPECIFIED ? "" : ShortName(c.sex())},
           {"Gender", c.gender_description()},
           {"Citizenship", Citizenship(c)},
           {"Languages", absl::StrJoin(languages, ", ")},
           {"Interpreter", FormatLanguage(c.interpreter_language())},
           {"Phone", c.contact().phone()},
           {"Email", c.contact().email()},
           {"Address", address},
           {"Contact notes", c.contact().notes()},
           {"UCI", c.uci()},
           {"IRB file", c.irb_file_number()},
           {"Arrival", arrival},
           {"STCA exception",
            c.stca_exception() == 0 ? "" : ShortName(c.stca_exception())},
           {"Vulnerabilities", absl::StrJoin(vulnerabilities, ", ")},
           {"Family", absl::StrJoin(family, "\n")},
           {"Created", FormatTimestamp(c.create_time(), local)},
           {"Updated", FormatTimestamp(c.update_time(), local)}})
          .c_str());
}

void PrintClients(const std::vector<v1::Client>& clients) {
  Table table({"CLIENT", "NAME", "BORN", "CITIZENSHIP", "UCI", "CREATED"});
  for (const v1::Client& c : clients) {
    table.AddRow({c.name(), Abbreviate(FormatPersonName(c.legal_name()), 50),
                  FormatPartialDate(c.birth_date()), Citizenship(c),
                  c.uci().empty() ? "-" : c.uci(),
                  FormatTimestamp(c.create_time(), absl::LocalTimeZone())});
  }
  table.Print();
}

absl::StatusOr<v1::Client> GetClient(ClinicClient& client,
                                     const std::string& name) {
  Stub stub(client.ChannelFor("intake"));
  v1::GetClientRequest request;
  request.set_name(name);
  v1::Client out;
  auto call = client.NewContext();
  CLINIC_RETURN_IF_ERROR(Call(stub.GetClient(call.get(), request, &out)));
  return out;
}

struct CreateClientArgs {
  ClientFlags flags;
  std::string request_id;
};

int CreateClient(CommandContext& ctx, const CLI::App& cmd,
                 const CreateClientArgs& args) {
  v1::CreateClientRequest request;
  std::set<std::string> touched;
  absl::Status parsed =
      ApplyClientFlags(cmd, args.flags, request.mutable_client(), &touched);
  if (!parsed.ok()) return UsageError(parsed);
  if (cmd.count("--given") == 0 && cmd.count("--family") == 0) {
    return UsageError(
        absl::InvalidArgumentError("give at least one of --given, --family"));
  }
  request.set_request_id(args.request_id);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("intake"));
    v1::Client created;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.CreateClient(call.get(), request, &created)));
    if (ctx.options().json) {
      ctx.PrintJson(created);
    } else {
      std::printf("Created %s (%s).\n", created.name().c_str(),
                  FormatPersonName(created.legal_name()).c_str());
      std::printf("Next: clinicctl conflict-check --client %s\n",
                  created.name().c_str());
    }
    return absl::OkStatus();
  });
}

struct UpdateClientArgs {
  std::string name;
  ClientFlags flags;
};

int UpdateClient(CommandContext& ctx, const CLI::App& cmd,
                 const UpdateClientArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("clients", "CLIENT", args.name);
  if (!name.ok()) return UsageError(name.status());
  // Parse once up front, so a typing mistake is reported before any call.
  {
    v1::Client scratch;
    std::set<std::string> touched;
    absl::Status parsed = ApplyClientFlags(cmd, args.flags, &scratch, &touched);
    if (!parsed.ok()) return UsageError(parsed);
    if (touched.empty()) {
      return UsageError(
          absl::InvalidArgumentError("give at least one field to change"));
    }
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    // The current record (and its etag): only the named fields change, and a
    // change someone else made meanwhile is refused rather than overwritten.
    CLINIC_ASSIGN_OR_RETURN(v1::Client current, GetClient(client, *name));
    v1::UpdateClientRequest request;
    *request.mutable_client() = current;
    std::set<std::string> touched;
    CLINIC_RETURN_IF_ERROR(
        ApplyClientFlags(cmd, args.flags, request.mutable_client(), &touched));
    for (const std::string& field : touched) request.add_update_mask(field);
    Stub stub(client.ChannelFor("intake"));
    v1::Client updated;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.UpdateClient(call.get(), request, &updated)));
    if (ctx.options().json) {
      ctx.PrintJson(updated);
    } else {
      std::printf("Updated %s: %s.\n", updated.name().c_str(),
                  absl::StrJoin(touched, ", ").c_str());
    }
    return absl::OkStatus();
  });
}

int ShowClient(CommandContext& ctx, const std::string& text) {
  absl::StatusOr<std::string> name = ResourceName("clients", "CLIENT", text);
  if (!name.ok()) return UsageError(name.status());
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Client c, GetClient(client, *name));
    if (ctx.options().json) {
      ctx.PrintJson(c);
    } else {
      PrintClient(c);
    }
    return absl::OkStatus();
  });
}

int ListClients(CommandContext& ctx, int limit) {
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("intake"));
    v1::ListClientsResponse all;
    v1::ListClientsRequest request;
    request.set_page_size(limit > 0 ? std::min(limit, 200) : 200);
    CLINIC_RETURN_IF_ERROR(
        (FetchAllPages<v1::ListClientsRequest, v1::ListClientsResponse>(
            request,
            [&](const v1::ListClientsRequest& r, v1::ListClientsResponse* out) {
              auto call = client.NewContext();
              return Call(stub.ListClients(call.get(), r, out));
            },
            [&](const v1::ListClientsResponse& page) {
              for (const v1::Client& c : page.clients()) {
                if (limit <= 0 || all.clients_size() < limit) {
                  *all.add_clients() = c;
                }
              }
            },
            [](const v1::ListClientsResponse& page) {
              return page.clients_size();
            },
            limit)));
    if (ctx.options().json) {
      ctx.PrintJson(all);
    } else {
      PrintClients({all.clients().begin(), all.clients().end()});
    }
    return absl::OkStatus();
  });
}

struct SearchArgs {
  std::string query, birth, citizenship;
  double min_score = 0;
  int limit = 0;
};

int SearchClients(CommandContext& ctx, const SearchArgs& args) {
  v1::SearchClientsRequest request;
  request.set_query(args.query);
  if (!args.birth.empty()) {
    absl::StatusOr<v1::PartialDate> born =
        ParsePartialDate("--born", args.birth);
    if (!born.ok()) return UsageError(born.status());
    *request.mutable_birth_date() = *born;
  }
  if (!args.citizenship.empty()) {
    absl::StatusOr<std::string> cc =
        ParseCountryCode("--citizenship", args.citizenship);
    if (!cc.ok()) return UsageError(cc.status());
    request.set_citizenship(*cc);
  }
  if (args.min_score < 0 || args.min_score > 1) {
    return UsageError(
        absl::InvalidArgumentError("--min-score must be between 0 and 1"));
  }
  request.set_min_score(args.min_score);
  request.set_page_size(args.limit);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("intake"));
    v1::SearchClientsResponse response;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.SearchClients(call.get(), request, &response)));
    if (ctx.options().json) {
      ctx.PrintJson(response);
      return absl::OkStatus();
    }
    if (response.results().empty()) {
      std::printf("No one matches \"%s\".\n", args.query.c_str());
      return absl::OkStatus();
    }
    Table table({"SCORE", "CLIENT", "NAME", "BORN", "CITIZENSHIP", "WHY"});
    for (const v1::ClientMatch& m : response.results()) {
      table.AddRow({absl::StrFormat("%.2f", m.score()), m.client().name(),
                    Abbreviate(FormatPersonName(m.client().legal_name()), 40),
                    FormatPartialDate(m.client().birth_date()),
                    Citizenship(m.client()),
                    Abbreviate(absl::StrJoin(m.reasons(), "; "), 80)});
    }
    table.Print();
    return absl::OkStatus();
  });
}

// ---- Family links
// ------------------------------------------------------------

struct FamilyArgs {
  std::string client, other, relationship;
};

int LinkFamily(CommandContext& ctx, const FamilyArgs& args, bool link) {
  absl::StatusOr<std::string> name =
      ResourceName("clients", "CLIENT", args.client);
  if (!name.ok()) return UsageError(name.status());
  absl::StatusOr<std::string> other =
      ResourceName("clients", "OTHER", args.other);
  if (!other.ok()) return UsageError(other.status());
  v1::Relationship relationship = v1::RELATIONSHIP_UNSPECIFIED;
  if (link) {
    absl::StatusOr<v1::Relationship> parsed =
        ParseEnum<v1::Relationship>("--as", args.relationship);
    if (!parsed.ok()) return UsageError(parsed.status());
    relationship = *parsed;
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Client current, GetClient(client, *name));
    Stub stub(client.ChannelFor("intake"));
    v1::Client updated;
    auto call = client.NewContext();
    if (link) {
      v1::AddFamilyLinkRequest request;
      request.set_client(*name);
      request.set_etag(current.etag());
      request.mutable_link()->set_client(*other);
      request.mutable_link()->set_relationship(relationship);
      CLINIC_RETURN_IF_ERROR(
          Call(stub.AddFamilyLink(call.get(), request, &updated)));
    } else {
      v1::RemoveFamilyLinkRequest request;
      request.set_client(*name);
      request.set_etag(current.etag());
      request.set_linked_client(*other);
      CLINIC_RETURN_IF_ERROR(
          Call(stub.RemoveFamilyLink(call.get(), request, &updated)));
    }
    if (ctx.options().json) {
      ctx.PrintJson(updated);
    } else if (link) {
      std::printf(
          "Linked: %s is the %s of %s (the inverse link is recorded "
          "too).\n",
          other->c_str(), ShortName(relationship).c_str(), name->c_str());
    } else {
      std::printf("Unlinked %s and %s.\n", name->c_str(), other->c_str());
    }
    return absl::OkStatus();
  });
}

// ---- Conflict checks
// ---------------------------------------------------------

struct ConflictArgs {
  std::vector<std::string> clients, people, adverse, related;
  std::string case_name;
  double min_score = 0;
};

void PrintConflictCheck(const v1::ConflictCheck& check) {
  const bool clear = check.outcome() == v1::ConflictCheck::OUTCOME_CLEAR;
  std::printf("Conflict check %s: %s\n", check.name().c_str(),
              clear ? "CLEAR (no one matched)"
                    : "POTENTIAL CONFLICT (review the matches below)");
  if (!check.matches().empty()) {
    Table table({"SUBJECT", "MATCHED", "KIND", "RECORD", "SCORE", "WHY"});
    for (const v1::ConflictMatch& m : check.matches()) {
      std::string subject =
          m.subject_index() >= 0 && m.subject_index() < check.subjects_size()
              ? FormatPersonName(check.subjects(m.subject_index()).name())
              : "?";
      std::string record = m.client();
      if (!m.case_().empty()) {
        absl::StrAppend(&record, record.empty() ? "" : " in ", m.case_());
      }
      table.AddRow({Abbreviate(subject, 30),
                    Abbreviate(FormatPersonName(m.matched_name()), 30),
                    ShortName(m.kind()), record.empty() ? "-" : record,
                    absl::StrFormat("%.2f", m.score()),
                    Abbreviate(absl::StrJoin(m.reasons(), "; "), 80)});
    }
    table.Print();
  }
  std::printf(
      clear ? "Open the case with: clinicctl case open CLIENT --type TYPE "
              "--province PROVINCE --conflict-check %s\n"
            : "If these are not conflicts, open the case with --conflict-check "
              "%s --waiver \"why\".\n",
      check.name().c_str());
}

int CheckConflicts(CommandContext& ctx, const ConflictArgs& args) {
  v1::CheckConflictsRequest request;
  std::vector<std::string> client_names;
  for (const std::string& c : args.clients) {
    absl::StatusOr<std::string> name = ResourceName("clients", "--client", c);
    if (!name.ok()) return UsageError(name.status());
    client_names.push_back(*name);
  }
  struct Group {
    const std::vector<std::string>& specs;
    const char* flag;
    v1::PartyRole role;
  };
  for (const Group& g :
       {Group{args.people, "--person", v1::PARTY_ROLE_CLIENT},
        Group{args.adverse, "--adverse", v1::PARTY_ROLE_ADVERSE},
        Group{args.related, "--related", v1::PARTY_ROLE_RELATED}}) {
    for (const std::string& spec : g.specs) {
      absl::StatusOr<v1::ConflictSubject> subject =
          ParseSubject(g.flag, spec, g.role);
      if (!subject.ok()) return UsageError(subject.status());
      *request.add_subjects() = *subject;
    }
  }
  if (client_names.empty() && request.subjects().empty()) {
    return UsageError(absl::InvalidArgumentError(
        "name who to check with --client, --person, --adverse or --related"));
  }
  if (!args.case_name.empty()) {
    absl::StatusOr<std::string> name =
        ResourceName("cases", "--case", args.case_name);
    if (!name.ok()) return UsageError(name.status());
    request.set_case_(*name);
  }
  if (args.min_score < 0 || args.min_score > 1) {
    return UsageError(
        absl::InvalidArgumentError("--min-score must be between 0 and 1"));
  }
  request.set_min_score(args.min_score);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    // Registered clients are checked as recorded: name, birth date and
    // citizenships exactly as on file.
    for (const std::string& name : client_names) {
      CLINIC_ASSIGN_OR_RETURN(v1::Client c, GetClient(client, name));
      v1::ConflictSubject* subject = request.add_subjects();
      *subject->mutable_name() = c.legal_name();
      if (c.has_birth_date()) *subject->mutable_birth_date() = c.birth_date();
      *subject->mutable_citizenships() = c.citizenships();
      subject->set_role(v1::PARTY_ROLE_CLIENT);
      subject->set_client(c.name());
    }
    Stub stub(client.ChannelFor("intake"));
    v1::ConflictCheck check;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.CheckConflicts(call.get(), request, &check)));
    if (ctx.options().json) {
      ctx.PrintJson(check);
    } else {
      PrintConflictCheck(check);
    }
    return absl::OkStatus();
  });
}

// ---- Cases
// -------------------------------------------------------------------

std::string Team(const v1::Case& k) {
  std::vector<std::string> members;
  for (const v1::TeamMember& m : k.team()) {
    absl::string_view user = m.user();
    absl::ConsumePrefix(&user, "users/");
    members.push_back(absl::StrCat(user, " (", ShortName(m.role()), ")"));
  }
  return absl::StrJoin(members, ", ");
}

std::string Lead(const v1::Case& k) {
  for (const v1::TeamMember& m : k.team()) {
    if (m.role() == v1::TEAM_ROLE_LEAD_LAWYER) {
      absl::string_view user = m.user();
      absl::ConsumePrefix(&user, "users/");
      return std::string(user);
    }
  }
  return "-";
}

void PrintCase(const v1::Case& k) {
  std::vector<std::string> parties;
  for (const v1::RelatedParty& p : k.related_parties()) {
    parties.push_back(absl::StrCat(
        FormatPersonName(p.name()), " (", ShortName(p.role()),
        p.relationship().empty() ? "" : "; ", p.relationship(), ")"));
  }
  std::vector<std::string> conditions;
  const v1::ClaimConditions& c = k.conditions();
  if (c.port_of_entry_claim()) conditions.push_back("port-of-entry claim");
  if (c.land_port_stca_exception()) {
    conditions.push_back("land-port STCA exception");
  }
  if (c.no_credible_basis()) conditions.push_back("no credible basis");
  if (c.designated_foreign_national()) {
    conditions.push_back("designated foreign national");
  }
  if (c.outside_canada()) conditions.push_back("client outside Canada");
  if (c.has_referral_date()) {
    conditions.push_back("referred " + FormatDate(c.referral_date()));
  }
  std::string closed;
  if (k.has_close_date()) {
    closed = absl::StrCat(FormatDate(k.close_date()), " (",
                          ShortName(k.close_reason()), ")",
                          k.close_note().empty() ? "" : ": ", k.close_note());
  }
  std::string retention = k.retention().retention_class();
  if (k.retention().legal_hold()) absl::StrAppend(&retention, "; legal hold");
  if (k.retention().has_destroy_after()) {
    absl::StrAppend(&retention, "; destroy after ",
                    FormatDate(k.retention().destroy_after()));
  }
  std::printf(
      "%s",
      FormatDetails(
          {{"Case", k.name()},
           {"Number", k.case_number()},
           {"Type", ShortName(k.type())},
           {"Status", ShortName(k.status())},
           {"Province", ProvinceName(k.province())},
           {"IRB region", k.irb_region() == 0 ? "" : ShortName(k.irb_region())},
           {"Principal", k.principal_client()},
           {"Dependants", Join(k.dependant_clients())},
           {"Team", Team(k)},
           {"Legal aid", k.legal_aid_certificate()},
           {"IRB file", k.irb_file_number()},
           {"Opened", FormatDate(k.open_date())},
           {"Closed", closed},
           {"Related parties", absl::StrJoin(parties, "\n")},
           {"Conditions", absl::StrJoin(conditions, ", ")},
           {"Conflict check", k.conflict_check()},
           {"Retention", retention}})
          .c_str());
}

void PrintCases(const std::vector<v1::Case>& cases) {
  Table table({"CASE", "NUMBER", "TYPE", "STATUS", "PROV", "PRINCIPAL", "LEAD",
               "OPENED"});
  for (const v1::Case& k : cases) {
    table.AddRow({k.name(), k.case_number(), ShortName(k.type()),
                  ShortName(k.status()), ProvinceName(k.province()),
                  k.principal_client(), Lead(k), FormatDate(k.open_date())});
  }
  table.Print();
}

absl::StatusOr<v1::Case> GetCase(ClinicClient& client,
                                 const std::string& name) {
  Stub stub(client.ChannelFor("intake"));
  v1::GetCaseRequest request;
  request.set_name(name);
  v1::Case out;
  auto call = client.NewContext();
  CLINIC_RETURN_IF_ERROR(Call(stub.GetCase(call.get(), request, &out)));
  return out;
}

struct OpenCaseArgs {
  std::string client, type, province, irb_region, conflict_check, waiver;
  std::vector<std::string> dependants, lawyers, adverse, related;
  std::string lead, legal_aid, irb_file, referral_date, request_id;
  bool port_of_entry = false, outside_canada = false, stca_exception = false;
};

absl::Status BuildOpenCase(const OpenCaseArgs& a, v1::OpenCaseRequest* r) {
  v1::Case* k = r->mutable_case_();
  CLINIC_ASSIGN_OR_RETURN(*k->mutable_principal_client(),
                          ResourceName("clients", "CLIENT", a.client));
  CLINIC_ASSIGN_OR_RETURN(v1::CaseType type,
                          ParseEnum<v1::CaseType>("--type", a.type));
  k->set_type(type);
  CLINIC_ASSIGN_OR_RETURN(v1::Province province,
                          ParseEnum<v1::Province>("--province", a.province));
  k->set_province(province);
  if (!a.irb_region.empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        v1::IrbRegion region,
        ParseEnum<v1::IrbRegion>("--irb-region", a.irb_region));
    k->set_irb_region(region);
  }
  for (const std::string& d : a.dependants) {
    CLINIC_ASSIGN_OR_RETURN(*k->add_dependant_clients(),
                            ResourceName("clients", "--dependant", d));
  }
  k->set_legal_aid_certificate(a.legal_aid);
  k->set_irb_file_number(a.irb_file);
  struct Group {
    const std::vector<std::string>& specs;
    const char* flag;
    v1::PartyRole role;
  };
  for (const Group& g :
       {Group{a.adverse, "--adverse", v1::PARTY_ROLE_ADVERSE},
        Group{a.related, "--related", v1::PARTY_ROLE_RELATED}}) {
    for (const std::string& spec : g.specs) {
      CLINIC_ASSIGN_OR_RETURN(v1::ConflictSubject s,
                              ParseSubject(g.flag, spec, g.role));
      v1::RelatedParty* p = k->add_related_parties();
      *p->mutable_name() = s.name();
      p->set_role(g.role);
      if (s.has_birth_date()) *p->mutable_birth_date() = s.birth_date();
      *p->mutable_citizenships() = s.citizenships();
    }
  }
  if (a.port_of_entry || a.outside_canada || a.stca_exception ||
      !a.referral_date.empty()) {
    v1::ClaimConditions* c = k->mutable_conditions();
    c->set_port_of_entry_claim(a.port_of_entry);
    c->set_outside_canada(a.outside_canada);
    c->set_land_port_stca_exception(a.stca_exception);
    if (!a.referral_date.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*c->mutable_referral_date(),
                              ParseDate("--referral-date", a.referral_date));
    }
  }
  CLINIC_ASSIGN_OR_RETURN(
      *r->mutable_conflict_check(),
      ResourceName("conflictChecks", "--conflict-check", a.conflict_check));
  r->set_conflict_waiver_reason(a.waiver);
  if (!a.lead.empty()) {
    v1::TeamMember* m = r->add_team();
    CLINIC_ASSIGN_OR_RETURN(*m->mutable_user(),
                            ResourceName("users", "--lead", a.lead));
    m->set_role(v1::TEAM_ROLE_LEAD_LAWYER);
  }
  for (const std::string& lawyer : a.lawyers) {
    v1::TeamMember* m = r->add_team();
    CLINIC_ASSIGN_OR_RETURN(*m->mutable_user(),
                            ResourceName("users", "--lawyer", lawyer));
    m->set_role(v1::TEAM_ROLE_LAWYER);
  }
  r->set_request_id(a.request_id);
  return absl::OkStatus();
}

int OpenCase(CommandContext& ctx, const OpenCaseArgs& args) {
  v1::OpenCaseRequest request;
  absl::Status built = BuildOpenCase(args, &request);
  if (!built.ok()) return UsageError(built);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("intake"));
    v1::Case opened;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(Call(stub.OpenCase(call.get(), request, &opened)));
    if (ctx.options().json) {
      ctx.PrintJson(opened);
    } else {
      std::printf("Opened %s (number %s, %s, %s) for %s; team: %s.\n",
                  opened.name().c_str(), opened.case_number().c_str(),
                  ShortName(opened.type()).c_str(),
                  ProvinceName(opened.province()).c_str(),
                  opened.principal_client().c_str(), Team(opened).c_str());
    }
    return absl::OkStatus();
  });
}

int ShowCase(CommandContext& ctx, const std::string& text) {
  absl::StatusOr<std::string> name = ResourceName("cases", "CASE", text);
  if (!name.ok()) return UsageError(name.status());
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Case k, GetCase(client, *name));
    if (ctx.options().json) {
      ctx.PrintJson(k);
    } else {
      PrintCase(k);
    }
    return absl::OkStatus();
  });
}

struct ListCasesArgs {
  std::string status, type, member, client;
  int limit = 0;
};

int ListCases(CommandContext& ctx, const ListCasesArgs& args) {
  v1::ListCasesRequest request;
  absl::Status built = [&]() -> absl::Status {
    if (!args.status.empty()) {
      CLINIC_ASSIGN_OR_RETURN(
          v1::CaseStatus s, ParseEnum<v1::CaseStatus>("--status", args.status));
      request.set_status(s);
    }
    if (!args.type.empty()) {
      CLINIC_ASSIGN_OR_RETURN(v1::CaseType t,
                              ParseEnum<v1::CaseType>("--type", args.type));
      request.set_type(t);
    }
    if (!args.member.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*request.mutable_team_member(),
                              ResourceName("users", "--member", args.member));
    }
    if (!args.client.empty()) {
      CLINIC_ASSIGN_OR_RETURN(*request.mutable_client(),
                              ResourceName("clients", "--client", args.client));
    }
    return absl::OkStatus();
  }();
  if (!built.ok()) return UsageError(built);
  request.set_page_size(args.limit > 0 ? std::min(args.limit, 200) : 200);
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    Stub stub(client.ChannelFor("intake"));
    v1::ListCasesResponse all;
    CLINIC_RETURN_IF_ERROR(
        (FetchAllPages<v1::ListCasesRequest, v1::ListCasesResponse>(
            request,
            [&](const v1::ListCasesRequest& r, v1::ListCasesResponse* out) {
              auto call = client.NewContext();
              return Call(stub.ListCases(call.get(), r, out));
            },
            [&](const v1::ListCasesResponse& page) {
              for (const v1::Case& k : page.cases()) {
                if (args.limit <= 0 || all.cases_size() < args.limit) {
                  *all.add_cases() = k;
                }
              }
            },
            [](const v1::ListCasesResponse& page) { return page.cases_size(); },
            args.limit)));
    if (ctx.options().json) {
      ctx.PrintJson(all);
    } else {
      PrintCases({all.cases().begin(), all.cases().end()});
    }
    return absl::OkStatus();
  });
}

struct StatusArgs {
  std::string case_name, status, reason, close_reason, note, date;
};

int ChangeStatus(CommandContext& ctx, const StatusArgs& args) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "CASE", args.case_name);
  if (!name.ok()) return UsageError(name.status());
  absl::StatusOr<v1::CaseStatus> status =
      ParseEnum<v1::CaseStatus>("STATUS", args.status);
  if (!status.ok()) return UsageError(status.status());
  const bool closing = *status == v1::CASE_STATUS_CLOSED;
  v1::CloseReason close_reason = v1::CLOSE_REASON_UNSPECIFIED;
  v1::Date close_date;
  if (closing) {
    absl::StatusOr<v1::CloseReason> parsed =
        ParseEnum<v1::CloseReason>("--close-reason", args.close_reason);
    if (!parsed.ok()) return UsageError(parsed.status());
    close_reason = *parsed;
    if (!args.date.empty()) {
      absl::StatusOr<v1::Date> d = ParseDate("--date", args.date);
      if (!d.ok()) return UsageError(d.status());
      close_date = *d;
    }
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Case current, GetCase(client, *name));
    Stub stub(client.ChannelFor("intake"));
    v1::Case updated;
    auto call = client.NewContext();
    if (closing) {
      v1::CloseCaseRequest request;
      request.set_case_(*name);
      request.set_etag(current.etag());
      request.set_reason(close_reason);
      request.set_note(args.note.empty() ? args.reason : args.note);
      if (close_date.year() != 0) *request.mutable_close_date() = close_date;
      CLINIC_RETURN_IF_ERROR(
          Call(stub.CloseCase(call.get(), request, &updated)));
    } else {
      v1::TransitionCaseRequest request;
      request.set_case_(*name);
      request.set_etag(current.etag());
      request.set_status(*status);
      request.set_reason(args.reason);
      CLINIC_RETURN_IF_ERROR(
          Call(stub.TransitionCase(call.get(), request, &updated)));
    }
    if (ctx.options().json) {
      ctx.PrintJson(updated);
    } else {
      std::printf("%s: %s -> %s.\n", name->c_str(),
                  ShortName(current.status()).c_str(),
                  ShortName(updated.status()).c_str());
    }
    return absl::OkStatus();
  });
}

struct TeamArgs {
  std::string case_name, user, role;
};

int ChangeTeam(CommandContext& ctx, const TeamArgs& args, bool add) {
  absl::StatusOr<std::string> name =
      ResourceName("cases", "CASE", args.case_name);
  if (!name.ok()) return UsageError(name.status());
  absl::StatusOr<std::string> user = ResourceName("users", "USER", args.user);
  if (!user.ok()) return UsageError(user.status());
  v1::TeamRole role = v1::TEAM_ROLE_UNSPECIFIED;
  if (add) {
    absl::StatusOr<v1::TeamRole> parsed =
        ParseEnum<v1::TeamRole>("--role", args.role);
    if (!parsed.ok()) return UsageError(parsed.status());
    role = *parsed;
  }
  return RunSignedIn(ctx, [&](ClinicClient& client) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(v1::Case current, GetCase(client, *name));
    v1::AssignCaseRequest request;
    request.set_case_(*name);
    request.set_etag(current.etag());
    if (add) {
      v1::TeamMember* m = request.add_add();
      m->set_user(*user);
      m->set_role(role);
    } else {
      request.add_remove(*user);
    }
    Stub stub(client.ChannelFor("intake"));
    v1::Case updated;
    auto call = client.NewContext();
    CLINIC_RETURN_IF_ERROR(
        Call(stub.AssignCase(call.get(), request, &updated)));
    if (ctx.options().json) {
      ctx.PrintJson(updated);
    } else {
      std::printf("Team of %s: %s\n", name->c_str(), Team(updated).c_str());
    }
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterIntakeCommands(CLI::App& app, CommandContext& ctx,
                            int& exit_code) {
  // ---- client
  CLI::App* client_cmd = app.add_subcommand(
      "client", "Register, find and update the people the clinic acts for");
  client_cmd->require_subcommand(1);

  auto create_args = std::make_shared<CreateClientArgs>();
  CLI::App* create = client_cmd->add_subcommand("create", "Register a person");
  AddClientFlags(create, create_args->flags);
  create->add_option("--request-id", create_args->request_id,
                     "8..64 of A-Z a-z 0-9 _ -: a retry with the same id "
                     "returns the first result instead of a duplicate");
  create->footer(
      "Names are as the person's documents have them; either --given or "
      "--family may be\n"
      "absent (many people have a single name). Dates of birth may be partial: "
      "1990 or\n"
      "1990-05; prefix ~ for an estimate.\n"
      "Examples:\n"
      "  clinicctl client create --given Amina --family Tesfay "
      "--original-script \"ኣሚና ተስፋይ\" \\\n"
      "      --born 1990 --citizenship ER --language ti --language "
      "\"ar:Sudanese Arabic\" \\\n"
      "      --entry-mode irregular-crossing --entry-place Lacolle "
      "--entry-date 2026-10-30\n"
      "  clinicctl client create --family Haile --born ~1985-03 --sex male "
      "--uci 1234-5678 --json\n");
  create->callback([&ctx, &exit_code, create_args, create] {
    exit_code = CreateClient(ctx, *create, *create_args);
  });

  auto show_name = std::make_shared<std::string>();
  CLI::App* get = client_cmd->add_subcommand("get", "Show one person's record");
  get->add_option("CLIENT", *show_name, "clients/ID or ID")->required();
  get->footer(
      "Examples:\n  clinicctl client get clients/7f3k2\n  clinicctl client get "
      "7f3k2 --json\n");
  get->callback([&ctx, &exit_code, show_name] {
    exit_code = ShowClient(ctx, *show_name);
  });

  auto list_limit = std::make_shared<int>(0);
  CLI::App* list = client_cmd->add_subcommand(
      "list", "List the people you may see, newest first");
  list->add_option("--limit", *list_limit, "At most this many (default all)");
  list->footer(
      "Examples:\n  clinicctl client list --limit 20\n  clinicctl client list "
      "--json\n");
  list->callback([&ctx, &exit_code, list_limit] {
    exit_code = ListClients(ctx, *list_limit);
  });

  auto search_args = std::make_shared<SearchArgs>();
  CLI::App* search = client_cmd->add_subcommand(
      "search",
      "Find people across spellings, name order and scripts, best first");
  search->add_option("QUERY", search_args->query, "A name in any script")
      ->required();
  search->add_option("--born", search_args->birth,
                     "Raise people born then (1990, 1990-05, 1990-05-17)");
  search->add_option("--citizenship", search_args->citizenship,
                     "Raise citizens of this country (e.g. ER)");
  search->add_option("--min-score", search_args->min_score,
                     "0..1; omit weaker matches (server default 0.5)");
  search->add_option("--limit", search_args->limit,
                     "At most this many (server default 20, max 100)");
  search->footer(
      "Each result shows its score and why it matched (transliteration "
      "variant, name order,\n"
      "original script, birth date, citizenship).\n"
      "Examples:\n"
      "  clinicctl client search \"Mohammed Abdelrahman\" --born 1988\n"
      "  clinicctl client search \"ተስፋይ\" --citizenship ER --json\n");
  search->callback([&ctx, &exit_code, search_args] {
    exit_code = SearchClients(ctx, *search_args);
  });

  auto update_args = std::make_shared<UpdateClientArgs>();
  CLI::App* update = client_cmd->add_subcommand(
      "update", "Change fields of a person's record");
  update->add_option("CLIENT", update_args->name, "clients/ID or ID")
      ->required();
  AddClientFlags(update, update_args->flags);
  update->footer(
      "Only the fields you give change. A list option (--citizenship, "
      "--language,\n"
      "--vulnerability, --alias/--former-name/--spelling) replaces the whole "
      "list. If someone\n"
      "else changed the record since it was fetched, nothing is overwritten: "
      "run it again.\n"
      "Examples:\n"
      "  clinicctl client update clients/7f3k2 --phone +15145550123 --city "
      "Montréal\n"
      "  clinicctl client update 7f3k2 --uci 12-3456-7890 --irb-file "
      "MB4-01234\n");
  update->callback([&ctx, &exit_code, update_args, update] {
    exit_code = UpdateClient(ctx, *update, *update_args);
  });

  // ---- family
  CLI::App* family =
      app.add_subcommand("family", "Link family members (spouse, child, ...)");
  family->require_subcommand(1);
  auto link_args = std::make_shared<FamilyArgs>();
  CLI::App* link =
      family->add_subcommand("link", "Record that OTHER is family of CLIENT");
  link->add_option("CLIENT", link_args->client, "clients/ID")->required();
  link->add_option("OTHER", link_args->other, "clients/ID of the relative")
      ->required();
  link->add_option("--as", link_args->relationship,
                   "What OTHER is to CLIENT: " + Choices<v1::Relationship>())
      ->required();
  link->footer(
      "The inverse link is recorded on OTHER (a child's parent, a spouse's "
      "spouse).\n"
      "Example:\n  clinicctl family link clients/amina clients/yonas --as "
      "child\n");
  link->callback([&ctx, &exit_code, link_args] {
    exit_code = LinkFamily(ctx, *link_args, true);
  });
  auto unlink_args = std::make_shared<FamilyArgs>();
  CLI::App* unlink =
      family->add_subcommand("unlink", "Remove a family link (both ways)");
  unlink->add_option("CLIENT", unlink_args->client, "clients/ID")->required();
  unlink->add_option("OTHER", unlink_args->other, "clients/ID")->required();
  unlink->footer(
      "Example:\n  clinicctl family unlink clients/amina clients/yonas\n");
  unlink->callback([&ctx, &exit_code, unlink_args] {
    exit_code = LinkFamily(ctx, *unlink_args, false);
  });

  // ---- conflict-check
  auto conflict_args = std::make_shared<ConflictArgs>();
  CLI::App* conflict = app.add_subcommand(
      "conflict-check",
      "Check people against every client and party on record (recorded)");
  conflict
      ->add_option("--client", conflict_args->clients,
                   "A registered client, checked as recorded (repeatable)")
      ->allow_extra_args(false);
  conflict
      ->add_option("--person", conflict_args->people,
                   "A prospective client: \"FAMILY, Given[; BIRTH[; "
                   "CC,CC]]\" (repeatable)")
      ->allow_extra_args(false);
  conflict
      ->add_option("--adverse", conflict_args->adverse,
                   "An opposing party, e.g. the alleged agent of harm "
                   "(same form; repeatable)")
      ->allow_extra_args(false);
  conflict
      ->add_option("--related", conflict_args->related,
                   "A related person, e.g. a witness (same form; "
                   "repeatable)")
      ->allow_extra_args(false);
  conflict->add_option("--case", conflict_args->case_name,
                       "The existing case this check is for");
  conflict->add_option("--min-score", conflict_args->min_score,
                       "0..1; report weaker matches too (server default 0.75)");
  conflict->footer(
      "Shows each possible match with its score and the reasons. A case can "
      "be opened only\n"
      "under a check that covered its principal applicant; potential conflicts "
      "need a\n"
      "written waiver (case open --waiver).\n"
      "Examples:\n"
      "  clinicctl conflict-check --client clients/7f3k2\n"
      "  clinicctl conflict-check --person \"Tesfay, Amina; 1990; ER\" "
      "--adverse \"Tesfay, Yonas\"\n"
      "  clinicctl conflict-check --client clients/7f3k2 --json\n");
  conflict->callback([&ctx, &exit_code, conflict_args] {
    exit_code = CheckConflicts(ctx, *conflict_args);
  });

  // ---- case
  CLI::App* case_cmd =
      app.add_subcommand("case", "Open, find and manage cases and case teams");
  case_cmd->require_subcommand(1);

  auto open_args = std::make_shared<OpenCaseArgs>();
  CLI::App* open =
      case_cmd->add_subcommand("open", "Open a case for a principal applicant");
  open->add_option("CLIENT", open_args->client,
                   "The principal applicant, clients/ID")
      ->required();
  open->add_option("--type", open_args->type,
                   "One of " + Choices<v1::CaseType>())
      ->required();
  open->add_option("--province", open_args->province,
                   "Province whose holidays and IRB office apply, e.g. QC")
      ->required();
  open->add_option("--conflict-check", open_args->conflict_check,
                   "The conflict check covering the applicant (last 30 days)")
      ->required();
  open->add_option("--waiver", open_args->waiver,
                   "Why the check's potential conflicts are not conflicts "
                   "(20+ characters)");
  open->add_option("--dependant", open_args->dependants,
                   "A dependant's clients/ID (repeatable)")
      ->allow_extra_args(false);
  open->add_option(
      "--irb-region", open_args->irb_region,
      "One of " + Choices<v1::IrbRegion>() + " (default from the province)");
  open->add_option("--lead", open_args->lead, "The lead lawyer's username");
  open->add_option("--lawyer", open_args->lawyers,
                   "Another lawyer on the team (repeatable)")
      ->allow_extra_args(false);
  open->add_option("--legal-aid", open_args->legal_aid,
                   "Legal aid certificate number");
  open->add_option("--irb-file", open_args->irb_file,
                   "IRB file number for this proceeding");
  open->add_option("--adverse", open_args->adverse,
                   "An adverse party: \"FAMILY, Given[; BIRTH[; CC]]\" "
                   "(repeatable)")
      ->allow_extra_args(false);
  open->add_option("--related", open_args->related,
                   "A related party, same form (repeatable)")
      ->allow_extra_args(false);
  open->add_flag("--port-of-entry", open_args->port_of_entry,
                 "The claim was made at a port of entry");
  open->add_flag("--stca-exception", open_args->stca_exception,
                 "Claim at a land port under an STCA exception");
  open->add_flag("--outside-canada", open_args->outside_canada,
                 "The client is outside Canada");
  open->add_option("--referral-date", open_args->referral_date,
                   "Date the claim was referred to the RPD");
  open->add_option("--request-id", open_args->request_id,
                   "Makes a retry safe (8..64 of A-Z a-z 0-9 _ -)");
  open->footer(
      "You are added to the team as intake worker if you hold the intake "
      "role.\n"
      "Examples:\n"
      "  clinicctl case open clients/7f3k2 --type rpd-claim --province QC \\\n"
      "      --conflict-check conflictChecks/c9x --lead lena --port-of-entry\n"
      "  clinicctl case open 7f3k2 --type rpd-claim --province ON "
      "--conflict-check c9x \\\n"
      "      --adverse \"Tesfay, Yonas; 1984; ER\" --waiver \"same name, "
      "different person: DOB and region differ\"\n");
  open->callback(
      [&ctx, &exit_code, open_args] { exit_code = OpenCase(ctx, *open_args); });

  auto case_name = std::make_shared<std::string>();
  CLI::App* case_get = case_cmd->add_subcommand("get", "Show one case");
  case_get->add_option("CASE", *case_name, "cases/ID or ID")->required();
  case_get->footer(
      "Examples:\n  clinicctl case get cases/4hq8\n  clinicctl case get 4hq8 "
      "--json\n");
  case_get->callback(
      [&ctx, &exit_code, case_name] { exit_code = ShowCase(ctx, *case_name); });

  auto list_args = std::make_shared<ListCasesArgs>();
  CLI::App* case_list = case_cmd->add_subcommand(
      "list", "List the cases you may see (a lawyer: their own)");
  case_list->add_option("--status", list_args->status,
                        "One of " + Choices<v1::CaseStatus>());
  case_list->add_option("--type", list_args->type,
                        "One of " + Choices<v1::CaseType>());
  case_list->add_option("--member", list_args->member,
                        "Only cases whose team includes this username");
  case_list->add_option("--client", list_args->client,
                        "Only cases of this client (principal or dependant)");
  case_list->add_option("--limit", list_args->limit,
                        "At most this many (default all)");
  case_list->footer(
      "Examples:\n  clinicctl case list --status active\n"
      "  clinicctl case list --member lena --type rpd-claim --json\n");
  case_list->callback([&ctx, &exit_code, list_args] {
    exit_code = ListCases(ctx, *list_args);
  });

  auto status_args = std::make_shared<StatusArgs>();
  CLI::App* status = case_cmd->add_subcommand(
      "status", "Move a case to another status (lawyers)");
  status->add_option("CASE", status_args->case_name, "cases/ID")->required();
  status
      ->add_option("STATUS", status_args->status,
                   "One of " + Choices<v1::CaseStatus>())
      ->required();
  status->add_option("--reason", status_args->reason,
                     "Why (required when reopening a closed case)");
  status->add_option("--close-reason", status_args->close_reason,
                     "With closed: one of " + Choices<v1::CloseReason>());
  status->add_option("--note", status_args->note, "With closed: a note");
  status->add_option("--date", status_args->date,
                     "With closed: the closing date (default today)");
  status->footer(
      "Allowed: intake -> active|closed; active -> on-hold|awaiting-decision|"
      "closed;\n"
      "on-hold -> active|closed; awaiting-decision -> active|decided;\n"
      "decided -> active|closed; closed -> active (with --reason).\n"
      "Examples:\n  clinicctl case status cases/4hq8 active\n"
      "  clinicctl case status cases/4hq8 closed --close-reason accepted "
      "--note \"positive decision\"\n");
  status->callback([&ctx, &exit_code, status_args] {
    exit_code = ChangeStatus(ctx, *status_args);
  });

  CLI::App* team = case_cmd->add_subcommand("team", "Change a case's team");
  team->require_subcommand(1);
  auto add_args = std::make_shared<TeamArgs>();
  CLI::App* team_add =
      team->add_subcommand("add", "Add a member (or change their role)");
  team_add->add_option("CASE", add_args->case_name, "cases/ID")->required();
  team_add->add_option("USER", add_args->user, "Username")->required();
  team_add
      ->add_option("--role", add_args->role,
                   "One of " + Choices<v1::TeamRole>())
      ->required();
  team_add->footer(
      "Example:\n  clinicctl case team add cases/4hq8 lena --role "
      "lead-lawyer\n");
  team_add->callback([&ctx, &exit_code, add_args] {
    exit_code = ChangeTeam(ctx, *add_args, true);
  });
  auto remove_args = std::make_shared<TeamArgs>();
  CLI::App* team_remove = team->add_subcommand("remove", "Remove a member");
  team_remove->add_option("CASE", remove_args->case_name, "cases/ID")
      ->required();
  team_remove->add_option("USER", remove_args->user, "Username")->required();
  team_remove->footer(
      "An active case keeps at least one lawyer.\n"
      "Example:\n  clinicctl case team remove cases/4hq8 omar\n");
  team_remove->callback([&ctx, &exit_code, remove_args] {
    exit_code = ChangeTeam(ctx, *remove_args, false);
  });
}

}  // namespace cli
}  // namespace clinic
