#include "services/common/call_context.h"

#include <algorithm>
#include <array>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace clinic {
namespace {

// Calls by server context, sharded so concurrent calls rarely contend on one
// lock.
class CallRegistry {
 public:
  static CallRegistry& Get() {
    static CallRegistry* const registry = new CallRegistry();
    return *registry;
  }

  void Put(const grpc::ServerContextBase* key,
           std::shared_ptr<CallState> state) {
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    shard.calls[key] = std::move(state);
  }

  void Remove(const grpc::ServerContextBase* key) {
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    shard.calls.erase(key);
  }

  std::shared_ptr<CallState> Find(const grpc::ServerContextBase* key) {
    Shard& shard = ShardFor(key);
    absl::MutexLock lock(&shard.mu);
    auto it = shard.calls.find(key);
    return it == shard.calls.end() ? nullptr : it->second;
  }

 private:
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<const grpc::ServerContextBase*,
                        std::shared_ptr<CallState>>
        calls ABSL_GUARDED_BY(mu);
  };
  Shard& ShardFor(const grpc::ServerContextBase* key) {
    return shards_[absl::Hash<const void*>()(key) % shards_.size()];
  }
  std::array<Shard, 16> shards_;
};

}  // namespace

bool Caller::HasRole(v1::Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string Caller::user_resource() const {
  return kind == Kind::kUser ? absl::StrCat("users/", username) : "";
}

void CallState::AddResource(absl::string_view name) {
  if (name.empty()) return;
  absl::MutexLock lock(&mu_);
  if (std::find(resources_.begin(), resources_.end(), name) ==
      resources_.end()) {
    resources_.emplace_back(name);
  }
}

void CallState::SetReason(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  reason_ = std::string(reason);
}

std::vector<std::string> CallState::resources() const {
  absl::MutexLock lock(&mu_);
  return resources_;
}

std::string CallState::reason() const {
  absl::MutexLock lock(&mu_);
  return reason_;
}

void RegisterCall(const grpc::ServerContextBase* context,
                  std::shared_ptr<CallState> state) {
  CallRegistry::Get().Put(context, std::move(state));
}

void UnregisterCall(const grpc::ServerContextBase* context) {
  CallRegistry::Get().Remove(context);
}

std::shared_ptr<CallState> FindCall(const grpc::ServerContextBase* context) {
  return CallRegistry::Get().Find(context);
}

absl::StatusOr<Caller> AuthorizedCaller(
    const grpc::ServerContextBase* context) {
  std::shared_ptr<CallState> state = FindCall(context);
  if (state == nullptr) {
    return absl::PermissionDeniedError(
        "this call did not pass the server's security checks and is refused");
  }
  state->MarkChecked();
  if (!state->decision().ok()) return state->decision();
  return state->caller();
}

void AuditResource(const grpc::ServerContextBase* context,
                   absl::string_view name) {
  if (std::shared_ptr<CallState> state = FindCall(context))
    state->AddResource(name);
}

void AuditReason(const grpc::ServerContextBase* context,
                 absl::string_view reason) {
  if (std::shared_ptr<CallState> state = FindCall(context))
    state->SetReason(reason);
}

ScopedCallForTesting::ScopedCallForTesting(
    const grpc::ServerContextBase* context, Caller caller,
    absl::Status decision)
    : context_(context),
      state_(
          std::make_shared<CallState>(std::move(caller), std::move(decision))) {
  RegisterCall(context_, state_);
}

ScopedCallForTesting::~ScopedCallForTesting() { UnregisterCall(context_); }

}  // namespace clinic
