"""Fuzz targets: one macro makes the three forms of each target.

For a target `foo_fuzzer` whose source defines LLVMFuzzerTestOneInput:
  - `foo_fuzzer_lib`: the target itself (alwayslink, so the entry point is kept);
  - `foo_fuzzer`: a binary. Under `--config=fuzz` (clang, see .bazelrc and tools/fuzz.sh)
    it links libFuzzer's main; otherwise a standalone main that runs the files named on
    its command line (to reproduce a crash with the normal toolchain);
  - `foo_fuzzer_replay_test`: a GoogleTest that runs every file of corpus/<corpus>/ and a
    bounded number of deterministic mutations of them through the target, so that CI
    exercises every parser with the normal toolchain.
"""

load("//tools:clinic.bzl", "CLINIC_COPTS", "clinic_cc_library", "clinic_cc_test")

def clinic_fuzz_target(name, srcs, corpus, deps = [], mutations = 20000):
    """A fuzz target, its binary and its replay test.

    Args:
      name: "<parser>_fuzzer".
      srcs: the source defining LLVMFuzzerTestOneInput.
      corpus: directory under corpus/ holding the seed inputs.
      deps: what the target parses with.
      mutations: deterministic mutations the replay test runs (in total).
    """
    clinic_cc_library(
        name = name + "_lib",
        testonly = 1,
        srcs = srcs,
        deps = deps + ["//tests/fuzz:fuzz_support"],
        alwayslink = 1,
    )
    native.cc_binary(
        name = name,
        testonly = 1,
        copts = CLINIC_COPTS,
        deps = [":" + name + "_lib"] + select({
            "//tests/fuzz:libfuzzer": [],
            "//conditions:default": ["//tests/fuzz:standalone_main"],
        }),
    )
    clinic_cc_test(
        name = name + "_replay_test",
        size = "medium",
        srcs = ["replay_test.cc"],
        copts = [
            "-DCLINIC_FUZZ_CORPUS=" + corpus,
            "-DCLINIC_FUZZ_MUTATIONS=" + str(mutations),
        ],
        data = native.glob(["corpus/" + corpus + "/**"]),
        deps = [
            ":" + name + "_lib",
            "//tests/fuzz:mutator",
            "//third_party:absl",
        ],
    )
