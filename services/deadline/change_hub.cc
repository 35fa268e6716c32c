#include "services/deadline/change_hub.h"

#include <algorithm>

namespace clinic::deadline {

std::optional<v1::DeadlineChange> ChangeHub::Subscription::Next(
    absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return closed_ || !queue_.empty();
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  if (closed_ || queue_.empty()) return std::nullopt;
  v1::DeadlineChange change = std::move(queue_.front());
  queue_.pop_front();
  return change;
}

bool ChangeHub::Subscription::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

bool ChangeHub::Subscription::overflowed() const {
  absl::MutexLock lock(&mu_);
  return overflowed_;
}

void ChangeHub::Subscription::Push(const std::string& case_name,
                                   const v1::DeadlineChange& change) {
  if (!cases_.count(case_name)) return;
  absl::MutexLock lock(&mu_);
  if (closed_) return;
  if (queue_.size() >= kMaxQueued) {
    queue_.pop_front();
    overflowed_ = true;
  }
  queue_.push_back(change);
}

void ChangeHub::Subscription::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

std::shared_ptr<ChangeHub::Subscription> ChangeHub::Subscribe(
    std::set<std::string> cases) {
  std::shared_ptr<Subscription> subscription(
      new Subscription(std::move(cases)));
  absl::MutexLock lock(&mu_);
  if (closed_) {
    subscription->Close();
  } else {
    subscriptions_.push_back(subscription);
  }
  return subscription;
}

void ChangeHub::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  absl::MutexLock lock(&mu_);
  subscriptions_.erase(
      std::remove(subscriptions_.begin(), subscriptions_.end(), subscription),
      subscriptions_.end());
}

void ChangeHub::Publish(const v1::DeadlineChange& change) {
  absl::MutexLock lock(&mu_);
  for (const auto& subscription : subscriptions_) {
    subscription->Push(change.deadline().case_(), change);
  }
}

void ChangeHub::CloseAll() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
  for (const auto& subscription : subscriptions_) subscription->Close();
  subscriptions_.clear();
}

}  // namespace clinic::deadline
