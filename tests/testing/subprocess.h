// Test helpers for running the project's binaries as real processes: spawn with
// arguments, wait for a file to appear (e.g. a port file), send signals, and
// collect the exit status and output. For end-to-end, crash and
// split-deployment tests.
#ifndef CLINIC_TESTS_TESTING_SUBPROCESS_H_
#define CLINIC_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace clinic {
namespace testing {

// Absolute path of a file in this test's runfiles, e.g.
// "services/clinicd/clinicd".
std::string RunfilePath(const std::string& workspace_relative);

// A fresh, empty directory under TEST_TMPDIR, or else under /tmp, where it is
// removed when the process exits (unless CLINIC_KEEP_TEMP is set).
std::string NewTempDir(const std::string& prefix);

// The result of a process that ran to completion.
struct RunResult {
  // Exit code, or 128 + signal number if it was killed by a signal.
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs `argv` to completion (with `stdin_text` on its standard input),
// capturing output.
absl::StatusOr<RunResult> Run(const std::vector<std::string>& argv,
                              const std::string& stdin_text = "",
                              absl::Duration timeout = absl::Seconds(60));

// A process running in the background; killed (SIGKILL) if still running at
// destruction.
class Subprocess {
 public:
  // Starts `argv`; its stdout and stderr go to `log_file`.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& log_file);
  ~Subprocess();

  pid_t pid() const { return pid_; }
  bool running();

  // Sends `signal`.
  void Signal(int signal);

  // Waits for the process to exit; its exit code (or 128 + signal), or
  // DEADLINE_EXCEEDED.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // The log file's contents so far.
  std::string Log() const;

 private:
  Subprocess(pid_t pid, std::string log_file)
      : pid_(pid), log_file_(std::move(log_file)) {}
  pid_t pid_;
  std::string log_file_;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Waits until `path` exists and is non-empty; returns its contents.
absl::StatusOr<std::string> WaitForFile(const std::string& path,
                                        absl::Duration timeout,
                                        Subprocess* process = nullptr);

}  // namespace testing
}  // namespace clinic

#endif  // CLINIC_TESTS_TESTING_SUBPROCESS_H_
