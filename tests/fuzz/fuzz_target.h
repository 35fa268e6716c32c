// What every fuzz target in tests/fuzz shares: the libFuzzer entry point each
// target defines, and a check that aborts (so that libFuzzer, the standalone
// runner and the replay test all report it as a crash) when a property of the
// code under test does not hold.
//
// A target must be deterministic, must not write files, and must accept any
// input: malformed input is the point.
#ifndef CLINIC_TESTS_FUZZ_FUZZ_TARGET_H_
#define CLINIC_TESTS_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Aborts with the failed condition when `cond` is false.
#define CLINIC_FUZZ_CHECK(cond)                                         \
  do {                                                                  \
    if (!(cond)) {                                                      \
      std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #cond, \
                   __FILE__, __LINE__);                                 \
      std::abort();                                                     \
    }                                                                   \
  } while (0)

#endif  // CLINIC_TESTS_FUZZ_FUZZ_TARGET_H_
