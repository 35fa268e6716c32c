// An encrypted SQLite database (SQLCipher) with a writer, a pool of readers,
// transactions that roll back on any error, and versioned schema migrations.
//
// Each service owns one Database file keyed with a raw 256-bit key derived from
// the master key (see keyring.h): the key is given to SQLCipher as a raw key,
// so no passphrase KDF runs. The database uses WAL journaling (readers never
// block the writer), synchronous=FULL (a committed transaction is on disk
// before Write returns), foreign keys, and secure_delete (deleted content is
// overwritten, not left in free pages).
//
// Opening never creates a second file and never overwrites an existing one: a
// wrong key, a damaged file or a file that is not a clinic database fails with
// a message that says so.
//
// Usage:
//   CLINIC_ASSIGN_OR_RETURN(auto db, Database::Open(path, key, options));
//   CLINIC_RETURN_IF_ERROR(db->Write([&](Connection& c) -> absl::Status {
//     CLINIC_ASSIGN_OR_RETURN(Statement insert, c.Prepare("INSERT INTO t VALUES
//     (?1)")); return insert.BindText(1, "x").Run();
//   }));
//
// Status codes: DATA_LOSS for a wrong key or damaged file; RESOURCE_EXHAUSTED
// when the disk is full; ALREADY_EXISTS for a UNIQUE/PRIMARY KEY violation;
// FAILED_PRECONDITION for other constraint violations and for a schema newer
// than this build; UNAVAILABLE when the database stays locked past the busy
// timeout; INTERNAL otherwise. Messages name the database and never contain
// bound values.
//
// Thread safety: Database is thread-safe. A Connection and the Statements
// prepared on it belong to the callback they were passed to and must not escape
// it.
#ifndef CLINIC_STORAGE_DATABASE_H_
#define CLINIC_STORAGE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/secret.h"

struct sqlite3;
struct sqlite3_stmt;

namespace clinic {
namespace storage {

class Connection;

// A prepared statement. Parameters are 1-based; columns are 0-based. Move-only;
// returns its compiled statement to the connection's cache when destroyed.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding errors are reported by the next Step() or Run().
  Statement& BindInt(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, absl::string_view value);
  Statement& BindBlob(int index, absl::string_view value);
  Statement& BindNull(int index);
  // Binds `value`, or NULL when it is empty.
  Statement& BindTextOrNull(int index, absl::string_view value);

  // Advances to the next row: true when a row is ready, false when there are no
  // more.
  absl::StatusOr<bool> Step();

  // Runs the statement to completion, ignoring any rows.
  absl::Status Run();

  // Makes the statement runnable again with new bindings (old bindings are
  // cleared).
  void Reset();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Connection;
  Statement(Connection* connection, sqlite3_stmt* stmt, bool cached);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  bool cached_;
  int bind_error_ = 0;
};

// One SQLite connection. Obtained only inside Database::Write / Database::Read
// callbacks.
class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Compiles `sql` (one statement), reusing a cached compilation when possible.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // Runs `sql`, which may hold several statements and no parameters (DDL,
  // pragmas).
  absl::Status Execute(absl::string_view sql);

  // Runs one statement without parameters through the statement cache: for
  // transaction control (BEGIN, COMMIT, SAVEPOINT ...) on hot paths, where
  // compiling it again on every call cost more than the read it wrapped.
  absl::Status ExecuteCached(absl::string_view sql);

  // Rowid of the last successful INSERT on this connection.
  int64_t LastInsertRowId() const;

  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;

  // Whether a transaction is open (SQLite ends one by itself after some
  // errors, e.g. a full disk).
  bool InTransaction() const;

  // Status for SQLite result code `rc` on this connection, with `what` as
  // context.
  absl::Status ErrorStatus(int rc, absl::string_view what) const;

 private:
  friend class Database;
  friend class Statement;
  Connection(sqlite3* db, std::string label)
      : db_(db), label_(std::move(label)) {}
  void Release(sqlite3_stmt* stmt, bool cached);

