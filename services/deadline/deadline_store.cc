#include "services/deadline/deadline_store.h"

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/common/validation.h"
#include "storage/proto_record.h"

namespace clinic {
namespace deadline_store {
namespace {

using storage::ParseRecord;
using storage::Statement;

constexpr char kDeadlineColumns[] =
    "id, case_id, subject, parent_id, facts, version, record";

absl::StatusOr<StoredDeadline> ReadDeadline(const Statement& s) {
  StoredDeadline d;
  d.id = s.ColumnText(0);
  d.case_id = s.ColumnText(1);
  d.subject = s.ColumnText(2);
  d.parent_id = s.ColumnText(3);
  CLINIC_ASSIGN_OR_RETURN(
      d.facts, ParseRecord<v1::CaseSummary>(s.ColumnBlob(4), "deadline"));
  d.version = s.ColumnInt(5);
  CLINIC_ASSIGN_OR_RETURN(
      d.deadline, ParseRecord<v1::Deadline>(s.ColumnBlob(6), "deadline"));
  d.deadline.set_etag(absl::StrCat(d.version));
  return d;
}

absl::StatusOr<std::vector<StoredDeadline>> ReadAll(Statement& s) {
  std::vector<StoredDeadline> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(StoredDeadline d, ReadDeadline(s));
    out.push_back(std::move(d));
  }
  return out;
}

// The record as stored: without the fields derived at read time.
std::string RecordBytes(const v1::Deadline& deadline) {
  v1::Deadline record = deadline;
  record.clear_etag();
  record.clear_days_remaining();
  return record.SerializeAsString();
}

}  // namespace

std::vector<storage::Migration> Migrations() {
  return {storage::SqlMigration(1, "events, deadlines, replies, rule file",
                                R"sql(
    CREATE TABLE events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      case_id TEXT NOT NULL,
      record BLOB NOT NULL
    );
    CREATE INDEX events_by_case ON events(case_id, seq);
    CREATE TABLE deadlines (
      id TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      parent_id TEXT NOT NULL,
      status INTEGER NOT NULL,
      due_date TEXT NOT NULL,
      facts BLOB NOT NULL,
      version INTEGER NOT NULL,
      record BLOB NOT NULL
    );
    CREATE INDEX deadlines_by_case ON deadlines(case_id, due_date, id);
    CREATE INDEX deadlines_by_status ON deadlines(status, due_date, id);
    CREATE TABLE replies (
      request_id TEXT NOT NULL,
      username TEXT NOT NULL,
      reply BLOB NOT NULL,
      PRIMARY KEY (request_id, username)
    );
    CREATE TABLE rule_file (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      text TEXT NOT NULL,
      installed_by TEXT NOT NULL,
      install_time INTEGER NOT NULL
    );
  )sql")};
}

absl::Status InsertEvent(Connection& c, const std::string& id,
                         const std::string& case_id,
                         const v1::CaseEvent& event) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(
          "INSERT INTO events (id, case_id, record) VALUES (?1, ?2, ?3)"));
  return s.BindText(1, id)
      .BindText(2, case_id)
      .BindBlob(3, event.SerializeAsString())
      .Run();
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::CaseEvent>>> ListEvents(
    Connection& c, const std::string& case_id, int64_t after_seq, int limit) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT seq, record FROM events WHERE case_id = ?1 AND seq > "
                "?2 ORDER BY seq LIMIT ?3"));
  s.BindText(1, case_id).BindInt(2, after_seq).BindInt(3, limit);
  std::vector<std::pair<int64_t, v1::CaseEvent>> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(v1::CaseEvent event, ParseRecord<v1::CaseEvent>(
                                                     s.ColumnBlob(1), "event"));
    out.emplace_back(s.ColumnInt(0), std::move(event));
  }
  return out;
}

absl::StatusOr<std::optional<StoredDeadline>> FindDeadline(
    Connection& c, const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare(absl::StrCat("SELECT ", kDeadlineColumns,
                                          " FROM deadlines WHERE id = ?1")));
  s.BindText(1, id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<StoredDeadline>();
  CLINIC_ASSIGN_OR_RETURN(StoredDeadline d, ReadDeadline(s));
  return std::optional<StoredDeadline>(std::move(d));
}

absl::Status InsertDeadline(Connection& c, StoredDeadline& d) {
  d.version = 1;
  d.deadline.set_etag("1");
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO deadlines (id, case_id, subject, parent_id, "
                "status, due_date, facts, version, record) VALUES (?1, ?2, ?3, "
                "?4, ?5, ?6, ?7, 1, ?8)"));
  return s.BindText(1, d.id)
      .BindText(2, d.case_id)
      .BindText(3, d.subject)
      .BindText(4, d.parent_id)
      .BindInt(5, d.deadline.status())
      .BindText(6, FormatDate(d.deadline.due_date()))
      .BindBlob(7, d.facts.SerializeAsString())
      .BindBlob(8, RecordBytes(d.deadline))
      .Run();
}

