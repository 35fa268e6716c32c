#include "services/audit/audit_log.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/audit/audit_chain.h"

namespace clinic {
namespace {

using storage::Connection;
using storage::Statement;

// " AND ..." conditions for a filter, with their parameters: ?1 is the sequence
// to start after; the integers bind next, then the strings, in the order they
// appear.
struct FilterSql {
  std::string where;
  std::vector<std::string> text;
  std::vector<int64_t> ints;
};

FilterSql BuildFilter(const AuditLog::Filter& f) {
  FilterSql out;
  // Parameters: ?1 = after, then ints, then texts, numbered as they are added.
  int next = 2;
  auto param = [&next]() { return absl::StrCat("?", next++); };
  if (f.start != absl::InfinitePast()) {
    absl::StrAppend(&out.where, " AND time >= ", param());
    out.ints.push_back(ToMicros(f.start));
  }
  if (f.end != absl::InfiniteFuture()) {
    absl::StrAppend(&out.where, " AND time < ", param());
    out.ints.push_back(ToMicros(f.end));
  }
  if (!f.user.empty()) {
    absl::StrAppend(&out.where, " AND user = ", param());
    out.text.push_back(f.user);
  }
  if (!f.method.empty()) {
    // Method prefix: [m, m + U+FFFF) in byte order.
    std::string lo = param(), hi = param();
    absl::StrAppend(&out.where, " AND method >= ", lo, " AND method < ", hi);
    out.text.push_back(f.method);
    out.text.push_back(f.method + "\xef\xbf\xbf");
  }
  if (!f.resource.empty()) {
    std::string exact = param(), lo = param(), hi = param();
    absl::StrAppend(&out.where,
                    " AND sequence IN (SELECT sequence FROM event_resources "
                    "WHERE resource = ",
                    exact, " OR (resource >= ", lo, " AND resource < ", hi,
                    "))");
    out.text.push_back(f.resource);
    out.text.push_back(f.resource + "/");
    out.text.push_back(f.resource + "0");  // '0' follows '/' in byte order
  }
  return out;
}

void BindFilter(Statement& s, const FilterSql& f, int64_t after) {
  s.BindInt(1, after);
  int index = 2;
  for (int64_t v : f.ints) s.BindInt(index++, v);
  for (const std::string& v : f.text) s.BindText(index++, v);
}

}  // namespace

std::vector<storage::Migration> AuditLog::Migrations() {
  return {
      storage::SqlMigration(1, "audit events, signed heads, signing key", R"sql(
    CREATE TABLE events (
      sequence INTEGER PRIMARY KEY,
      time INTEGER NOT NULL,
      user TEXT NOT NULL,
      method TEXT NOT NULL,
      record BLOB NOT NULL
    );
    CREATE INDEX events_by_time ON events(time);
    CREATE INDEX events_by_user ON events(user, sequence);
    CREATE TABLE event_resources (
      resource TEXT NOT NULL,
      sequence INTEGER NOT NULL
    );
    CREATE INDEX event_resources_by_resource ON event_resources(resource, sequence);
    CREATE TABLE signed_heads (
      sequence INTEGER PRIMARY KEY,
      hash BLOB NOT NULL,
      time INTEGER NOT NULL,
      signature BLOB NOT NULL,
      key_id TEXT NOT NULL
    );
    CREATE TABLE audit_keys (
      key_id TEXT PRIMARY KEY,
      private_key BLOB NOT NULL,
      public_key BLOB NOT NULL,
      create_time INTEGER NOT NULL
    );
  )sql")};
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Create(
    std::unique_ptr<storage::Database> db, Options options) {
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(db), options));
  std::string private_key;
  int64_t head = 0;
  std::string head_hash = audit::GenesisHash();
  int64_t signed_sequence = 0;
  CLINIC_RETURN_IF_ERROR(log->db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(Statement key,
                            c.Prepare("SELECT key_id, private_key FROM "
                                      "audit_keys ORDER BY create_time "
                                      "DESC LIMIT 1"));
    CLINIC_ASSIGN_OR_RETURN(bool found, key.Step());
    if (found) {
      private_key = key.ColumnBlob(1);
    } else {
      CLINIC_ASSIGN_OR_RETURN(auto signer, storage::Ed25519Signer::Generate());
      private_key = std::string(signer->private_key().view());
      CLINIC_ASSIGN_OR_RETURN(Statement insert,
                              c.Prepare("INSERT INTO audit_keys (key_id, "
                                        "private_key, public_key, create_time) "
                                        "VALUES (?1, ?2, ?3, ?4)"));
      CLINIC_RETURN_IF_ERROR(
          insert.BindText(1, storage::KeyId(signer->public_key()))
              .BindBlob(2, private_key)
              .BindBlob(3, signer->public_key())
              .BindInt(4, ToMicros(options.clock->Now()))
              .Run());
    }
    CLINIC_ASSIGN_OR_RETURN(
        Statement last,
        c.Prepare("SELECT sequence, record FROM events ORDER BY sequence "
                  "DESC LIMIT 1"));
    CLINIC_ASSIGN_OR_RETURN(bool any, last.Step());
    if (any) {
      v1::AuditEvent event;
      if (!event.ParseFromString(last.ColumnBlob(1))) {
        return absl::DataLossError("the last audit event cannot be read");
      }
      head = last.ColumnInt(0);
      head_hash = event.hash();
    }
    CLINIC_ASSIGN_OR_RETURN(
        Statement signed_head,
        c.Prepare("SELECT max(sequence) FROM signed_heads"));
    CLINIC_ASSIGN_OR_RETURN(bool has_signed, signed_head.Step());
    if (has_signed && !signed_head.ColumnIsNull(0))
      signed_sequence = signed_head.ColumnInt(0);
    return absl::OkStatus();
  }));
  CLINIC_ASSIGN_OR_RETURN(log->signer_, storage::Ed25519Signer::FromPrivateKey(
                                            SecretBytes(private_key)));
  log->key_id_ = storage::KeyId(log->signer_->public_key());
  {
    absl::MutexLock lock(&log->mu_);
    log->head_sequence_ = head;
    log->head_hash_ = head_hash;
    log->signed_sequence_ = signed_sequence;
    log->last_sign_ = options.clock->Now();
  }
  log->committer_ = std::thread([raw = log.get()] { raw->CommitLoop(); });
  return log;
}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (committer_.joinable()) committer_.join();
  absl::Status signed_head = SignHead();
  if (!signed_head.ok()) {
    log::Error("could not sign the audit chain head at shutdown",
               {{"reason", std::string(signed_head.message())}});
  }
}

