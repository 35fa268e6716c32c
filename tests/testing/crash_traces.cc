// Linked into tests: a crash (SIGSEGV, SIGABRT, ...) prints the stack of the
// failing thread before the process dies, so that a crash seen once in CI can
// be diagnosed from its log.
#include "absl/debugging/failure_signal_handler.h"
#include "absl/debugging/symbolize.h"

namespace {

const bool installed = [] {
  absl::InitializeSymbolizer("/proc/self/exe");
  absl::InstallFailureSignalHandler(absl::FailureSignalHandlerOptions());
  return true;
}();

}  // namespace
