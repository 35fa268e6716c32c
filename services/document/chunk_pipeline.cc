#include "services/document/chunk_pipeline.h"

#include <utility>

namespace clinic {

ChunkPipeline::ChunkPipeline(std::vector<Stage> stages) {
  for (Stage& stage : stages) {
    workers_.push_back(std::make_unique<Worker>());
    workers_.back()->stage = std::move(stage);
  }
  // Threads start only once every worker exists: Push and Run walk the list.
  for (auto& worker : workers_) {
    worker->thread = std::thread([this, w = worker.get()] { Run(w); });
  }
}

ChunkPipeline::~ChunkPipeline() {
  {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }
  StopAll();
}

void ChunkPipeline::StopAll() {
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

bool ChunkPipeline::Push(std::string chunk) {
  auto shared =
      std::make_shared<const SecretBytes>(SecretBytes::Adopt(std::move(chunk)));
  absl::MutexLock lock(&mu_);
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!error_.ok()) return true;
    for (const auto& worker : workers_) {
      if (worker->queue.size() >= kDepth) return false;
    }
    return true;
  };
  mu_.Await(absl::Condition(&room));
  if (!error_.ok()) return false;
  for (auto& worker : workers_) worker->queue.push_back(shared);
  return true;
}

absl::Status ChunkPipeline::Finish() {
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  StopAll();
  absl::MutexLock lock(&mu_);
  return error_;
}

void ChunkPipeline::Run(Worker* worker) {
  while (true) {
    Chunk chunk;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this, worker]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !worker->queue.empty() || closed_ || stopped_ || !error_.ok();
      };
      mu_.Await(absl::Condition(&ready));
      if (stopped_ || !error_.ok() || worker->queue.empty()) return;
      chunk = std::move(worker->queue.front());
      worker->queue.pop_front();
    }
    absl::Status status = worker->stage(chunk->view());
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      if (error_.ok()) error_ = std::move(status);
      // The other stages stop too; what they hold is wiped as it is dropped.
      for (auto& w : workers_) w->queue.clear();
      return;
    }
  }
}

}  // namespace clinic