absl::Status AuditLog::Append(v1::AuditEvent event) {
  Pending pending;
  pending.event = std::move(event);
  mu_.Lock();
  if (stopping_) {
    mu_.Unlock();
    return absl::UnavailableError("the audit log is shutting down");
  }
  if (appending_ == 0 && !committing_ && last_batch_size_ <= 1) {
    // A quiet log (no other append waiting, and the last commit had no one to
    // share with): commit on this thread rather than wake the committer and
    // wait to be woken (two thread hand-offs, the larger part of a quiet
    // server's audit latency). Under concurrency the committer batches as
    // before; committing alone there would split its batches.
    committing_ = true;
    mu_.Unlock();
    std::vector<Pending*> alone = {&pending};
    absl::Status status = CommitBatch(alone);
    mu_.Lock();
    committing_ = false;
    mu_.Unlock();
    return status;
  }
  ++appending_;
  queue_.push_back(&pending);
  mu_.Unlock();
  // Waiting outside mu_: waiting inside it (Mutex::Await) made every release
  // of mu_ re-evaluate every waiter's condition, 3% of all CPU samples with
  // 32 concurrent audited reads.
  pending.done.WaitForNotification();
  return pending.status;
}

absl::Status AuditLog::AppendAll(std::vector<v1::AuditEvent> events,
                                 std::vector<int64_t>* sequences) {
  std::vector<Pending> pending(events.size());
  for (size_t i = 0; i < events.size(); ++i)
    pending[i].event = std::move(events[i]);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_)
      return absl::UnavailableError("the audit log is shutting down");
    appending_ += static_cast<int>(pending.size());
    for (Pending& p : pending) queue_.push_back(&p);
  }
  for (Pending& p : pending) p.done.WaitForNotification();
  for (const Pending& p : pending) {
    if (!p.status.ok()) return p.status;
    sequences->push_back(p.event.sequence());
  }
  return absl::OkStatus();
}

int64_t AuditLog::queue_depth() {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(queue_.size());
}

int64_t AuditLog::length() {
  absl::MutexLock lock(&mu_);
  return head_sequence_;
}

int64_t AuditLog::commits() {
  absl::MutexLock lock(&mu_);
  return commits_;
}

std::pair<int64_t, std::string> AuditLog::head() {
  absl::MutexLock lock(&mu_);
  return {head_sequence_, head_hash_};
}

