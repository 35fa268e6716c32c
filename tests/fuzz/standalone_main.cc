// The main of a fuzz target binary built with the normal toolchain (no
// libFuzzer): runs each file named on the command line through the target
// once, so that a crash found by tools/fuzz.sh can be reproduced and debugged
// with gcc, gdb or --config=asan.
//
//   bazel run //tests/fuzz:config_fuzzer -- /path/to/crash-1234
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "tests/fuzz/fuzz_target.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " FILE...\n"
              << "runs each FILE through the fuzz target once\n";
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::cerr << "cannot read " << argv[i] << "\n";
      return 2;
    }
    std::string data((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()),
                           data.size());
    std::cout << "ran " << argv[i] << " (" << data.size() << " bytes)\n";
  }
  return 0;
}
