#include "storage/database.h"

#include <openssl/crypto.h>
#include <sqlcipher/sqlite3.h>
#include <sys/stat.h>

#include <cstring>
#include <deque>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "storage/file_util.h"

namespace clinic {
namespace storage {
namespace {

constexpr char kPlainSqliteHeader[] = "SQLite format 3";

// Opens one connection to `path` and keys it. Does not touch the file's
// contents.
absl::StatusOr<sqlite3*> OpenHandle(const std::string& path,
                                    const SecretBytes& key, bool create,
                                    const std::string& label) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return absl::InternalError(
        absl::StrCat("cannot open the ", label, " (", path, "): ", reason));
  }
  // SQLCipher reads "x'<64 hex digits>'" as a raw key and skips its passphrase
  // KDF.
  std::string hex = absl::BytesToHexString(key.view());
  SecretBytes raw_key(absl::StrCat("x'", hex, "'"));
  OPENSSL_cleanse(&hex[0], hex.size());
  rc = sqlite3_key(db, raw_key.data(), static_cast<int>(raw_key.size()));
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return absl::InternalError(
        absl::StrCat("cannot set the key of the ", label, " (", path, ")"));
  }
  // Part of the file format: must be the same for every open of the file.
  rc = sqlite3_exec(db, "PRAGMA cipher_page_size = 4096;", nullptr, nullptr,
                    nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return absl::InternalError(
        absl::StrCat("cannot configure the ", label, " (", path, ")"));
  }
  return db;
}

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE ||
          rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::StatusCode::kAlreadyExists;
      }
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return absl::StatusCode::kDataLoss;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

// ---- Statement
// ---------------------------------------------------------------------------

Statement::Statement(Connection* connection, sqlite3_stmt* stmt, bool cached)
    : connection_(connection), stmt_(stmt), cached_(cached) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      stmt_(other.stmt_),
      cached_(other.cached_),
      bind_error_(other.bind_error_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ != nullptr) connection_->Release(stmt_, cached_);
}

Statement& Statement::BindInt(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindText(int index, absl::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view value) {
  // A zero-length blob must still be a blob, not NULL.
  int rc = value.empty() ? sqlite3_bind_zeroblob(stmt_, index, 0)
                         : sqlite3_bind_blob64(stmt_, index, value.data(),
                                               value.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindTextOrNull(int index, absl::string_view value) {
  return value.empty() ? BindNull(index) : BindText(index, value);
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_error_ != 0) {
    return connection_->ErrorStatus(bind_error_, "bind a statement parameter");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->ErrorStatus(rc, "run a statement");
}

absl::Status Statement::Run() {
  while (true) {
    CLINIC_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return absl::OkStatus();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), size)
              : std::string();
}

std::string Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return blob ? std::string(static_cast<const char*>(blob), size)
              : std::string();
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// ---- Connection
// --------------------------------------------------------------------------

Connection::~Connection() {
  for (auto& entry : cache_) sqlite3_finalize(entry.second);
  cache_.clear();
  sqlite3_close_v2(db_);
}

absl::StatusOr<Statement> Connection::Prepare(absl::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    sqlite3_stmt* stmt = it->second;
    cache_.erase(it);
    return Statement(this, stmt, /*cached=*/true);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, key.data(), static_cast<int>(key.size()),
                              &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return ErrorStatus(rc, "prepare a statement");
  }
  return Statement(this, stmt, /*cached=*/true);
}

void Connection::Release(sqlite3_stmt* stmt, bool cached) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  const char* sql = sqlite3_sql(stmt);
  if (!cached || sql == nullptr) {
    sqlite3_finalize(stmt);
    return;
  }
  // If the same SQL was prepared twice at once, keep one compilation and drop
  // the other.
  auto inserted = cache_.emplace(sql, stmt);
  if (!inserted.second) sqlite3_finalize(stmt);
}

absl::Status Connection::Execute(absl::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);
  if (rc != SQLITE_OK) return ErrorStatus(rc, "execute a statement");
  return absl::OkStatus();
}

absl::Status Connection::ExecuteCached(absl::string_view sql) {
  CLINIC_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  return statement.Run();
}

int64_t Connection::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

bool Connection::InTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

int Connection::Changes() const { return sqlite3_changes(db_); }

absl::Status Connection::ErrorStatus(int rc, absl::string_view what) const {
  int extended = sqlite3_extended_errcode(db_);
  if ((extended & 0xff) == (rc & 0xff)) rc = extended;
  absl::StatusCode code = CodeFor(rc);
  std::string message;
  switch (code) {
    case absl::StatusCode::kResourceExhausted:
      message = absl::StrCat("the disk holding the ", label_,
                             " is full; free space and retry");
      break;
    case absl::StatusCode::kDataLoss:
      message =
          absl::StrCat("the ", label_, " is damaged: ", sqlite3_errstr(rc));
      break;
    case absl::StatusCode::kUnavailable:
      message = absl::StrCat("the ", label_, " is busy; retry");
      break;
    default:
      // sqlite3_errmsg names tables and constraints, never bound values.
      message = absl::StrCat("cannot ", what, " on the ", label_, ": ",
                             sqlite3_errmsg(db_));
  }
  return absl::Status(code, message);
}

