#include "services/hearing/hearing_store.h"

#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/common/validation.h"

namespace clinic {
namespace hearing_store {
namespace {

using hearing::Booking;
using hearing::PartyKind;
using storage::Statement;

int64_t Micros(absl::Time t) {
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  return ToMicros(t);
}

absl::StatusOr<v1::Hearing> Parse(const std::string& bytes, int64_t version) {
  v1::Hearing h;
  if (!h.ParseFromString(bytes)) {
    return absl::DataLossError("a stored hearing record cannot be read");
  }
  h.set_etag(absl::StrCat(version));
  return h;
}

// "cases/{case}/hearings/{id}" -> case id.
std::string CaseIdOf(const std::string& name) {
  // name = cases/<case>/hearings/<id>
  size_t a = name.find('/');
  size_t b = name.find('/', a + 1);
  return name.substr(a + 1, b - a - 1);
}

absl::Status WriteParties(Connection& c, const std::string& id,
                          const v1::Hearing& h) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement del,
      c.Prepare("DELETE FROM hearing_parties WHERE hearing_id = ?1"));
  CLINIC_RETURN_IF_ERROR(del.BindText(1, id).Run());
  if (!Occupies(h.status())) return absl::OkStatus();
  Booking b = BookingOf(h);
  hearing::Parties p = PartiesOf(h);
  CLINIC_ASSIGN_OR_RETURN(
      Statement ins,
      c.Prepare("INSERT OR IGNORE INTO hearing_parties (hearing_id, kind, "
                "party, start_us, end_us, in_person, place, name) VALUES (?1, "
                "?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  auto add = [&](PartyKind kind, const std::string& party) -> absl::Status {
    if (party.empty()) return absl::OkStatus();
    ins.Reset();
    return ins.BindText(1, id)
        .BindInt(2, static_cast<int>(kind))
        .BindText(3, party)
        .BindInt(4, ToMicros(b.start))
        .BindInt(5, ToMicros(b.end))
        .BindInt(6, b.in_person ? 1 : 0)
        .BindText(7, b.place)
        .BindText(8, b.name)
        .Run();
  };
  CLINIC_RETURN_IF_ERROR(add(PartyKind::kLawyer, p.lawyer));
  CLINIC_RETURN_IF_ERROR(add(PartyKind::kInterpreter, p.interpreter));
  for (const std::string& client : p.clients) {
    CLINIC_RETURN_IF_ERROR(add(PartyKind::kClient, client));
  }
  return absl::OkStatus();
}

absl::Status WriteHistory(Connection& c, const std::string& id,
                          const v1::Hearing& h, int64_t version,
                          const std::string& actor, const std::string& action) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO hearing_history (hearing_id, version, time_us, "
                "actor, action, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  return s.BindText(1, id)
      .BindInt(2, version)
      .BindInt(3, ToMicros(FromProtoTime(h.update_time())))
      .BindText(4, actor)
      .BindText(5, action)
      .BindBlob(6, h.SerializeAsString())
      .Run();
}

}  // namespace

std::vector<storage::Migration> Migrations() {
  return {storage::SqlMigration(1, "hearings, their parties and history", R"sql(
    CREATE TABLE hearings (
      id TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      counsel TEXT NOT NULL,
      start_us INTEGER NOT NULL,
      end_us INTEGER NOT NULL,
      status INTEGER NOT NULL,
      record BLOB NOT NULL,
      version INTEGER NOT NULL,
      request_id TEXT UNIQUE
    );
    CREATE INDEX hearings_by_case ON hearings(case_id, start_us, id);
    CREATE INDEX hearings_by_counsel ON hearings(counsel, start_us, id);
    CREATE TABLE hearing_parties (
      hearing_id TEXT NOT NULL REFERENCES hearings(id),
      kind INTEGER NOT NULL,
      party TEXT NOT NULL,
      start_us INTEGER NOT NULL,
      end_us INTEGER NOT NULL,
      in_person INTEGER NOT NULL,
      place TEXT NOT NULL,
      name TEXT NOT NULL,
      PRIMARY KEY (hearing_id, kind, party)
    );
    CREATE INDEX hearing_parties_by_time ON hearing_parties(kind, party, start_us);
    CREATE TABLE hearing_history (
      hearing_id TEXT NOT NULL REFERENCES hearings(id),
      version INTEGER NOT NULL,
      time_us INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      record BLOB NOT NULL,
      PRIMARY KEY (hearing_id, version)
    );
  )sql")};
}

bool Occupies(v1::HearingStatus status) {
  return status == v1::HEARING_STATUS_SCHEDULED ||
         status == v1::HEARING_STATUS_HELD ||
         status == v1::HEARING_STATUS_DECISION_RESERVED;
}

Booking BookingOf(const v1::Hearing& h) {
  Booking b;
  b.name = h.name();
  b.start = FromProtoTime(h.start_time());
  b.end = b.start + FromProtoDuration(h.duration());
  b.in_person = h.mode() == v1::HEARING_MODE_IN_PERSON ||
                h.mode() == v1::HEARING_MODE_HYBRID;
  if (b.in_person) b.place = hearing::PlaceKey(h.location());
  return b;
}

hearing::Parties PartiesOf(const v1::Hearing& h) {
  hearing::Parties p;
  p.lawyer = h.counsel();
  p.interpreter = hearing::InterpreterKey(h.interpreter());
  p.clients.assign(h.attendees().begin(), h.attendees().end());
  return p;
}

absl::StatusOr<std::optional<v1::Hearing>> Find(Connection& c,
                                                const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT record, version FROM hearings WHERE id = ?1"));
  s.BindText(1, id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::Hearing>();
  CLINIC_ASSIGN_OR_RETURN(v1::Hearing h,
                          Parse(s.ColumnBlob(0), s.ColumnInt(1)));
  return std::optional<v1::Hearing>(std::move(h));
}

absl::StatusOr<std::optional<v1::Hearing>> FindByRequestId(
    Connection& c, const std::string& request_id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s, c.Prepare("SELECT id FROM hearings WHERE request_id = ?1"));
  s.BindText(1, request_id);
  CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<v1::Hearing>();
  return Find(c, s.ColumnText(0));
}

absl::Status Insert(Connection& c, v1::Hearing* h,
                    const std::string& request_id, const std::string& actor,
                    const std::string& action) {
  const std::string id = ResourceId(h->name());
  h->set_etag("1");
  v1::Hearing record = *h;
  record.clear_etag();
  Booking b = BookingOf(*h);
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("INSERT INTO hearings (id, case_id, counsel, start_us, end_us, "
                "status, record, version, request_id) VALUES (?1, ?2, ?3, ?4, "
                "?5, ?6, ?7, 1, ?8)"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, id)
                             .BindText(2, CaseIdOf(h->name()))
                             .BindText(3, h->counsel())
                             .BindInt(4, ToMicros(b.start))
                             .BindInt(5, ToMicros(b.end))
                             .BindInt(6, h->status())
                             .BindBlob(7, record.SerializeAsString())
                             .BindTextOrNull(8, request_id)
                             .Run());
  CLINIC_RETURN_IF_ERROR(WriteParties(c, id, *h));
  return WriteHistory(c, id, record, 1, actor, action);
}

absl::Status Update(Connection& c, v1::Hearing* h, int64_t expected_version,
                    const std::string& actor, const std::string& action) {
  const std::string id = ResourceId(h->name());
  const int64_t version = expected_version + 1;
  v1::Hearing record = *h;
  record.clear_etag();
  Booking b = BookingOf(*h);
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("UPDATE hearings SET counsel = ?2, start_us = ?3, end_us = ?4, "
                "status = ?5, record = ?6, version = ?7 WHERE id = ?1 AND "
                "version = ?8"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, id)
                             .BindText(2, h->counsel())
                             .BindInt(3, ToMicros(b.start))
                             .BindInt(4, ToMicros(b.end))
                             .BindInt(5, h->status())
                             .BindBlob(6, record.SerializeAsString())
                             .BindInt(7, version)
                             .BindInt(8, expected_version)
                             .Run());
  if (c.Changes() != 1) {
    return absl::AbortedError(
        absl::StrCat(h->name(),
                     " was changed by someone else since you read it; fetch "
                     "it again and redo your change"));
  }
  h->set_etag(absl::StrCat(version));
  CLINIC_RETURN_IF_ERROR(WriteParties(c, id, *h));
  return WriteHistory(c, id, record, version, actor, action);
}

