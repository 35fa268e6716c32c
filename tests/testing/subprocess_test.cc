#include "tests/testing/subprocess.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace clinic {
namespace testing {
namespace {

// Runs NewTempDir in a child process as a benchmark run by hand does (no
// TEST_TMPDIR), lets the child exit normally, and returns the directory it
// made.
std::string DirectoryOfExitedChild(bool keep) {
  int fds[2];
  if (pipe(fds) != 0) return "";
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    unsetenv("TEST_TMPDIR");
    if (keep) {
      setenv("CLINIC_KEEP_TEMP", "1", 1);
    } else {
      unsetenv("CLINIC_KEEP_TEMP");
    }
    const std::string dir = NewTempDir("cleanup-probe");
    std::FILE* f = std::fopen((dir + "/master.key").c_str(), "w");
    if (f != nullptr) std::fclose(f);
    (void)!write(fds[1], dir.data(), dir.size());
    close(fds[1]);
    std::exit(0);  // runs the atexit handlers, as returning from main does
  }
  close(fds[1]);
  std::string dir;
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) dir.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return dir;
}

TEST(NewTempDirTest, OutsideBazelTestTheDirectoryIsRemovedAtExit) {
  const std::string dir = DirectoryOfExitedChild(/*keep=*/false);
  ASSERT_FALSE(dir.empty());
  EXPECT_FALSE(std::filesystem::exists(dir)) << dir << " was left behind";
}

TEST(NewTempDirTest, KeepTempLeavesTheDirectoryForAPostMortem) {
  const std::string dir = DirectoryOfExitedChild(/*keep=*/true);
  ASSERT_FALSE(dir.empty());
  EXPECT_TRUE(std::filesystem::exists(dir + "/master.key"));
  std::filesystem::remove_all(dir);
}

TEST(NewTempDirTest, UnderBazelTestTheDirectoryIsInTestTmpdir) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const std::string dir = NewTempDir("in-test");
  EXPECT_EQ(dir.rfind(std::string(tmp) + "/in-test-", 0), 0u) << dir;
  EXPECT_TRUE(std::filesystem::is_directory(dir));
}

}  // namespace
}  // namespace testing
}  // namespace clinic