Migration SqlMigration(int version, std::string description, std::string sql) {
  return Migration{
      version, std::move(description),
      [sql = std::move(sql)](Connection& c) { return c.Execute(sql); }};
}

// ---- Database
// ----------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& path, const SecretBytes& key, Options options) {
  if (key.size() != 32) {
    return absl::InvalidArgumentError("a database key must be 32 bytes");
  }
  const std::string& label = options.label;
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", label, " path ", path, " is not a regular file"));
  }
  if (!exists && !options.create_if_missing) {
    return absl::NotFoundError(
        absl::StrCat("the ", label, " ", path, " does not exist"));
  }
  if (exists && st.st_size >= 16) {
    CLINIC_ASSIGN_OR_RETURN(std::string head, ReadFilePrefix(path, 16));
    if (head.compare(0, sizeof kPlainSqliteHeader - 1, kPlainSqliteHeader) ==
        0) {
      return absl::DataLossError(
          absl::StrCat("the ", label, " ", path,
                       " is an unencrypted SQLite file, not a clinic database; "
                       "refusing to use it"));
    }
  }

  std::unique_ptr<Database> database(new Database(path, label));
  CLINIC_ASSIGN_OR_RETURN(
      sqlite3 * handle,
      OpenHandle(path, key, options.create_if_missing, label));
  auto writer = std::unique_ptr<Connection>(new Connection(handle, label));

  // The first read decrypts page 1: a wrong key or a foreign file fails here,
  // before anything is written.
  int rc = sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master;", nullptr,
                        nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return absl::DataLossError(
        absl::StrCat("cannot open the ", label, " ", path,
                     ": the master key does not match it, or the file is "
                     "damaged or not a clinic "
                     "database. Nothing was changed."));
  }
  const std::string busy_ms =
      absl::StrCat(absl::ToInt64Milliseconds(options.busy_timeout));
  CLINIC_RETURN_IF_ERROR(writer->Execute(
      absl::StrCat("PRAGMA busy_timeout = ", busy_ms,
                   "; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                   " PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")));
  {
    CLINIC_ASSIGN_OR_RETURN(Statement mode,
                            writer->Prepare("PRAGMA journal_mode;"));
    CLINIC_ASSIGN_OR_RETURN(bool row, mode.Step());
    if (!row || mode.ColumnText(0) != "wal") {
      return absl::InternalError(
          absl::StrCat("the ", label, " could not switch to WAL journaling"));
    }
  }
  {
    absl::MutexLock lock(&database->write_mu_);
    database->writer_ = std::move(writer);
  }
  CLINIC_RETURN_IF_ERROR(database->Migrate(options.migrations));

  for (int i = 0; i < options.read_connections; ++i) {
    CLINIC_ASSIGN_OR_RETURN(sqlite3 * reader,
                            OpenHandle(path, key, false, label));
    auto connection =
        std::unique_ptr<Connection>(new Connection(reader, label));
    CLINIC_RETURN_IF_ERROR(connection->Execute(
        absl::StrCat("PRAGMA busy_timeout = ", busy_ms,
                     "; PRAGMA query_only = 1; PRAGMA foreign_keys = ON;")));
    database->readers_.push_back(std::move(connection));
  }
  {
    absl::MutexLock lock(&database->read_mu_);
    for (auto& reader : database->readers_) {
      database->idle_readers_.push_back(reader.get());
    }
  }
  return database;
}

Database::~Database() {
  // Readers first, so the writer's close (the last connection) checkpoints the
  // WAL.
  readers_.clear();
  absl::MutexLock lock(&write_mu_);
  writer_.reset();
}

absl::Status Database::Migrate(const std::vector<Migration>& migrations) {
  int current = 0;
  CLINIC_RETURN_IF_ERROR(Write([&](Connection& c) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(Statement version,
                            c.Prepare("PRAGMA user_version;"));
    CLINIC_ASSIGN_OR_RETURN(bool row, version.Step());
    current = row ? static_cast<int>(version.ColumnInt(0)) : 0;
    return absl::OkStatus();
  }));
  int latest = 0;
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return absl::InternalError(absl::StrCat(
          "migrations of the ", label_, " must be numbered 1, 2, 3, ..."));
    }
    latest = migrations[i].version;
  }
  if (current > latest) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", label_, " has schema version ", current,
                     ", newer than this server understands (", latest,
                     "); upgrade the server"));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    absl::Status status = Write([&](Connection& c) -> absl::Status {
      CLINIC_RETURN_IF_ERROR(migration.apply(c));
      return c.Execute(
          absl::StrCat("PRAGMA user_version = ", migration.version, ";"));
    });
    if (!status.ok()) {
      return absl::Status(
          status.code(),
          absl::StrCat("schema migration ", migration.version, " (",
                       migration.description, ") of the ", label_,
                       " failed and was rolled back: ", status.message()));
    }
    current = migration.version;
  }
  schema_version_ = current;
  return absl::OkStatus();
}

