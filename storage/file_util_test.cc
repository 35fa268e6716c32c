#include "storage/file_util.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace clinic {
namespace storage {
namespace {

std::string TestDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir ? dir : "/tmp";
}

TEST(FileUtilTest, AtomicWriteReplacesWholeFileWithMode) {
  std::string path = JoinPath(TestDir(), "atomic.txt");
  ASSERT_TRUE(WriteFileAtomically(path, "first", 0600).ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second version", 0640).ok());
  EXPECT_EQ(*ReadFile(path), "second version");
  EXPECT_EQ(*FileMode(path), 0640);
  // No temporary files are left beside it.
  std::string dir = JoinPath(TestDir(), "atomic-dir");
  ASSERT_TRUE(MakeDirectories(dir).ok());
  ASSERT_TRUE(WriteFileAtomically(JoinPath(dir, "f"), "x").ok());
  ASSERT_TRUE(WriteFileAtomically(JoinPath(dir, "f"), "y").ok());
  ::unlink(JoinPath(dir, "f").c_str());
  EXPECT_TRUE(*IsEmptyDirectory(dir));
}

TEST(FileUtilTest, ExclusiveCreateNeverOverwrites) {
  std::string path = JoinPath(TestDir(), "exclusive.txt");
  ::unlink(path.c_str());
  ASSERT_TRUE(CreateFileExclusively(path, "original").ok());
  EXPECT_EQ(CreateFileExclusively(path, "replacement").code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(*ReadFile(path), "original");
}

TEST(FileUtilTest, ReadLimitsAndMissingFiles) {
  std::string path = JoinPath(TestDir(), "big.txt");
  ASSERT_TRUE(WriteFileAtomically(path, std::string(100, 'x')).ok());
  EXPECT_EQ(ReadFile(path, 10).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(*ReadFilePrefix(path, 4), "xxxx");
  EXPECT_EQ(ReadFile(JoinPath(TestDir(), "nope")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FileUtilTest, MakeDirectoriesCreatesParents) {
  std::string dir = JoinPath(TestDir(), "a/b/c");
  ASSERT_TRUE(MakeDirectories(dir, 0700).ok());
  EXPECT_TRUE(PathExists(dir));
  EXPECT_TRUE(MakeDirectories(dir).ok());
  std::string file = JoinPath(TestDir(), "plainfile");
  ASSERT_TRUE(WriteFileAtomically(file, "x").ok());
  EXPECT_EQ(MakeDirectories(file).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(FileUtilTest, ListFilesGivesVisibleRegularFilesSorted) {
  std::string dir = JoinPath(TestDir(), "list-dir");
  ASSERT_TRUE(MakeDirectories(JoinPath(dir, "sub")).ok());
  for (const char* name : {"b.db", "a.db", ".tmp-unfinished"}) {
    ASSERT_TRUE(WriteFileAtomically(JoinPath(dir, name), "x").ok());
  }
  auto names = ListFiles(dir);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(*names, (std::vector<std::string>{"a.db", "b.db"}));
  EXPECT_TRUE(ListFiles(JoinPath(dir, "missing"))->empty());
}

TEST(FileUtilTest, PathHelpers) {
  EXPECT_EQ(DirName("/a/b/c"), "/a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
}

}  // namespace
}  // namespace storage
}  // namespace clinic
