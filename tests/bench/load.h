// A small closed-loop load driver for benchmarks: N concurrent callers repeat a
// call for a fixed time; throughput and latency percentiles are measured.
// Benchmarks only.
#ifndef CLINIC_TESTS_BENCH_LOAD_H_
#define CLINIC_TESTS_BENCH_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"

namespace clinic {
namespace bench {

struct LoadResult {
  int64_t calls = 0;
  int64_t errors = 0;
  double seconds = 0;
  double per_second = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// Runs `call(worker)` from `concurrency` threads for `duration` (after a short
// warm-up); `call` returns true on success.
LoadResult RunLoad(int concurrency, absl::Duration duration,
                   const std::function<bool(int worker)>& call);

// "  label  1234.5/s  p50 1.20 ms  p90 ...  errors 0"
std::string Format(const std::string& label, const LoadResult& r);

// Peak resident memory of this process, in MiB.
double PeakRssMiB();

}  // namespace bench
}  // namespace clinic

#endif  // CLINIC_TESTS_BENCH_LOAD_H_