absl::Status Database::Write(absl::FunctionRef<absl::Status(Connection&)> fn,
                             Repeat repeat) {
  PendingWrite me{fn, repeat, absl::OkStatus(), false};
  {
    absl::MutexLock lock(&queue_mu_);
    queue_.push_back(&me);
    // Either a commit under way takes this write along, or this caller leads
    // the next one.
    auto ready = [this, &me]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return me.done || !committing_;
    };
    queue_mu_.Await(absl::Condition(&ready));
    if (me.done) return me.status;
    committing_ = true;
  }
  std::vector<PendingWrite*> batch;
  {
    absl::MutexLock lock(&queue_mu_);
    batch.swap(queue_);
  }
  CommitGroup(batch);
  absl::MutexLock lock(&queue_mu_);
  for (PendingWrite* p : batch) p->done = true;
  committing_ = false;
  return me.status;
}

void Database::CommitGroup(const std::vector<PendingWrite*>& batch) {
  absl::MutexLock lock(&write_mu_);
  Connection& c = *writer_;
  std::vector<PendingWrite*> kept;  // succeeded, awaiting the commit
  // Writes kept that may not run again: a failing write after one of them
  // must undo only itself, with a savepoint.
  int kept_unrepeatable = 0;
  auto begin = [&]() { return c.ExecuteCached("BEGIN IMMEDIATE;"); };
  absl::Status open = begin();
  std::deque<PendingWrite*> todo(batch.begin(), batch.end());
  while (!todo.empty()) {
    PendingWrite* p = todo.front();
    todo.pop_front();
    if (!open.ok()) {
      p->status = open;
      continue;
    }
    const bool guarded = kept_unrepeatable > 0;
    if (guarded) {
      p->status = c.ExecuteCached("SAVEPOINT group_write;");
      if (!p->status.ok()) continue;
    }
    p->status = p->fn(c);
    if (!c.InTransaction()) {
      // SQLite rolled the whole transaction back (a full disk, say): the
      // writes kept so far are gone with it.
      if (p->status.ok()) {
        p->status = absl::InternalError("the transaction ended unexpectedly");
      }
      for (PendingWrite* k : kept) k->status = p->status;
      kept.clear();
      kept_unrepeatable = 0;
      open = begin();
      continue;
    }
    if (p->status.ok()) {
      if (guarded) c.ExecuteCached("RELEASE group_write;").IgnoreError();
      kept.push_back(p);
      kept_unrepeatable += p->repeat == Repeat::kUnsafe;
    } else if (guarded) {
      c.ExecuteCached("ROLLBACK TO group_write;").IgnoreError();
      c.ExecuteCached("RELEASE group_write;").IgnoreError();
    } else if (!todo.empty() || !kept.empty()) {
      // Undo the failed write with everything since BEGIN, then run the
      // writes kept so far (all repeatable) again before the rest.
      c.ExecuteCached("ROLLBACK;").IgnoreError();
      open = begin();
      todo.insert(todo.begin(), kept.begin(), kept.end());
      kept.clear();
    }
  }
  if (!open.ok()) return;
  if (kept.empty()) {
    c.ExecuteCached("ROLLBACK;").IgnoreError();
    return;
  }
  absl::Status committed = c.ExecuteCached("COMMIT;");
  if (!committed.ok()) {
    // ROLLBACK fails harmlessly if SQLite already rolled back.
    c.ExecuteCached("ROLLBACK;").IgnoreError();
    for (PendingWrite* k : kept) k->status = committed;
  }
}

absl::Status Database::Checkpoint() {
  absl::MutexLock lock(&write_mu_);
  return writer_->Execute("PRAGMA wal_checkpoint(TRUNCATE);");
}

absl::Status Database::Read(
    absl::FunctionRef<absl::Status(Connection&)> fn) const {
  Connection* c = nullptr;
  {
    absl::MutexLock lock(&read_mu_);
    read_mu_.Await(absl::Condition(
        +[](std::vector<Connection*>* idle) { return !idle->empty(); },
        &idle_readers_));
    c = idle_readers_.back();
    idle_readers_.pop_back();
  }
  absl::Status status = c->ExecuteCached("BEGIN;");
  if (status.ok()) {
    status = fn(*c);
    absl::Status end = c->ExecuteCached(status.ok() ? "COMMIT;" : "ROLLBACK;");
    if (status.ok()) status = end;
  }
  {
    absl::MutexLock lock(&read_mu_);
    idle_readers_.push_back(c);
  }
  return status;
}

int64_t Database::SizeBytes() const {
  int64_t total = 0;
  struct stat st;
  for (const std::string& file : {path_, path_ + "-wal"}) {
    if (::stat(file.c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

}  // namespace storage
}  // namespace clinic