absl::Status UpdateDeadline(Connection& c, StoredDeadline& d) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("UPDATE deadlines SET status = ?2, due_date = ?3, record = ?4, "
                "version = version + 1 WHERE id = ?1 AND version = ?5"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, d.id)
                             .BindInt(2, d.deadline.status())
                             .BindText(3, FormatDate(d.deadline.due_date()))
                             .BindBlob(4, RecordBytes(d.deadline))
                             .BindInt(5, d.version)
                             .Run());
  if (c.Changes() != 1) {
    return absl::AbortedError(
        absl::StrCat(d.deadline.name(),
                     " was changed by someone else since you read it; fetch it "
                     "again and redo your change"));
  }
  ++d.version;
  d.deadline.set_etag(absl::StrCat(d.version));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<StoredDeadline>> OpenDeadlines(
    Connection& c, const std::string& case_id) {
  if (case_id.empty()) {
    CLINIC_ASSIGN_OR_RETURN(
        Statement s,
        c.Prepare(absl::StrCat("SELECT ", kDeadlineColumns,
                               " FROM deadlines WHERE status = ?1 ORDER BY "
                               "due_date, id")));
    s.BindInt(1, v1::DEADLINE_STATUS_OPEN);
    return ReadAll(s);
  }
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(absl::StrCat("SELECT ", kDeadlineColumns,
                             // Without statistics SQLite picks the status
                             // index (it matches the ORDER BY) and reads
                             // every open deadline of every case; INDEXED BY
                             // also fails loudly should the index go.
                             " FROM deadlines INDEXED BY deadlines_by_case "
                             "WHERE case_id = ?1 AND status = "
                             "?2 ORDER BY due_date, id")));
  s.BindText(1, case_id).BindInt(2, v1::DEADLINE_STATUS_OPEN);
  return ReadAll(s);
}

std::string PageKey(const StoredDeadline& d) {
  return absl::StrCat(FormatDate(d.deadline.due_date()), "|", d.id);
}

absl::StatusOr<std::vector<StoredDeadline>> ListDeadlines(
    Connection& c, const std::string& case_id,
    const std::vector<v1::DeadlineStatus>& statuses, const std::string& after,
    int limit) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare(absl::StrCat(
          "SELECT ", kDeadlineColumns,
          " FROM deadlines WHERE case_id = ?1 AND (due_date || '|' || id) > ?2 "
          "ORDER BY due_date, id")));
  s.BindText(1, case_id).BindText(2, after);
  std::vector<StoredDeadline> out;
  while (static_cast<int>(out.size()) < limit) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(StoredDeadline d, ReadDeadline(s));
    bool wanted = statuses.empty();
    for (v1::DeadlineStatus status : statuses) {
      wanted = wanted || d.deadline.status() == status;
    }
    if (wanted) out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<std::optional<v1::RecordEventResponse>> FindReply(
    Connection& c, const std::string& request_id, const std::string& username) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("SELECT reply FROM replies WHERE request_id = ?1 "
                             "AND username = ?2"));
  s.BindText(1, request_id).BindText(2, username);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::RecordEventResponse>();
  CLINIC_ASSIGN_OR_RETURN(
      v1::RecordEventResponse reply,
      ParseRecord<v1::RecordEventResponse>(s.ColumnBlob(0), "event reply"));
  return std::optional<v1::RecordEventResponse>(std::move(reply));
}

absl::Status SaveReply(Connection& c, const std::string& request_id,
                       const std::string& username,
                       const v1::RecordEventResponse& reply) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("INSERT INTO replies (request_id, username, "
                             "reply) VALUES (?1, ?2, ?3)"));
  return s.BindText(1, request_id)
      .BindText(2, username)
      .BindBlob(3, reply.SerializeAsString())
      .Run();
}

absl::StatusOr<std::optional<std::string>> InstalledRuleFile(Connection& c) {
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("SELECT text FROM rule_file WHERE id = 1"));
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

absl::Status SaveRuleFile(Connection& c, const std::string& text,
                          const std::string& installed_by, absl::Time when) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT OR REPLACE INTO rule_file (id, text, installed_by, "
                "install_time) VALUES (1, ?1, ?2, ?3)"));
  return s.BindText(1, text)
      .BindText(2, installed_by)
      .BindInt(3, ToMicros(when))
      .Run();
}

absl::StatusOr<int> ForgetCase(Connection& c, const std::string& case_id) {
  int records = 0;
  for (const char* sql : {"DELETE FROM events WHERE case_id = ?1",
                          "DELETE FROM deadlines WHERE case_id = ?1"}) {
    CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
    CLINIC_RETURN_IF_ERROR(s.BindText(1, case_id).Run());
    records += static_cast<int>(c.Changes());
  }
  // Replies kept for retried requests repeat the case's deadlines.
  std::vector<std::pair<std::string, std::string>> doomed;
  {
    CLINIC_ASSIGN_OR_RETURN(
        Statement s,
        c.Prepare("SELECT request_id, username, reply FROM replies"));
    const std::string case_name = absl::StrCat("cases/", case_id);
    while (true) {
      CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      CLINIC_ASSIGN_OR_RETURN(v1::RecordEventResponse reply,
                              storage::ParseRecord<v1::RecordEventResponse>(
                                  s.ColumnBlob(2), "stored reply"));
      if (reply.event().case_() == case_name) {
        doomed.emplace_back(s.ColumnText(0), s.ColumnText(1));
      }
    }
  }
  for (const auto& [request_id, username] : doomed) {
    CLINIC_ASSIGN_OR_RETURN(
        Statement s, c.Prepare("DELETE FROM replies WHERE request_id = ?1 AND "
                               "username = ?2"));
    CLINIC_RETURN_IF_ERROR(
        s.BindText(1, request_id).BindText(2, username).Run());
  }
  return records;
}

}  // namespace deadline_store
}  // namespace clinic
