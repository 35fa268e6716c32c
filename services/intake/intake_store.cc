#include "services/intake/intake_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/common/paging.h"
#include "services/common/validation.h"
#include "storage/proto_record.h"

namespace clinic {
namespace intake_store {
namespace {

using storage::ParseRecord;
using storage::Statement;

absl::Status ReplaceCaseLinks(Connection& c, const std::string& id,
                              const v1::Case& k) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement del_team,
      c.Prepare("DELETE FROM case_team WHERE case_id = ?1"));
  CLINIC_RETURN_IF_ERROR(del_team.BindText(1, id).Run());
  CLINIC_ASSIGN_OR_RETURN(
      Statement del_clients,
      c.Prepare("DELETE FROM case_clients WHERE case_id = ?1"));
  CLINIC_RETURN_IF_ERROR(del_clients.BindText(1, id).Run());
  CLINIC_ASSIGN_OR_RETURN(
      Statement team,
      c.Prepare(
          "INSERT INTO case_team (case_id, user, role) VALUES (?1, ?2, ?3)"));
  for (const v1::TeamMember& m : k.team()) {
    team.Reset();
    CLINIC_RETURN_IF_ERROR(
        team.BindText(1, id).BindText(2, m.user()).BindInt(3, m.role()).Run());
  }
  CLINIC_ASSIGN_OR_RETURN(
      Statement clients,
      c.Prepare("INSERT INTO case_clients (case_id, client) VALUES (?1, ?2)"));
  clients.BindText(1, id).BindText(2, k.principal_client());
  CLINIC_RETURN_IF_ERROR(clients.Run());
  for (const std::string& d : k.dependant_clients()) {
    clients.Reset();
    CLINIC_RETURN_IF_ERROR(clients.BindText(1, id).BindText(2, d).Run());
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<storage::Migration> Migrations() {
  return {
      storage::SqlMigration(1, "clients, cases, teams, conflict checks", R"sql(
    CREATE TABLE clients (
      id TEXT PRIMARY KEY,
      record BLOB NOT NULL,
      version INTEGER NOT NULL,
      create_time INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      request_id TEXT UNIQUE
    );
    CREATE INDEX clients_by_time ON clients(create_time, id);
    CREATE TABLE cases (
      id TEXT PRIMARY KEY,
      case_number TEXT NOT NULL UNIQUE,
      record BLOB NOT NULL,
      version INTEGER NOT NULL,
      status INTEGER NOT NULL,
      type INTEGER NOT NULL,
      open_date TEXT NOT NULL,
      request_id TEXT UNIQUE
    );
    CREATE INDEX cases_by_open ON cases(open_date, id);
    CREATE TABLE case_team (
      case_id TEXT NOT NULL REFERENCES cases(id),
      user TEXT NOT NULL,
      role INTEGER NOT NULL,
      PRIMARY KEY (case_id, user)
    );
    CREATE INDEX case_team_by_user ON case_team(user, case_id);
    CREATE TABLE case_clients (
      case_id TEXT NOT NULL REFERENCES cases(id),
      client TEXT NOT NULL,
      PRIMARY KEY (case_id, client)
    );
    CREATE INDEX case_clients_by_client ON case_clients(client, case_id);
    CREATE TABLE case_numbers (
      year INTEGER PRIMARY KEY,
      last INTEGER NOT NULL
    );
    CREATE TABLE conflict_checks (
      id TEXT PRIMARY KEY,
      record BLOB NOT NULL,
      create_time INTEGER NOT NULL,
      case_name TEXT
    );
    CREATE INDEX conflict_checks_by_time ON conflict_checks(create_time, id);
  )sql")};
}

absl::StatusOr<std::optional<v1::Client>> FindClient(Connection& c,
                                                     const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT record, version FROM clients WHERE id = ?1"));
  s.BindText(1, id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::Client>();
  CLINIC_ASSIGN_OR_RETURN(v1::Client client,
                          ParseRecord<v1::Client>(s.ColumnBlob(0), "client"));
  client.set_etag(absl::StrCat(s.ColumnInt(1)));
  return std::optional<v1::Client>(std::move(client));
}

absl::StatusOr<std::optional<v1::Client>> FindClientByRequestId(
    Connection& c, const std::string& request_id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("SELECT id FROM clients WHERE request_id = ?1"));
  s.BindText(1, request_id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::Client>();
  return FindClient(c, s.ColumnText(0));
}

absl::Status InsertClient(Connection& c, const std::string& id,
                          v1::Client* client, const std::string& request_id,
                          const std::string& created_by) {
  client->set_etag("1");
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "INSERT INTO clients (id, record, version, create_time, created_by, "
          "request_id) VALUES (?1, ?2, 1, ?3, ?4, ?5)"));
  return s.BindText(1, id)
      .BindBlob(2, client->SerializeAsString())
      .BindInt(3, ToMicros(FromProtoTime(client->create_time())))
      .BindText(4, created_by)
      .BindTextOrNull(5, request_id)
      .Run();
}

absl::Status UpdateClient(Connection& c, const std::string& id,
                          v1::Client* client, int64_t expected_version) {
  client->set_etag(absl::StrCat(expected_version + 1));
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("UPDATE clients SET record = ?2, version = version + 1 "
                "WHERE id = ?1 AND version = ?3"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, id)
                             .BindBlob(2, client->SerializeAsString())
                             .BindInt(3, expected_version)
                             .Run());
  if (c.Changes() != 1) {
    return absl::AbortedError(absl::StrCat(
        "clients/", id,
        " was changed by someone else; fetch it again and redo the change"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Client>> ListClients(
    Connection& c, int64_t before_time, const std::string& before_id, int limit,
    const std::string& visible_to_lawyer) {
  std::string sql =
      "SELECT record, version FROM clients WHERE (create_time < ?1 OR "
      "(create_time = ?1 AND "
      "id < ?2))";
  if (!visible_to_lawyer.empty()) {
    absl::StrAppend(&sql,
                    " AND ('clients/' || id) IN (SELECT cc.client FROM "
                    "case_clients cc JOIN "
                    "case_team t ON t.case_id = cc.case_id WHERE t.user = ?4)");
  }
  absl::StrAppend(&sql, " ORDER BY create_time DESC, id DESC LIMIT ?3");
  CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
  s.BindInt(1, before_time).BindText(2, before_id).BindInt(3, limit);
  if (!visible_to_lawyer.empty()) s.BindText(4, visible_to_lawyer);
  std::vector<v1::Client> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(v1::Client client,
                            ParseRecord<v1::Client>(s.ColumnBlob(0), "client"));
    client.set_etag(absl::StrCat(s.ColumnInt(1)));
    out.push_back(std::move(client));
  }
  return out;
}

absl::Status ForEachClient(Connection& c,
                           const std::function<void(const v1::Client&)>& fn) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("SELECT record, version FROM clients"));
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return absl::OkStatus();
    CLINIC_ASSIGN_OR_RETURN(v1::Client client,
                            ParseRecord<v1::Client>(s.ColumnBlob(0), "client"));
    client.set_etag(absl::StrCat(s.ColumnInt(1)));
    fn(client);
  }
}

absl::StatusOr<std::optional<v1::Case>> FindCase(Connection& c,
                                                 const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT record, version FROM cases WHERE id = ?1"));
  s.BindText(1, id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::Case>();
  CLINIC_ASSIGN_OR_RETURN(v1::Case kase,
                          ParseRecord<v1::Case>(s.ColumnBlob(0), "case"));
  kase.set_etag(absl::StrCat(s.ColumnInt(1)));
  return std::optional<v1::Case>(std::move(kase));
}

absl::StatusOr<std::optional<v1::Case>> FindCaseByRequestId(
    Connection& c, const std::string& request_id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("SELECT id FROM cases WHERE request_id = ?1"));
  s.BindText(1, request_id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::Case>();
  return FindCase(c, s.ColumnText(0));
}

absl::Status InsertCase(Connection& c, const std::string& id, v1::Case* kase,
                        const std::string& request_id) {
  const int year = kase->open_date().year();
  CLINIC_ASSIGN_OR_RETURN(
      Statement bump,
      c.Prepare(
          "INSERT OR IGNORE INTO case_numbers (year, last) VALUES (?1, 0)"));
  CLINIC_RETURN_IF_ERROR(bump.BindInt(1, year).Run());
  CLINIC_ASSIGN_OR_RETURN(
      Statement next,
      c.Prepare("UPDATE case_numbers SET last = last + 1 WHERE year = ?1"));
  CLINIC_RETURN_IF_ERROR(next.BindInt(1, year).Run());
  CLINIC_ASSIGN_OR_RETURN(
      Statement read,
      c.Prepare("SELECT last FROM case_numbers WHERE year = ?1"));
  read.BindInt(1, year);
  CLINIC_ASSIGN_OR_RETURN(bool row, read.Step());
  if (!row) return absl::InternalError("case number counter missing");
  kase->set_case_number(absl::StrFormat("%04d-%05d", year, read.ColumnInt(0)));
  kase->set_etag("1");
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO cases (id, case_number, record, version, status, "
                "type, open_date, "
                "request_id) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7)"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, id)
                             .BindText(2, kase->case_number())
                             .BindBlob(3, kase->SerializeAsString())
                             .BindInt(4, kase->status())
                             .BindInt(5, kase->type())
                             .BindText(6, FormatDate(kase->open_date()))
                             .BindTextOrNull(7, request_id)
                             .Run());
  return ReplaceCaseLinks(c, id, *kase);
}

absl::Status UpdateCase(Connection& c, const std::string& id, v1::Case* kase,
                        int64_t expected_version) {
  kase->set_etag(absl::StrCat(expected_version + 1));
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "UPDATE cases SET record = ?2, status = ?3, version = version + 1 "
          "WHERE id = ?1 AND version = ?4"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, id)
                             .BindBlob(2, kase->SerializeAsString())
                             .BindInt(3, kase->status())
                             .BindInt(4, expected_version)
                             .Run());
  if (c.Changes() != 1) {
    return absl::AbortedError(absl::StrCat(
        "cases/", id,
        " was changed by someone else; fetch it again and redo the change"));
  }
  return ReplaceCaseLinks(c, id, *kase);
}