void AuditLog::CommitLoop() {
  while (true) {
    std::vector<Pending*> batch;
    bool sign_due = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !committing_ && (!queue_.empty() || stopping_);
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), options_.sign_interval);
      if (!committing_) {
        if (queue_.empty() && stopping_) return;
        while (!queue_.empty() &&
               static_cast<int>(batch.size()) < options_.max_batch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
        committing_ = !batch.empty();
        if (committing_) last_batch_size_ = batch.size();
      }
      sign_due = options_.clock->Now() - last_sign_ >= options_.sign_interval;
    }
    if (!batch.empty()) {
      absl::Status status = CommitBatch(batch);
      {
        absl::MutexLock lock(&mu_);
        committing_ = false;
        appending_ -= static_cast<int>(batch.size());
      }
      // A waiter may destroy its Pending as soon as it is notified.
      for (Pending* p : batch) {
        p->status = status;
        p->done.Notify();
      }
    }
    if (sign_due) {
      absl::Status signed_head = SignHead();
      if (!signed_head.ok()) {
        log::Error("could not sign the audit chain head",
                   {{"reason", std::string(signed_head.message())}});
      }
    }
  }
}

absl::Status AuditLog::CommitBatch(std::vector<Pending*>& batch) {
  int64_t sequence;
  std::string hash;
  {
    absl::MutexLock lock(&mu_);
    sequence = head_sequence_;
    hash = head_hash_;
  }
  const google::protobuf::Timestamp now = ToProtoTime(options_.clock->Now());
  const int64_t now_micros = ToMicros(FromProtoTime(now));
  std::vector<v1::AuditEvent> events;
  for (Pending* p : batch) {
    v1::AuditEvent event = p->event;
    event.set_sequence(++sequence);
    *event.mutable_time() = now;
    event.set_previous_hash(hash);
    event.set_hash(audit::EventHash(hash, event));
    hash = event.hash();
    events.push_back(std::move(event));
  }
  absl::Status status = db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        Statement insert,
        c.Prepare("INSERT INTO events (sequence, time, user, method, record) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)"));
    CLINIC_ASSIGN_OR_RETURN(Statement resource,
                            c.Prepare("INSERT INTO event_resources (resource, "
                                      "sequence) VALUES (?1, ?2)"));
    for (const v1::AuditEvent& event : events) {
      insert.Reset();
      CLINIC_RETURN_IF_ERROR(insert.BindInt(1, event.sequence())
                                 .BindInt(2, now_micros)
                                 .BindText(3, event.user())
                                 .BindText(4, event.method())
                                 .BindBlob(5, event.SerializeAsString())
                                 .Run());
      for (const std::string& name : event.resources()) {
        resource.Reset();
        CLINIC_RETURN_IF_ERROR(
            resource.BindText(1, name).BindInt(2, event.sequence()).Run());
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  absl::MutexLock lock(&mu_);
  head_sequence_ = sequence;
  head_hash_ = hash;
  ++commits_;
  for (size_t i = 0; i < batch.size(); ++i)
    batch[i]->event = std::move(events[i]);
  return absl::OkStatus();
}

absl::Status AuditLog::SignHead() {
  int64_t sequence;
  std::string hash;
  {
    absl::MutexLock lock(&mu_);
    last_sign_ = options_.clock->Now();
    if (head_sequence_ == signed_sequence_) return absl::OkStatus();
    sequence = head_sequence_;
    hash = head_hash_;
  }
  std::string signature =
      signer_->Sign(audit::HeadSigningInput(sequence, hash));
  CLINIC_RETURN_IF_ERROR(db_->Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(Statement s,
                            c.Prepare("INSERT OR REPLACE INTO signed_heads "
                                      "(sequence, hash, time, signature, "
                                      "key_id) VALUES (?1, ?2, ?3, ?4, ?5)"));
    return s.BindInt(1, sequence)
        .BindBlob(2, hash)
        .BindInt(3, ToMicros(options_.clock->Now()))
        .BindBlob(4, signature)
        .BindText(5, key_id_)
        .Run();
  }));
  absl::MutexLock lock(&mu_);
  signed_sequence_ = std::max(signed_sequence_, sequence);
  return absl::OkStatus();
}

absl::Status AuditLog::Scan(
    const Filter& filter,
    const std::function<bool(const v1::AuditEvent&)>& visit) {
  FilterSql sql = BuildFilter(filter);
  return db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        Statement s, c.Prepare(absl::StrCat("SELECT record FROM events WHERE "
                                            "sequence > ?1",
                                            sql.where, " ORDER BY sequence")));
    BindFilter(s, sql, 0);
    while (true) {
      CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return absl::OkStatus();
      v1::AuditEvent event;
      if (!event.ParseFromString(s.ColumnBlob(0))) {
        return absl::DataLossError(
            "an audit event cannot be read; run VerifyChain");
      }
      if (!visit(event)) return absl::OkStatus();
    }
  });
}

