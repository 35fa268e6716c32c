// A full disk: the data directory lives on a small tmpfs. When it fills,
// writes fail cleanly (RESOURCE_EXHAUSTED, or UNAVAILABLE when the audit log
// itself cannot record the call: the server fails closed) and nothing already
// stored is damaged; once space is freed, the same server serves writes again
// and the audit chain verifies.
//
// Needs root (to mount the tmpfs); skipped, saying so, otherwise.
#include <sys/mount.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clinic/v1/audit.grpc.pb.h"
#include "clinic/v1/document.grpc.pb.h"
#include "clinic/v1/intake.grpc.pb.h"
#include "gtest/gtest.h"
#include "storage/file_util.h"
#include "tests/testing/accounts.h"
#include "tests/testing/deployment.h"

namespace clinic {
namespace {

using testing::Deployment;
using testing::TokenContext;

constexpr int kDiskMiB = 48;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_ = testing::NewTempDir("full-disk");
    if (::geteuid() != 0 ||
        ::mount("tmpfs", mount_.c_str(), "tmpfs", 0,
                absl::StrCat("size=", kDiskMiB, "m,mode=0700").c_str()) != 0) {
      GTEST_SKIP() << "needs root to mount a small tmpfs";
    }
    mounted_ = true;
    auto d = Deployment::Start(Deployment::Kind::kAllInOne, mount_ + "/clinic");
    ASSERT_TRUE(d.ok()) << d.status();
    d_ = *std::move(d);
  }

  void TearDown() override {
    d_.reset();
    if (mounted_) ::umount2(mount_.c_str(), MNT_DETACH);
  }

  grpc::Status CreateClient(const std::string& token, const std::string& family,
                            v1::Client* out) {
    v1::IntakeService::Stub intake(d_->Channel("intake"));
    v1::CreateClientRequest req;
    req.mutable_client()->mutable_legal_name()->set_given_names("Disk");
    req.mutable_client()->mutable_legal_name()->set_family_name(family);
    auto ctx = TokenContext(token);
    return intake.CreateClient(ctx.get(), req, out);
  }

  std::string mount_;
  bool mounted_ = false;
  std::unique_ptr<Deployment> d_;
};

TEST_F(FullDiskTest, WritesFailCleanlyAndRecoverWhenSpaceIsFreed) {
  auto token = testing::CreateUserAndSignIn(
      d_->Channel("auth"), d_->admin_token(), "ines", {v1::ROLE_INTAKE});
  ASSERT_TRUE(token.ok()) << token.status();
  std::vector<v1::Client> stored;
  for (int i = 0; i < 20; ++i) {
    v1::Client c;
    ASSERT_TRUE(CreateClient(*token, absl::StrCat("Before", i), &c).ok());
    stored.push_back(c);
  }

  // Ballast leaves little room; then writes go on until the disk is full.
  const std::string ballast = mount_ + "/ballast";
  {
    FILE* f = std::fopen(ballast.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::string block(1 << 20, 'b');
    for (int i = 0; i < kDiskMiB; ++i) {
      if (std::fwrite(block.data(), 1, block.size(), f) != block.size()) break;
    }
    std::fclose(f);
  }
  grpc::Status failed;
  for (int i = 0; i < 2000 && failed.ok(); ++i) {
    v1::Client c;
    failed = CreateClient(*token, absl::StrCat("Filling", i), &c);
    if (failed.ok()) stored.push_back(c);
  }
  ASSERT_FALSE(failed.ok()) << "the disk never filled";
  std::printf("disk full after %zu clients: %d %s\n", stored.size(),
              failed.error_code(), failed.error_message().c_str());
  EXPECT_TRUE(failed.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ||
              failed.error_code() == grpc::StatusCode::UNAVAILABLE)
      << failed.error_code() << ": " << failed.error_message();
  EXPECT_EQ(failed.error_message().find("SQLITE"), std::string::npos)
      << "the message is for people: " << failed.error_message();

  // Space comes back: the same server takes writes again, and nothing was
  // lost or damaged.
  ASSERT_EQ(::unlink(ballast.c_str()), 0);
  grpc::Status again;
  for (int attempt = 0; attempt < 50; ++attempt) {
    v1::Client c;
    again = CreateClient(*token, "After", &c);
    if (again.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(again.ok()) << again.error_message();
  v1::IntakeService::Stub intake(d_->Channel("intake"));
  for (const v1::Client& c : stored) {
    v1::GetClientRequest get;
    get.set_name(c.name());
    v1::Client read;
    auto ctx = TokenContext(*token);
    ASSERT_TRUE(intake.GetClient(ctx.get(), get, &read).ok()) << c.name();
    EXPECT_EQ(read.legal_name().family_name(), c.legal_name().family_name());
  }
  v1::AuditService::Stub audit(d_->Channel("audit"));
  v1::VerifyChainResponse chain;
  auto ctx = TokenContext(d_->admin_token());
  ASSERT_TRUE(
      audit.VerifyChain(ctx.get(), v1::VerifyChainRequest(), &chain).ok());
  EXPECT_TRUE(chain.ok()) << "broken at " << chain.first_bad_sequence();

  // And after a restart too.
  ASSERT_TRUE(d_->Kill("intake").ok());
  ASSERT_TRUE(d_->Restart("intake").ok());
  v1::GetClientRequest get;
  get.set_name(stored.back().name());
  v1::Client read;
  ctx = TokenContext(*token);
  grpc::Status after_restart = intake.GetClient(ctx.get(), get, &read);
  EXPECT_TRUE(after_restart.ok()) << after_restart.error_message();
}

}  // namespace
}  // namespace clinic
