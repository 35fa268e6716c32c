// The tamper-evident audit log: durable appends with group commit, the hash
// chain, signed chain heads, queries and verification. The audit service's gRPC
// layer and the in-process audit sink both use it.
//
// Group commit: Append queues its event and waits; one committer thread takes
// everything queued (up to AuditConfig.max_batch), assigns sequence numbers,
// times and hashes, and writes the batch in one SQLCipher transaction (one
// fsync), then wakes the waiters with the outcome. Concurrent requests
// therefore share fsyncs instead of each paying for one, and a request is
// answered only after its event is on disk. When the log is quiet (no other
// append waiting, and the committer's latest batch held one event), Append
// commits its event on its own thread instead. One commit runs at a time, so
// the chain stays in order.
//
// Thread-safe.
#ifndef CLINIC_SERVICES_AUDIT_AUDIT_LOG_H_
#define CLINIC_SERVICES_AUDIT_AUDIT_LOG_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "clinic/v1/audit.pb.h"
#include "services/common/audit_sink.h"
#include "storage/crypto/ed25519.h"
#include "storage/database.h"

namespace clinic {

class AuditLog : public AuditSink {
 public:
  struct Options {
    const Clock* clock = Clock::Real();
    int max_batch = 512;
    absl::Duration sign_interval = absl::Seconds(60);
  };

  // The database's schema history.
  static std::vector<storage::Migration> Migrations();

  // Takes over `db` (already migrated), loads or creates the signing key, and
  // starts the committer thread.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Create(
      std::unique_ptr<storage::Database> db, Options options);
  // Commits what is queued, signs the head, and stops.
  ~AuditLog() override;

  // Durably appends `event`; returns once committed (or with the storage error,
  // e.g. RESOURCE_EXHAUSTED on a full disk). Assigns sequence, time and hashes.
  absl::Status Append(v1::AuditEvent event) override;

  // Appends several events (in order) and returns once all are committed; their
  // assigned sequence numbers go to `sequences`.
  absl::Status AppendAll(std::vector<v1::AuditEvent> events,
                         std::vector<int64_t>* sequences);

  // Events waiting for the committer.
  int64_t queue_depth();
  int64_t QueueDepth() override { return queue_depth(); }
  // Number of events in the chain.
  int64_t length();
  // Transactions the committer has written (each holds a batch of events).
  int64_t commits();

  struct Filter {
    absl::Time start = absl::InfinitePast();
    absl::Time end = absl::InfiniteFuture();
    // "users/x"; empty = any.
    std::string user;
    // A resource name; matches it and everything under it ("cases/x" matches
    // "cases/x/documents/y"). Empty = any.
    std::string resource;
    // A method name prefix. Empty = any.
    std::string method;
  };

  // Events matching `filter` with sequence > `after`, oldest first, at most
  // `limit`.
  absl::StatusOr<std::vector<v1::AuditEvent>> List(const Filter& filter,
                                                   int64_t after, int limit);

  // Calls `visit` for every matching event, oldest first, in one consistent
  // snapshot; stops early (OK) if it returns false.
  absl::Status Scan(const Filter& filter,
                    const std::function<bool(const v1::AuditEvent&)>& visit);

  // Recomputes the chain from `from_sequence` and checks every signed head.
  absl::StatusOr<v1::VerifyChainResponse> Verify(int64_t from_sequence);

  // Signs the current head now (if it moved since the last signature).
  absl::Status SignHead();

  // Signs `input` with the audit key (for export manifests).
  std::string Sign(absl::string_view input) const {
    return signer_->Sign(input);
  }
  const std::string& public_key() const { return signer_->public_key(); }
  const std::string& key_id() const { return key_id_; }

  // The chain head (sequence 0 and the genesis hash when empty).
  std::pair<int64_t, std::string> head();

 private:
  struct Pending {
    v1::AuditEvent event;
    absl::Status status;
    // Notified by whoever committed the event, once `status` is set. Each
    // waiter has its own, so a commit wakes exactly the appenders it served.
    absl::Notification done;
  };

  AuditLog(std::unique_ptr<storage::Database> db, Options options)
      : db_(std::move(db)), options_(options) {}
  void CommitLoop();
  absl::Status CommitBatch(std::vector<Pending*>& batch);

  std::unique_ptr<storage::Database> db_;
  const Options options_;
  std::unique_ptr<storage::Ed25519Signer> signer_;
  std::string key_id_;

  absl::Mutex mu_;
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // A commit is under way (on the committer or on an appending thread).
  bool committing_ ABSL_GUARDED_BY(mu_) = false;
  // Events queued for the committer or in its batch, not yet notified.
  int appending_ ABSL_GUARDED_BY(mu_) = 0;
  // Events in the committer's latest batch: more than one means appends are
  // arriving together and should keep sharing commits.
  size_t last_batch_size_ ABSL_GUARDED_BY(mu_) = 0;
  // The committed head, advanced only after a successful commit.
  int64_t head_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::string head_hash_ ABSL_GUARDED_BY(mu_);
  int64_t signed_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t commits_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_sign_ ABSL_GUARDED_BY(mu_);
  std::thread committer_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_AUDIT_AUDIT_LOG_H_
