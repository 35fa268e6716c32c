// A small closed-loop load driver for benchmarks: N concurrent callers repeat a
// call for a fixed time; throughput and latency percentiles are measured.
// Benchmarks only.
#ifndef CLINIC_TESTS_BENCH_LOAD_H_
#define CLINIC_TESTS_BENCH_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace clinic {
namespace bench {

struct LoadResult {
  int64_t calls = 0;
  int64_t errors = 0;
  double seconds = 0;
  double per_second = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  // CPU time this process used while measuring (all threads).
  double cpu_seconds = 0;
};

// Runs `call(worker)` from `concurrency` threads for `duration` (after a short
// warm-up); `call` returns true on success.
LoadResult RunLoad(int concurrency, absl::Duration duration,
                   const std::function<bool(int worker)>& call);

// One load among several compared by RunInterleaved.
struct Load {
  int concurrency;
  std::function<bool(int worker)> call;
};

// Measures each of `loads` for `duration` in total, in `rounds` turns taken
// one after another (A B A B ...), and returns one result per load with the
// latencies of all its turns. A figure and its baseline thus see the same
// drift in a shared machine's speed, which one long run of each does not.
std::vector<LoadResult> RunInterleaved(const std::vector<Load>& loads,
                                       absl::Duration duration, int rounds);

// "  label  1234.5/s  p50 1.20 ms  p90 ...  errors 0"
std::string Format(const std::string& label, const LoadResult& r);

// Peak resident memory of this process, in MiB.
double PeakRssMiB();

// Makes the servers a benchmark runs in its own process behave as the server
// binaries do (server_main.cc): Debian's Abseil checks every mutex for
// deadlock cycles unless told not to, a cost production does not pay. Call
// first in main.
void ActLikeServerBinaries();

}  // namespace bench
}  // namespace clinic

#endif  // CLINIC_TESTS_BENCH_LOAD_H_