absl::StatusOr<std::vector<Booking>> BookingsOf(Connection& c, PartyKind who,
                                                const std::string& party,
                                                absl::Time from,
                                                absl::Time to) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT name, start_us, end_us, in_person, place FROM "
                "hearing_parties WHERE kind = ?1 AND party = ?2 AND start_us "
                ">= ?3 AND start_us < ?4 ORDER BY start_us, name"));
  s.BindInt(1, static_cast<int>(who))
      .BindText(2, party)
      .BindInt(3, Micros(from))
      .BindInt(4, Micros(to));
  std::vector<Booking> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    Booking b;
    b.name = s.ColumnText(0);
    b.start = FromMicros(s.ColumnInt(1));
    b.end = FromMicros(s.ColumnInt(2));
    b.in_person = s.ColumnInt(3) != 0;
    b.place = s.ColumnText(4);
    out.push_back(std::move(b));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Hearing>> List(Connection& c,
                                              const ListQuery& q) {
  std::string sql = "SELECT record, version, start_us, id FROM hearings WHERE ";
  absl::StrAppend(&sql, q.case_id.empty() ? "counsel = ?1" : "case_id = ?1");
  absl::StrAppend(&sql,
                  " AND start_us > ?2 AND start_us < ?3 AND (start_us > ?4 OR "
                  "(start_us = ?4 AND id > ?5))");
  if (!q.include_cancelled) {
    absl::StrAppend(&sql, " AND status != ", v1::HEARING_STATUS_CANCELLED);
  }
  absl::StrAppend(&sql, " ORDER BY start_us, id LIMIT ?6");
  CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
  s.BindText(1, q.case_id.empty() ? q.counsel : q.case_id)
      .BindInt(2, q.start_after == absl::InfinitePast()
                      ? std::numeric_limits<int64_t>::min()
                      : Micros(q.start_after))
      .BindInt(3, Micros(q.start_before))
      .BindInt(4, q.after_start_micros)
      .BindText(5, q.after_id)
      .BindInt(6, q.limit);
  std::vector<v1::Hearing> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    CLINIC_ASSIGN_OR_RETURN(v1::Hearing h,
                            Parse(s.ColumnBlob(0), s.ColumnInt(1)));
    out.push_back(std::move(h));
  }
  return out;
}

