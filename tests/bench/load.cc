#include "tests/bench/load.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace clinic {
namespace bench {

LoadResult RunLoad(int concurrency, absl::Duration duration,
                   const std::function<bool(int worker)>& call) {
  std::atomic<bool> measuring{false}, stop{false};
  std::vector<std::vector<double>> latencies(concurrency);
  std::vector<int64_t> errors(concurrency, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < concurrency; ++w) {
    threads.emplace_back([&, w] {
      while (!stop.load(std::memory_order_relaxed)) {
        absl::Time start = absl::Now();
        bool ok = call(w);
        double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
        if (measuring.load(std::memory_order_relaxed)) {
          latencies[w].push_back(ms);
          if (!ok) ++errors[w];
        }
      }
    });
  }
  absl::SleepFor(std::min(absl::Seconds(1), duration / 4));  // warm-up
  absl::Time begin = absl::Now();
  measuring = true;
  absl::SleepFor(duration);
  measuring = false;
  absl::Time end = absl::Now();
  stop = true;
  for (auto& t : threads) t.join();

  LoadResult r;
  std::vector<double> all;
  for (int w = 0; w < concurrency; ++w) {
    all.insert(all.end(), latencies[w].begin(), latencies[w].end());
    r.errors += errors[w];
  }
  std::sort(all.begin(), all.end());
  r.calls = static_cast<int64_t>(all.size());
  r.seconds = absl::ToDoubleSeconds(end - begin);
  r.per_second = r.calls / r.seconds;
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

}  // namespace bench
}  // namespace clinic
