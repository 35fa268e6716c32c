// Fan-out of deadline changes to WatchDeadlines streams. The service publishes
// each change after its transaction commits; each watcher receives the
// changes of the cases it watches, in order, from a queue of its own (a slow
// watcher never slows a writer: past `kMaxQueued` its oldest changes are
// dropped and it is told to resynchronise).
//
// Thread-safe.
#ifndef CLINIC_SERVICES_DEADLINE_CHANGE_HUB_H_
#define CLINIC_SERVICES_DEADLINE_CHANGE_HUB_H_

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clinic/v1/deadline.pb.h"

namespace clinic::deadline {

class ChangeHub {
 public:
  static constexpr size_t kMaxQueued = 10000;

  class Subscription {
   public:
    // The next change, waiting up to `timeout`; nullopt on timeout or once
    // closed.
    std::optional<v1::DeadlineChange> Next(absl::Duration timeout);
    bool closed() const;
    // True once changes were dropped because the watcher fell behind.
    bool overflowed() const;

   private:
    friend class ChangeHub;
    explicit Subscription(std::set<std::string> cases)
        : cases_(std::move(cases)) {}
    void Push(const std::string& case_name, const v1::DeadlineChange& change);
    void Close();

    const std::set<std::string> cases_;
    mutable absl::Mutex mu_;
    std::deque<v1::DeadlineChange> queue_ ABSL_GUARDED_BY(mu_);
    bool closed_ ABSL_GUARDED_BY(mu_) = false;
    bool overflowed_ ABSL_GUARDED_BY(mu_) = false;
  };

  // Changes on `cases` ("cases/{id}") from now on.
  std::shared_ptr<Subscription> Subscribe(std::set<std::string> cases);
  void Unsubscribe(const std::shared_ptr<Subscription>& subscription);

  void Publish(const v1::DeadlineChange& change);

  // Ends every subscription (server shutdown); later ones start closed.
  void CloseAll();

 private:
  absl::Mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_
      ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace clinic::deadline

#endif  // CLINIC_SERVICES_DEADLINE_CHANGE_HUB_H_
