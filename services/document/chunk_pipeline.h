// Runs an upload's stages (hashing, content sniffing, encrypting and writing)
// over its chunks, each stage on its own thread, while the handler's thread
// receives the next chunks. The network, the CPU-bound stages and the disk
// therefore overlap, and even a document sent as one large chunk keeps both
// cores of a small server busy instead of one.
//
// Every stage sees every chunk, in order. At most kDepth chunks (of at most
// 1 MiB each) wait for any stage, so memory stays bounded whatever the
// document's size. Chunks are plaintext: each is wiped once every stage is
// done with it.
//
// Usage:
//   ChunkPipeline pipeline({hash, sniff, encrypt_and_write});
//   while (receive(&chunk)) if (!pipeline.Push(std::move(chunk))) break;
//   CLINIC_RETURN_IF_ERROR(pipeline.Finish());
//
// Push and Finish are called from one thread; the stages each run on their
// own thread and must not share unguarded state with each other.
#ifndef CLINIC_SERVICES_DOCUMENT_CHUNK_PIPELINE_H_
#define CLINIC_SERVICES_DOCUMENT_CHUNK_PIPELINE_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "base/secret.h"

namespace clinic {

class ChunkPipeline {
 public:
  static constexpr size_t kDepth = 4;
  using Stage = std::function<absl::Status(absl::string_view chunk)>;

  // Starts one thread per stage.
  explicit ChunkPipeline(std::vector<Stage> stages);
  // Stops the stages, dropping chunks not yet processed (an abandoned upload).
  ~ChunkPipeline();
  ChunkPipeline(const ChunkPipeline&) = delete;
  ChunkPipeline& operator=(const ChunkPipeline&) = delete;

  // Queues `chunk` for every stage, waiting while any stage has kDepth chunks
  // waiting. False once a stage has failed (Finish returns why); the chunk is
  // then dropped.
  bool Push(std::string chunk);

  // Lets every stage process what is queued, stops them, and returns the
  // first error a stage returned (OK if none did). Call once.
  absl::Status Finish();

 private:
  using Chunk = std::shared_ptr<const SecretBytes>;
  struct Worker {
    Stage stage;
    std::deque<Chunk> queue;
    std::thread thread;
  };
  void Run(Worker* worker);
  void StopAll();

  absl::Mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;   // no more chunks will come
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;  // drop what is queued
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_DOCUMENT_CHUNK_PIPELINE_H_
