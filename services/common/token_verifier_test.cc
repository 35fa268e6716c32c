// TokenVerifier: what it accepts and refuses, on the first call for a token and
// on later calls answered from its cache of verified signatures.
#include "services/common/token_verifier.h"

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "base/clock.h"
#include "gtest/gtest.h"
#include "services/common/token.h"
#include "storage/crypto/ed25519.h"

namespace clinic {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795000000);

class TokenVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signer_ = *storage::Ed25519Signer::Generate();
    key_id_ = storage::KeyId(signer_->public_key());
    v1::VerificationKey key;
    key.set_key_id(key_id_);
    key.set_public_key(signer_->public_key());
    verifier_.AddKey(key);
  }

  std::string Token(const std::string& session = "session-1",
                    absl::Duration lifetime = absl::Minutes(15)) {
    v1::AccessTokenClaims claims;
    claims.set_username("ines");
    claims.set_session_id(session);
    claims.set_token_id("token-" + session);
    claims.add_roles(v1::ROLE_INTAKE);
    claims.mutable_issue_time()->set_seconds(absl::ToUnixSeconds(clock_.Now()));
    claims.mutable_expire_time()->set_seconds(
        absl::ToUnixSeconds(clock_.Now() + lifetime));
    return EncodeAccessToken(claims, *signer_, key_id_);
  }

  void RevokeSession(const std::string& session) {
    v1::Revocation revocation;
    revocation.set_session_id(session);
    revocation.mutable_revoke_time()->set_seconds(absl::ToUnixSeconds(kStart));
    verifier_.Revoke(revocation);
  }

  void RetireKey(absl::Time when) {
    v1::VerificationKey key;
    key.set_key_id(key_id_);
    key.set_public_key(signer_->public_key());
    key.mutable_retire_time()->set_seconds(absl::ToUnixSeconds(when));
    verifier_.AddKey(key);
  }

  FakeClock clock_{kStart};
  TokenVerifier verifier_{&clock_, nullptr};
  std::unique_ptr<storage::Ed25519Signer> signer_;
  std::string key_id_;
};

TEST_F(TokenVerifierTest, AcceptsAValidTokenAgainAndAgain) {
  const std::string token = Token();
  for (int i = 0; i < 3; ++i) {
    auto claims = verifier_.Verify(token);
    ASSERT_TRUE(claims.ok()) << claims.status();
    EXPECT_EQ(claims->username(), "ines");
    ASSERT_EQ(claims->roles_size(), 1);
    EXPECT_EQ(claims->roles(0), v1::ROLE_INTAKE);
  }
}

TEST_F(TokenVerifierTest, AlteredCopyOfAVerifiedTokenIsRefused) {
  const std::string token = Token();
  ASSERT_TRUE(verifier_.Verify(token).ok());
  for (size_t i = 3; i < token.size(); i += 7) {
    std::string altered = token;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    auto claims = verifier_.Verify(altered);
    EXPECT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated)
        << "byte " << i;
  }
}

TEST_F(TokenVerifierTest, TokenSignedByAnotherKeyIsRefused) {
  auto other = *storage::Ed25519Signer::Generate();
  v1::AccessTokenClaims claims;
  claims.set_username("ines");
  claims.set_session_id("s");
  claims.mutable_expire_time()->set_seconds(
      absl::ToUnixSeconds(kStart + absl::Hours(1)));
  // Claims the trusted key's id, signed with another key.
  const std::string forged = EncodeAccessToken(claims, *other, key_id_);
  EXPECT_EQ(verifier_.Verify(forged).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, VerifiedTokenExpires) {
  const std::string token = Token("s", absl::Minutes(15));
  ASSERT_TRUE(verifier_.Verify(token).ok());
  clock_.Advance(absl::Minutes(15));
  auto claims = verifier_.Verify(token);
  ASSERT_EQ(claims.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(claims.status().message().find("expired"), std::string::npos);
}

TEST_F(TokenVerifierTest, RevokedSessionIsRefusedAfterBeingVerified) {
  const std::string token = Token("session-9");
  const std::string other = Token("session-10");
  ASSERT_TRUE(verifier_.Verify(token).ok());
  ASSERT_TRUE(verifier_.Verify(other).ok());
  RevokeSession("session-9");
  EXPECT_EQ(verifier_.Verify(token).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(verifier_.Verify(other).ok());
}

TEST_F(TokenVerifierTest, RevokedUserIsRefusedAfterBeingVerified) {
  const std::string token = Token();
  ASSERT_TRUE(verifier_.Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  v1::Revocation revocation;
  revocation.set_username("ines");
  revocation.mutable_revoke_time()->set_seconds(
      absl::ToUnixSeconds(clock_.Now()));
  verifier_.Revoke(revocation);
  EXPECT_EQ(verifier_.Verify(token).status().code(),
            absl::StatusCode::kUnauthenticated);
  // A token issued after the revocation (a new login) is accepted.
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(verifier_.Verify(Token("session-2")).ok());
}

TEST_F(TokenVerifierTest, KeyRetiredBeforeIssueRefusesAVerifiedToken) {
  clock_.Advance(absl::Minutes(1));
  const std::string token = Token();
  ASSERT_TRUE(verifier_.Verify(token).ok());
  // The key is marked retired from before this token's issue: the token was
  // never legitimately signed, whatever was verified before.
  RetireKey(kStart);
  EXPECT_EQ(verifier_.Verify(token).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, KeyRetiredAfterIssueKeepsVerifying) {
  const std::string token = Token();
  ASSERT_TRUE(verifier_.Verify(token).ok());
  RetireKey(kStart + absl::Minutes(1));
  clock_.Advance(absl::Minutes(2));
  EXPECT_TRUE(verifier_.Verify(token).ok());
}

TEST_F(TokenVerifierTest, ManyDistinctTokensStayCorrectPastTheCacheBound) {
  // More tokens than the cache keeps: each still verifies, and a revoked one
  // stays refused whether or not it was evicted.
  std::string first = Token("session-0");
  ASSERT_TRUE(verifier_.Verify(first).ok());
  for (int i = 1; i < 20500; ++i) {
    ASSERT_TRUE(verifier_.Verify(Token("session-" + std::to_string(i))).ok())
        << i;
  }
  RevokeSession("session-0");
  EXPECT_EQ(verifier_.Verify(first).status().code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace clinic