absl::StatusOr<std::vector<HistoryEntry>> History(Connection& c,
                                                  const std::string& id) {
  CLINIC_ASSIGN_OR_RETURN(
      Statement s,
      c.Prepare("SELECT version, time_us, actor, action, record FROM "
                "hearing_history WHERE hearing_id = ?1 ORDER BY version"));
  s.BindText(1, id);
  std::vector<HistoryEntry> out;
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    HistoryEntry e;
    e.version = s.ColumnInt(0);
    e.time = FromMicros(s.ColumnInt(1));
    e.actor = s.ColumnText(2);
    e.action = s.ColumnText(3);
    CLINIC_ASSIGN_OR_RETURN(e.record, Parse(s.ColumnBlob(4), e.version));
    out.push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<int> ForgetCase(Connection& c, const std::string& case_id) {
  for (const char* sql :
       {"DELETE FROM hearing_parties WHERE hearing_id IN (SELECT id FROM "
        "hearings WHERE case_id = ?1)",
        "DELETE FROM hearing_history WHERE hearing_id IN (SELECT id FROM "
        "hearings WHERE case_id = ?1)"}) {
    CLINIC_ASSIGN_OR_RETURN(Statement s, c.Prepare(sql));
    CLINIC_RETURN_IF_ERROR(s.BindText(1, case_id).Run());
  }
  CLINIC_ASSIGN_OR_RETURN(Statement s,
                          c.Prepare("DELETE FROM hearings WHERE case_id = ?1"));
  CLINIC_RETURN_IF_ERROR(s.BindText(1, case_id).Run());
  return static_cast<int>(c.Changes());
}

}  // namespace hearing_store
}  // namespace clinic
