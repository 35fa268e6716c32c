#include "tests/bench/load.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace clinic {
namespace bench {

namespace {

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// What one measured run saw, before it is summarized.
struct Samples {
  std::vector<double> latencies_ms;
  int64_t errors = 0;
  double seconds = 0;
  double cpu_seconds = 0;

  void Add(Samples&& more) {
    latencies_ms.insert(latencies_ms.end(), more.latencies_ms.begin(),
                        more.latencies_ms.end());
    errors += more.errors;
    seconds += more.seconds;
    cpu_seconds += more.cpu_seconds;
  }
};

Samples Measure(const Load& load, absl::Duration duration) {
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(load.concurrency);
  std::vector<int64_t> errors(load.concurrency, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < load.concurrency; ++w) {
    threads.emplace_back([&, w] {
      while (!stop.load(std::memory_order_relaxed)) {
        absl::Time start = absl::Now();
        bool ok = load.call(w);
        double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
        if (measuring.load(std::memory_order_relaxed)) {
          latencies[w].push_back(ms);
          if (!ok) ++errors[w];
        }
      }
    });
  }
  absl::SleepFor(std::min(absl::Seconds(1), duration / 4));  // warm-up
  const double cpu_before = ProcessCpuSeconds();
  absl::Time begin = absl::Now();
  measuring = true;
  absl::SleepFor(duration);
  measuring = false;
  absl::Time end = absl::Now();
  const double cpu_after = ProcessCpuSeconds();
  stop = true;
  for (auto& t : threads) t.join();

  Samples out;
  for (int w = 0; w < load.concurrency; ++w) {
    out.latencies_ms.insert(out.latencies_ms.end(), latencies[w].begin(),
                            latencies[w].end());
    out.errors += errors[w];
  }
  out.seconds = absl::ToDoubleSeconds(end - begin);
  out.cpu_seconds = cpu_after - cpu_before;
  return out;
}

LoadResult Summarize(Samples samples) {
  std::vector<double>& all = samples.latencies_ms;
  std::sort(all.begin(), all.end());
  LoadResult r;
  r.errors = samples.errors;
  r.calls = static_cast<int64_t>(all.size());
  r.seconds = samples.seconds;
  r.per_second = r.seconds > 0 ? r.calls / r.seconds : 0;
  r.cpu_seconds = samples.cpu_seconds;
  auto pct = [&](double p) {
    if (all.empty()) return 0.0;
    return all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  r.p50_ms = pct(0.50);
  r.p90_ms = pct(0.90);
  r.p99_ms = pct(0.99);
  r.max_ms = all.empty() ? 0 : all.back();
  return r;
}

}  // namespace

LoadResult RunLoad(int concurrency, absl::Duration duration,
                   const std::function<bool(int worker)>& call) {
  return Summarize(Measure(Load{concurrency, call}, duration));
}

std::vector<LoadResult> RunInterleaved(const std::vector<Load>& loads,
                                       absl::Duration duration, int rounds) {
  std::vector<Samples> samples(loads.size());
  for (int round = 0; round < rounds; ++round) {
    for (size_t i = 0; i < loads.size(); ++i) {
      samples[i].Add(Measure(loads[i], duration / rounds));
    }
  }
  std::vector<LoadResult> results;
  for (Samples& s : samples) results.push_back(Summarize(std::move(s)));
  return results;
}

std::string Format(const std::string& label, const LoadResult& r) {
  return absl::StrFormat(
      "  %-34s %9.1f/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %7.2f ms "
      " errors %d",
      label, r.per_second, r.p50_ms, r.p90_ms, r.p99_ms, r.max_ms, r.errors);
}

double PeakRssMiB() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

void ActLikeServerBinaries() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace bench
}  // namespace clinic
