// Deterministic input mutations for the fuzz replay tests: what a libFuzzer
// run does in spirit (bit flips, byte changes, insertions, deletions,
// truncation, duplicated and spliced chunks, "interesting" values), but from a
// fixed seed, so that every CI run tries exactly the same inputs and a failure
// reproduces.
//
// Thread-compatible.
#ifndef CLINIC_TESTS_FUZZ_MUTATOR_H_
#define CLINIC_TESTS_FUZZ_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace clinic {
namespace fuzz {

class Mutator {
 public:
  // `max_size` bounds the size of a mutated input.
  Mutator(uint64_t seed, size_t max_size) : rng_(seed), max_size_(max_size) {}

  // A copy of `input` with 1 to 4 mutations stacked; `others` (may be empty)
  // are spliced from.
  std::string Mutate(const std::string& input,
                     const std::vector<std::string>& others);

  // A uniform integer in [0, n). Precondition: n > 0.
  size_t Below(size_t n);

 private:
  void MutateOnce(std::string* data, const std::vector<std::string>& others);

  std::mt19937_64 rng_;
  const size_t max_size_;
};

// Every regular file directly in `dir`, sorted by name, as (name, contents).
// Empty if the directory cannot be read.
std::vector<std::pair<std::string, std::string>> ReadCorpus(
    const std::string& dir);

}  // namespace fuzz
}  // namespace clinic

#endif  // CLINIC_TESTS_FUZZ_MUTATOR_H_