absl::StatusOr<std::vector<v1::Case>> ListCases(
    Connection& c, const CaseFilter& f, const std::string& after_open_date,
    const std::string& after_id, int limit) {
  std::string sql =
      "SELECT record, version FROM cases WHERE (open_date > ?1 OR (open_date = "
      "?1 AND id > "
      "?2))";
  if (f.status != v1::CASE_STATUS_UNSPECIFIED)
    absl::StrAppend(&sql, " AND status = ?4");
  if (f.type != v1::CASE_TYPE_UNSPECIFIED)
    absl::StrAppend(&sql, " AND type = ?5");
  if (!f.team_member.empty()) {
    absl::StrAppend(
        &sql, " AND id IN (SELECT case_id FROM case_team WHERE user = ?6)");
  }
  if (!f.client.empty()) {
    absl::StrAppend(
        &sql,
        " AND id IN (SELECT case_id FROM case_clients WHERE client = ?7)");
  }
  absl::StrAppend(&sql, " ORDER BY open_date, id LIMIT ?3");
  CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
  s.BindText(1, after_open_date).BindText(2, after_id).BindInt(3, limit);
  if (f.status != v1::CASE_STATUS_UNSPECIFIED) s.BindInt(4, f.status);
  if (f.type != v1::CASE_TYPE_UNSPECIFIED) s.BindInt(5, f.type);
  if (!f.team_member.empty()) s.BindText(6, f.team_member);
  if (!f.client.empty()) s.BindText(7, f.client);
  std::vector<v1::Case> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(v1::Case kase,
                            ParseRecord<v1::Case>(s.ColumnBlob(0), "case"));
    kase.set_etag(absl::StrCat(s.ColumnInt(1)));
    out.push_back(std::move(kase));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Case>> ListCasePage(
    Connection& c, const CaseFilter& filter, const std::string& page_token,
    int page_size, std::string* next_page_token) {
  CLINIC_ASSIGN_OR_RETURN(std::string token, DecodePageToken(page_token));
  std::pair<std::string, std::string> after =
      absl::StrSplit(token, absl::MaxSplits('|', 1));
  CLINIC_ASSIGN_OR_RETURN(
      std::vector<v1::Case> cases,
      ListCases(c, filter, after.first, after.second, page_size + 1));
  next_page_token->clear();
  if (static_cast<int>(cases.size()) > page_size) {
    cases.resize(static_cast<size_t>(page_size));
    const v1::Case& last = cases.back();
    *next_page_token = EncodePageToken(absl::StrCat(
        FormatDate(last.open_date()), "|", ResourceId(last.name())));
  }
  return cases;
}

absl::StatusOr<bool> ClientOnUsersCase(Connection& c,
                                       const std::string& client_id,
                                       const std::string& user) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("SELECT 1 FROM case_clients cc JOIN case_team t "
                             "ON t.case_id = cc.case_id "
                             "WHERE cc.client = ?1 AND t.user = ?2 LIMIT 1"));
  s.BindText(1, absl::StrCat("clients/", client_id)).BindText(2, user);
  return s.Step();
}

