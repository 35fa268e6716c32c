// Replays one fuzz target's seed corpus (tests/fuzz/corpus/<corpus>/) and a
// fixed number of deterministic mutations of it through the target, with the
// normal toolchain: CI's bounded, reproducible share of fuzzing. Built once
// per target by clinic_fuzz_target (fuzz.bzl), which defines
// CLINIC_FUZZ_CORPUS and CLINIC_FUZZ_MUTATIONS.
//
// A crash or a failed property aborts the test; the input that did it is
// printed first (hex), so it can be saved and replayed with the target's
// standalone binary.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "tests/fuzz/fuzz_target.h"
#include "tests/fuzz/mutator.h"

#define CLINIC_FUZZ_STR_(x) #x
#define CLINIC_FUZZ_STR(x) CLINIC_FUZZ_STR_(x)

namespace clinic {
namespace fuzz {
namespace {

constexpr char kCorpusDir[] =
    "tests/fuzz/corpus/" CLINIC_FUZZ_STR(CLINIC_FUZZ_CORPUS);
constexpr size_t kMaxInput = 1 << 20;

// The input being run, for the crash report.
const std::string* current_input = nullptr;

void PrintCurrentInput(int) {
  if (current_input != nullptr) {
    std::string hex = absl::BytesToHexString(current_input->substr(0, 4096));
    std::fprintf(stderr, "\ncrashing input (%zu bytes, hex, first 4 KiB): %s\n",
                 current_input->size(), hex.c_str());
  }
  std::signal(SIGABRT, SIG_DFL);
  std::signal(SIGSEGV, SIG_DFL);
  std::raise(SIGABRT);
}

void RunInput(const std::string& input) {
  current_input = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()),
                         input.size());
  current_input = nullptr;
}

class FuzzReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::signal(SIGABRT, PrintCurrentInput);
    std::signal(SIGSEGV, PrintCurrentInput);
    corpus_ = ReadCorpus(kCorpusDir);
    for (const auto& [name, data] : corpus_) inputs_.push_back(data);
  }
  std::vector<std::pair<std::string, std::string>> corpus_;
  std::vector<std::string> inputs_;
};

TEST_F(FuzzReplayTest, EverySeedRunsCleanly) {
  ASSERT_GE(corpus_.size(), 3u) << "too few seeds in " << kCorpusDir;
  for (const auto& [name, data] : corpus_) {
    SCOPED_TRACE(name);
    RunInput(data);
  }
  // The empty input is always worth one run.
  RunInput("");
}

TEST_F(FuzzReplayTest, DeterministicMutationsRunCleanly) {
  ASSERT_FALSE(inputs_.empty()) << "no seeds in " << kCorpusDir;
  Mutator mutator(/*seed=*/0xC11A1C, kMaxInput);
  const int mutations = CLINIC_FUZZ_MUTATIONS;
  for (int i = 0; i < mutations; ++i) {
    const std::string& seed = inputs_[static_cast<size_t>(i) % inputs_.size()];
    RunInput(mutator.Mutate(seed, inputs_));
  }
  SUCCEED() << mutations << " mutations of " << inputs_.size() << " seeds";
}

}  // namespace
}  // namespace fuzz
}  // namespace clinic
