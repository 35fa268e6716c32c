#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/base/const_init.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/random.h"
#include "storage/file_util.h"

namespace clinic {
namespace testing {
namespace {

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::vector<char*> ArgvPointers(const std::vector<std::string>& argv) {
  std::vector<char*> ptrs;
  for (const std::string& a : argv)
    ptrs.push_back(const_cast<char*>(a.c_str()));
  ptrs.push_back(nullptr);
  return ptrs;
}

// Directories NewTempDir made outside `bazel test`, removed at exit.
std::vector<std::string>& DirectoriesToRemove() {
  static auto* dirs = new std::vector<std::string>;
  return *dirs;
}
absl::Mutex dirs_mu(absl::kConstInit);

void RemoveTempDirs() {
  absl::MutexLock lock(&dirs_mu);
  std::error_code ignored;
  for (const std::string& dir : DirectoriesToRemove()) {
    std::filesystem::remove_all(dir, ignored);
  }
}

}  // namespace

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr) return workspace_relative;
  return absl::StrCat(srcdir, "/", workspace ? workspace : "clinic", "/",
                      workspace_relative);
}

std::string NewTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = storage::JoinPath(
      tmp ? tmp : "/tmp", absl::StrCat(prefix, "-", RandomId().substr(0, 8)));
  (void)storage::MakeDirectories(dir, 0700);
  // `bazel test` cleans TEST_TMPDIR itself. A benchmark run by hand would
  // otherwise leave its keys and databases in /tmp on every run.
  if (tmp == nullptr && std::getenv("CLINIC_KEEP_TEMP") == nullptr) {
    absl::MutexLock lock(&dirs_mu);
    if (DirectoriesToRemove().empty()) std::atexit(RemoveTempDirs);
    DirectoriesToRemove().push_back(dir);
  }
  return dir;
}

absl::StatusOr<RunResult> Run(const std::vector<std::string>& argv,
                              const std::string& stdin_text,
                              absl::Duration timeout) {
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) {
    return absl::InternalError("pipe failed");
  }
  std::vector<char*> args = ArgvPointers(argv);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (!stdin_text.empty()) {
    ssize_t ignored = write(in_pipe[1], stdin_text.data(), stdin_text.size());
    (void)ignored;
  }
  close(in_pipe[1]);
  fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  RunResult result;
  absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  bool done = false;
  char buf[4096];
  while (true) {
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (done && n <= 0) break;
    if (!done && waitpid(pid, &status, WNOHANG) == pid) {
      done = true;
      continue;
    }
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      close(out_pipe[0]);
      return absl::DeadlineExceededError(
          absl::StrCat(argv[0], " did not finish in time"));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  close(out_pipe[0]);
  result.exit_code = DecodeWaitStatus(status);
  return result;
}

absl::StatusOr<std::unique_ptr<Subprocess>> Subprocess::Start(
    const std::vector<std::string>& argv, const std::string& log_file) {
  int log_fd =
      open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0)
    return absl::InternalError(absl::StrCat("cannot open ", log_file));
  std::vector<char*> args = ArgvPointers(argv);
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError("fork failed");
  }
  if (pid == 0) {
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    execv(args[0], args.data());
    _exit(127);
  }
  close(log_fd);
  return std::unique_ptr<Subprocess>(new Subprocess(pid, log_file));
}

Subprocess::~Subprocess() {
  if (!exited_) {
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
  }
}

bool Subprocess::running() {
  if (exited_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exited_ = true;
    exit_code_ = DecodeWaitStatus(status);
    return false;
  }
  return true;
}

void Subprocess::Signal(int signal) {
  if (!exited_) kill(pid_, signal);
}

absl::StatusOr<int> Subprocess::Wait(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (running()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError("process did not exit in time");
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return exit_code_;
}

std::string Subprocess::Log() const {
  absl::StatusOr<std::string> log = storage::ReadFile(log_file_);
  return log.ok() ? *log : "";
}

absl::StatusOr<std::string> WaitForFile(const std::string& path,
                                        absl::Duration timeout,
                                        Subprocess* process) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    absl::StatusOr<std::string> contents = storage::ReadFile(path);
    if (contents.ok() && !contents->empty()) return contents;
    if (process != nullptr && !process->running()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the process exited before writing ", path, ":\n", process->Log()));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(path, " did not appear in time"));
}

}  // namespace testing
}  // namespace clinic