absl::StatusOr<bool> ClientOnCase(Connection& c, const std::string& client_id,
                                  const std::string& case_id) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("SELECT 1 FROM case_clients WHERE client = "
                                    "?1 AND case_id = ?2 LIMIT 1"));
  s.BindText(1, absl::StrCat("clients/", client_id)).BindText(2, case_id);
  return s.Step();
}

absl::Status ForEachRelatedParty(
    Connection& c, const std::function<void(const std::string& case_name,
                                            const v1::RelatedParty&)>& fn) {
  CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare("SELECT record FROM cases"));
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return absl::OkStatus();
    CLINIC_ASSIGN_OR_RETURN(v1::Case kase,
                            ParseRecord<v1::Case>(s.ColumnBlob(0), "case"));
    for (const v1::RelatedParty& party : kase.related_parties())
      fn(kase.name(), party);
  }
}

absl::Status InsertConflictCheck(Connection& c, const std::string& id,
                                 const v1::ConflictCheck& check) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "INSERT INTO conflict_checks (id, record, create_time, case_name) "
          "VALUES (?1, ?2, ?3, ?4)"));
  return s.BindText(1, id)
      .BindBlob(2, check.SerializeAsString())
      .BindInt(3, ToMicros(FromProtoTime(check.create_time())))
      .BindTextOrNull(4, check.case_())
      .Run();
}

