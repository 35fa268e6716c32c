#include "services/auth/revocation_hub.h"

namespace clinic {
namespace {
// Watchers far behind catch up from the database on reconnect; the hub keeps
// only recent.
constexpr size_t kKept = 10000;
}  // namespace

void RevocationHub::Publish(const v1::Revocation& revocation) {
  absl::MutexLock lock(&mu_);
  recent_.push_back(revocation);
  if (recent_.size() > kKept) {
    recent_.pop_front();
    ++first_position_;
  }
}

int64_t RevocationHub::Position() {
  absl::MutexLock lock(&mu_);
  return first_position_ + static_cast<int64_t>(recent_.size());
}

std::vector<v1::Revocation> RevocationHub::WaitForNew(int64_t* cursor,
                                                      absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto ready = [this, cursor]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ ||
           first_position_ + static_cast<int64_t>(recent_.size()) > *cursor;
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  std::vector<v1::Revocation> out;
  if (closed_) return out;
  int64_t start = std::max(*cursor, first_position_);
  for (int64_t p = start;
       p < first_position_ + static_cast<int64_t>(recent_.size()); ++p) {
    out.push_back(recent_[static_cast<size_t>(p - first_position_)]);
  }
  *cursor = first_position_ + static_cast<int64_t>(recent_.size());
  return out;
}

void RevocationHub::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

bool RevocationHub::closed() {
  absl::MutexLock lock(&mu_);
  return closed_;
}

}  // namespace clinic
