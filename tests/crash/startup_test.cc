// A server that cannot read its data refuses to start, and says why: a wrong
// master key, or a damaged database file. Nothing is overwritten on the way.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"
#include "tests/testing/subprocess.h"

namespace clinic {
namespace {

using ::testing::HasSubstr;

std::string Clinicd() {
  return testing::RunfilePath("services/clinicd/clinicd");
}

// A fresh, initialised data directory.
std::string Initialised() {
  const std::string data = testing::NewTempDir("startup") + "/data";
  auto init = testing::Run({Clinicd(), "init", "--data_dir", data});
  EXPECT_TRUE(init.ok() && init->exit_code == 0)
      << (init.ok() ? init->output : init.status().ToString());
  return data;
}

// Runs `clinicd serve` briefly: it must exit on its own with an error.
testing::RunResult Serve(const std::string& data) {
  auto run = testing::Run(
      {Clinicd(), "serve", "--data_dir", data, "--listen", "127.0.0.1:0"}, "",
      absl::Seconds(30));
  EXPECT_TRUE(run.ok()) << run.status();
  return run.ok() ? *run : testing::RunResult{};
}

TEST(StartupTest, WrongMasterKeyIsRefusedWithAClearMessage) {
  const std::string data = Initialised();
  // Another data directory's key: well formed, but not this one's.
  const std::string other = Initialised();
  auto key = storage::ReadFile(other + "/master.key");
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(
      storage::WriteFileAtomically(data + "/master.key", *key, 0600).ok());
  const std::string before = *storage::ReadFile(data + "/db/intake.db");
  testing::RunResult run = Serve(data);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("the master key does not match it"));
  EXPECT_THAT(run.output, HasSubstr("Nothing was changed"));
  EXPECT_EQ(*storage::ReadFile(data + "/db/intake.db"), before)
      << "a refused start must not touch the database";
}

TEST(StartupTest, DamagedDatabaseIsRefusedWithAClearMessage) {
  const std::string data = Initialised();
  const std::string path = data + "/db/deadline.db";
  auto bytes = storage::ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  std::string damaged = *bytes;
  for (size_t i = 100; i < 600 && i < damaged.size(); ++i) damaged[i] ^= 0x5a;
  ASSERT_TRUE(storage::WriteFileAtomically(path, damaged, 0600).ok());
  testing::RunResult run = Serve(data);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("deadline database"));
  EXPECT_THAT(run.output, HasSubstr("damaged"));
}

TEST(StartupTest, MissingMasterKeyIsRefusedAndNotRecreated) {
  const std::string data = Initialised();
  ASSERT_EQ(::unlink((data + "/master.key").c_str()), 0);
  testing::RunResult run = Serve(data);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("master.key"));
  EXPECT_FALSE(storage::PathExists(data + "/master.key"))
      << "serve must never create a new key over existing data";
}

}  // namespace
}  // namespace clinic