absl::StatusOr<std::optional<v1::ConflictCheck>> FindConflictCheck(
    Connection& c, const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT record FROM conflict_checks WHERE id = ?1"));
  s.BindText(1, id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::ConflictCheck>();
  CLINIC_ASSIGN_OR_RETURN(
      v1::ConflictCheck check,
      ParseRecord<v1::ConflictCheck>(s.ColumnBlob(0), "conflict check"));
  return std::optional<v1::ConflictCheck>(std::move(check));
}

absl::StatusOr<std::vector<v1::ConflictCheck>> ListConflictChecks(
    Connection& c, const std::string& case_name, int64_t before_time,
    const std::string& before_id, int limit) {
  std::string sql =
      "SELECT record FROM conflict_checks WHERE (create_time < ?1 OR "
      "(create_time = ?1 AND "
      "id < ?2))";
  if (!case_name.empty()) absl::StrAppend(&sql, " AND case_name = ?4");
  absl::StrAppend(&sql, " ORDER BY create_time DESC, id DESC LIMIT ?3");
  CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
  s.BindInt(1, before_time).BindText(2, before_id).BindInt(3, limit);
  if (!case_name.empty()) s.BindText(4, case_name);
  std::vector<v1::ConflictCheck> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(
        v1::ConflictCheck check,
        ParseRecord<v1::ConflictCheck>(s.ColumnBlob(0), "conflict check"));
    out.push_back(std::move(check));
  }
  return out;
}

absl::Status DeleteCase(Connection& c, const std::string& id) {
  for (const char* sql : {"DELETE FROM case_team WHERE case_id = ?1",
                          "DELETE FROM case_clients WHERE case_id = ?1",
                          "DELETE FROM cases WHERE id = ?1"}) {
    CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
    CLINIC_RETURN_IF_ERROR(s.BindText(1, id).Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CountCasesOfClient(Connection& c,
                                       const std::string& client) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT count(*) FROM case_clients WHERE client = ?1"));
  s.BindText(1, client);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? static_cast<int>(s.ColumnInt(0)) : 0;
}

absl::Status DeleteClient(Connection& c, const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("DELETE FROM clients WHERE id = ?1"));
  return s.BindText(1, id).Run();
}

absl::Status ForEachConflictCheck(
    Connection& c,
    const std::function<void(const std::string& id, v1::ConflictCheck check)>&
        fn) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("SELECT id, record FROM conflict_checks"));
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return absl::OkStatus();
    CLINIC_ASSIGN_OR_RETURN(
        v1::ConflictCheck check,
        ParseRecord<v1::ConflictCheck>(s.ColumnBlob(1), "conflict check"));
    fn(std::string(s.ColumnText(0)), std::move(check));
  }
}

absl::Status ReplaceConflictCheck(Connection& c, const std::string& id,
                                  const v1::ConflictCheck& check) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("UPDATE conflict_checks SET record = ?2 WHERE id = ?1"));
  return s.BindText(1, id).BindBlob(2, check.SerializeAsString()).Run();
}

absl::Status DeleteConflictCheck(Connection& c, const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("DELETE FROM conflict_checks WHERE id = ?1"));
  return s.BindText(1, id).Run();
}

v1::CaseSummary SummaryOf(const v1::Case& k) {
  v1::CaseSummary s;
  s.set_case_(k.name());
  s.set_case_number(k.case_number());
  s.set_type(k.type());
  s.set_status(k.status());
  s.set_province(k.province());
  s.set_irb_region(k.irb_region());
  *s.mutable_team() = k.team();
  *s.mutable_conditions() = k.conditions();
  s.add_clients(k.principal_client());
  for (const std::string& d : k.dependant_clients()) s.add_clients(d);
  *s.mutable_retention() = k.retention();
  if (k.has_close_date()) *s.mutable_close_date() = k.close_date();
  return s;
}

}  // namespace intake_store
}  // namespace clinic
