#include "services/common/tls.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdlib>

#include "gtest/gtest.h"
#include "storage/file_util.h"

namespace clinic {
namespace {

X509* Parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

// Verifies `leaf` against `ca` with OpenSSL's own chain verification.
bool Verifies(const std::string& ca_pem, const std::string& leaf_pem,
              const char* host) {
  X509* ca = Parse(ca_pem);
  X509* leaf = Parse(leaf_pem);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  if (host != nullptr) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set1_host(param, host, 0);
  }
  bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(leaf);
  X509_free(ca);
  return ok;
}

TEST(TlsTest, IssuedCertificatesChainToTheirCaOnly) {
  auto ca = CreateCertificateAuthority("Test CA", absl::Hours(24));
  auto other_ca = CreateCertificateAuthority("Other CA", absl::Hours(24));
  ASSERT_TRUE(ca.ok() && other_ca.ok());
  auto server = IssueCertificate(*ca, "server", {"localhost", "127.0.0.1"},
                                 true, absl::Hours(24));
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_TRUE(Verifies(ca->certificate, server->certificate, "localhost"));
  EXPECT_FALSE(
      Verifies(ca->certificate, server->certificate, "evil.example.org"));
  EXPECT_FALSE(
      Verifies(other_ca->certificate, server->certificate, "localhost"));
}

TEST(TlsTest, EnsureTlsMaterialCreatesOnceAndKeepsFiles) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = storage::JoinPath(tmp ? tmp : "/tmp", "tls");
  ASSERT_TRUE(storage::MakeDirectories(dir).ok());
  TlsFiles files(dir);
  ASSERT_TRUE(EnsureTlsMaterial(files, {"clinic.example.org"}).ok());
  auto ca = storage::ReadFile(files.ca_certificate);
  auto server = storage::ReadFile(files.server_certificate);
  ASSERT_TRUE(ca.ok() && server.ok());
  EXPECT_TRUE(Verifies(*ca, *server, "clinic.example.org"));
  EXPECT_EQ(*storage::FileMode(files.ca_key), 0600);
  EXPECT_EQ(*storage::FileMode(files.server_key), 0600);
  EXPECT_EQ(*storage::FileMode(files.client_key), 0600);

  ASSERT_TRUE(EnsureTlsMaterial(files, {}).ok());
  EXPECT_EQ(*storage::ReadFile(files.ca_certificate), *ca);
  EXPECT_EQ(*storage::ReadFile(files.server_certificate), *server);
}

TEST(TlsTest, AddressHelpers) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.8.9.10"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  std::string host;
  int port = 0;
  ASSERT_TRUE(SplitHostPort("[::1]:7443", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 7443);
  EXPECT_FALSE(SplitHostPort("7443", &host, &port).ok());
  EXPECT_FALSE(SplitHostPort("h:99999", &host, &port).ok());
}

}  // namespace
}  // namespace clinic