  sqlite3* db_;
  std::string label_;
  // Compiled statements by SQL text; a statement is removed while in use.
  absl::flat_hash_map<std::string, sqlite3_stmt*> cache_;
};

// One step of a schema's history. `version`s are 1, 2, 3, ... in order; each
// migration runs in its own transaction together with the update of the stored
// schema version.
struct Migration {
  int version;
  std::string description;
  std::function<absl::Status(Connection&)> apply;
};

// A migration that executes `sql` (several statements allowed).
Migration SqlMigration(int version, std::string description, std::string sql);

class Database {
 public:
  struct Options {
    // Used in messages, e.g. "intake database".
    std::string label = "database";
    // Create the file when it does not exist (otherwise NOT_FOUND).
    bool create_if_missing = true;
    // Read-only connections in the pool; Read() waits when all are busy.
    int read_connections = 4;
    // How long a statement waits for a lock held by another process.
    absl::Duration busy_timeout = absl::Seconds(10);
    // The schema's full history, applied at open.
    std::vector<Migration> migrations;
  };

  // Opens (or creates) the database at `path` with `key` (exactly 32 bytes) and
  // brings its schema up to date.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const SecretBytes& key,
                                                        Options options);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs `fn` in a write transaction; its changes are kept if it returns OK
  // and the commit succeeds, and none of them otherwise (its error, or the
  // commit's, is returned). Returns only once the changes are on disk.
  //
  // Group commit: calls arriving while a commit is under way are run one after
  // another inside one transaction, committed with one fsync; a failing one
  // undoes only itself. Each `fn` sees the changes of those before it, as with
  // serialized transactions. Not reentrant: do not call Write or Read from
  // inside `fn`; keep side effects outside the database until Write has
  // returned OK.
  //
  // `repeat`: kSafe declares that `fn` may run more than once, each run
  // starting afresh (it assigns, never accumulates, anything it sets outside
  // the database). Group commit then protects it from a later failing write
  // by rolling the transaction back and running it again, instead of with a
  // savepoint: SQLCipher encrypts every page a savepoint journals, which under
  // concurrent writers was close to half of all page encryptions.
  enum class Repeat { kUnsafe, kSafe };
  absl::Status Write(absl::FunctionRef<absl::Status(Connection&)> fn,
                     Repeat repeat = Repeat::kUnsafe);

  // Runs `fn` in a read transaction on a pooled read-only connection: it sees
  // one consistent snapshot and never blocks or is blocked by the writer.
  absl::Status Read(absl::FunctionRef<absl::Status(Connection&)> fn) const;

  // Copies the write-ahead log into the database file and empties it, so that
  // deleted content (overwritten in the file: secure_delete is on) survives in
  // no log either. For crypto-shredding: call after deleting keys. Best effort
  // while readers hold old snapshots.
  absl::Status Checkpoint();

  // Schema version after migrations.
  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

  // Size of the database file and its WAL, in bytes.
  int64_t SizeBytes() const;

 private:
  Database(std::string path, std::string label)
      : path_(std::move(path)), label_(std::move(label)) {}
  absl::Status Migrate(const std::vector<Migration>& migrations);

  const std::string path_;
  const std::string label_;
  int schema_version_ = 0;

  // A Write waiting for the commit that includes it.
  struct PendingWrite {
    absl::FunctionRef<absl::Status(Connection&)> fn;
    Repeat repeat;
    absl::Status status;
    bool done = false;
  };
  // Runs `batch` in one transaction and commits it; sets each one's status.
  void CommitGroup(const std::vector<PendingWrite*>& batch);

  absl::Mutex queue_mu_;
  std::vector<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool committing_ ABSL_GUARDED_BY(queue_mu_) = false;

  absl::Mutex write_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(write_mu_);

  mutable absl::Mutex read_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;
  mutable std::vector<Connection*> idle_readers_ ABSL_GUARDED_BY(read_mu_);
};

}  // namespace storage
}  // namespace clinic

#endif  // CLINIC_STORAGE_DATABASE_H_