absl::StatusOr<std::vector<v1::AuditEvent>> AuditLog::List(const Filter& filter,
                                                           int64_t after,
                                                           int limit) {
  FilterSql sql = BuildFilter(filter);
  std::vector<v1::AuditEvent> events;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        Statement s,
        c.Prepare(absl::StrCat("SELECT record FROM events WHERE sequence > ?1",
                               sql.where, " ORDER BY sequence LIMIT ", limit)));
    BindFilter(s, sql, after);
    while (true) {
      CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return absl::OkStatus();
      v1::AuditEvent event;
      if (!event.ParseFromString(s.ColumnBlob(0))) {
        return absl::DataLossError(
            "an audit event cannot be read; run VerifyChain");
      }
      events.push_back(std::move(event));
    }
  }));
  return events;
}

absl::StatusOr<v1::VerifyChainResponse> AuditLog::Verify(
    int64_t from_sequence) {
  if (from_sequence < 1) from_sequence = 1;
  v1::VerifyChainResponse response;
  audit::ChainChecker checker(/*expect_linked=*/true);
  std::map<int64_t, v1::SignedChainHead> heads;
  std::map<int64_t, std::string> chain_at_heads;
  int64_t last_sequence = 0;
  CLINIC_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        Statement h,
        c.Prepare("SELECT sequence, hash, time, signature, key_id FROM "
                  "signed_heads ORDER BY sequence"));
    while (true) {
      CLINIC_ASSIGN_OR_RETURN(bool row, h.Step());
      if (!row) break;
      v1::SignedChainHead head;
      head.set_sequence(h.ColumnInt(0));
      head.set_hash(h.ColumnBlob(1));
      *head.mutable_sign_time() = ToProtoTime(FromMicros(h.ColumnInt(2)));
      head.set_signature(h.ColumnBlob(3));
      head.set_key_id(h.ColumnText(4));
      heads[head.sequence()] = head;
    }
    // Start from the event before `from_sequence`, so its successor's link is
    // checked.
    CLINIC_ASSIGN_OR_RETURN(
        Statement s, c.Prepare("SELECT sequence, record FROM events WHERE "
                               "sequence >= ?1 ORDER BY sequence"));
    s.BindInt(1, from_sequence > 1 ? from_sequence - 1 : 1);
    while (true) {
      CLINIC_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      int64_t sequence = s.ColumnInt(0);
      v1::AuditEvent event;
      if (!event.ParseFromString(s.ColumnBlob(1))) {
        response.set_first_bad_sequence(sequence);
        response.set_problem(
            absl::StrCat("event ", sequence, " cannot be decoded: altered"));
        return absl::OkStatus();
      }
      if (event.sequence() != sequence) {
        response.set_first_bad_sequence(sequence);
        response.set_problem(
            absl::StrCat("the record stored as event ", sequence, " is event ",
                         event.sequence(), ": events were moved"));
        return absl::OkStatus();
      }
      if (!checker.Add(event)) {
        response.set_first_bad_sequence(checker.first_bad_sequence());
        response.set_problem(checker.problem());
        return absl::OkStatus();
      }
      if (heads.count(sequence)) chain_at_heads[sequence] = event.hash();
      last_sequence = sequence;
    }
    return absl::OkStatus();
  }));
  response.set_events_checked(checker.checked());
  if (response.first_bad_sequence() != 0) return response;
  for (const auto& [sequence, head] : heads) {
    if (!storage::Ed25519Verify(
            public_key(), audit::HeadSigningInput(head.sequence(), head.hash()),
            head.signature())) {
      response.set_first_bad_sequence(sequence);
      response.set_problem(
          absl::StrCat("the signature over the chain head at event ", sequence,
                       " does not verify: it was forged"));
      return response;
    }
    if (sequence > last_sequence) {
      response.set_first_bad_sequence(last_sequence + 1);
      response.set_problem(absl::StrCat(
          "the chain ends at event ", last_sequence,
          " but a signed head covers event ", sequence, ": events ",
          last_sequence + 1, "..", sequence, " were removed"));
      return response;
    }
    if (sequence >= from_sequence && chain_at_heads[sequence] != head.hash()) {
      response.set_first_bad_sequence(sequence);
      response.set_problem(
          absl::StrCat("event ", sequence,
                       " differs from the signed chain head: the chain "
                       "was rewritten up to it"));
      return response;
    }
    *response.mutable_last_signed_head() = head;
  }
  response.set_ok(true);
  return response;
}

}  // namespace clinic
