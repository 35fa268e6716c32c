// Proves the TLS policy of a running clinic server from the outside, with
// OpenSSL as the client: only TLS 1.2 and 1.3, and in TLS 1.2 only ECDHE key
// exchange (forward secrecy) with AEAD ciphers. Old protocols and weak suites
// are offered by a deliberately permissive client (security level 0), so a
// refusal can only come from the server; each refusal is confirmed on the
// wire: the ClientHello went out and no ServerHello came back.
//
// gRPC 1.51 has no API for cipher suites (only the process-wide
// GRPC_SSL_CIPHER_SUITES environment variable) and its TLS versions are 1.2
// and 1.3 only (grpc_tls_version); LoadServerCredentials refuses to start with
// a GRPC_SSL_CIPHER_SUITES that would loosen the policy (tls.h).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/clinicd/all_services.h"
#include "services/common/tls.h"
#include "storage/file_util.h"
#include "tests/testing/test_server.h"

namespace clinic {
namespace {

struct Handshake {
  bool ok = false;
  int version = 0;         // negotiated, e.g. TLS1_3_VERSION
  std::string cipher;      // negotiated suite (OpenSSL name)
  bool aead = false;       // the negotiated cipher is AEAD
  int kx_nid = NID_undef;  // key exchange of the negotiated suite
  bool client_hello_sent = false;
  bool server_hello_received = false;
  int server_alert = -1;  // description of a fatal alert the server sent
  bool closed_by_server = false;  // the server closed the connection
  std::string error;
};

struct Offer {
  int min_version = TLS1_VERSION;
  int max_version = TLS1_3_VERSION;
  // TLS 1.2 and earlier suites (SSL_CTX_set_cipher_list); empty: defaults.
  std::string cipher_list;
  // TLS 1.3 suites (SSL_CTX_set_ciphersuites); empty: defaults.
  std::string ciphersuites;
};

void RecordMessages(int write_p, int /*version*/, int content_type,
                    const void* buf, size_t len, SSL* /*ssl*/, void* arg) {
  auto* result = static_cast<Handshake*>(arg);
  const auto* bytes = static_cast<const unsigned char*>(buf);
  if (write_p == 1 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      bytes[0] == SSL3_MT_CLIENT_HELLO) {
    result->client_hello_sent = true;
  }
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      bytes[0] == SSL3_MT_SERVER_HELLO) {
    result->server_hello_received = true;
  }
  if (write_p == 0 && content_type == SSL3_RT_ALERT && len == 2 &&
      bytes[0] == SSL3_AL_FATAL) {
    result->server_alert = bytes[1];
  }
}

// Connects to 127.0.0.1:`port` and runs one TLS handshake offering `offer`.
Handshake Connect(int port, const Offer& offer) {
  Handshake result;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(
      SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  // Offer what a modern client refuses to, so that only the server can say no.
  SSL_CTX_set_security_level(ctx.get(), 0);
  SSL_CTX_set_min_proto_version(ctx.get(), offer.min_version);
  SSL_CTX_set_max_proto_version(ctx.get(), offer.max_version);
  if (!offer.cipher_list.empty() &&
      SSL_CTX_set_cipher_list(ctx.get(), offer.cipher_list.c_str()) != 1) {
    result.error = "the local OpenSSL lacks " + offer.cipher_list;
    return result;
  }
  if (!offer.ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx.get(), offer.ciphersuites.c_str()) != 1) {
    result.error = "the local OpenSSL lacks " + offer.ciphersuites;
    return result;
  }
  SSL_CTX_set_msg_callback(ctx.get(), RecordMessages);
  SSL_CTX_set_msg_callback_arg(ctx.get(), &result);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof(kAlpn));

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    result.error = "cannot connect";
    return result;
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), fd);
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  ERR_clear_error();
  int rc = SSL_connect(ssl.get());
  if (rc == 1) {
    result.ok = true;
    result.version = SSL_version(ssl.get());
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl.get());
    result.cipher = SSL_CIPHER_get_name(cipher);
    result.aead = SSL_CIPHER_is_aead(cipher) == 1;
    result.kx_nid = SSL_CIPHER_get_kx_nid(cipher);
    SSL_shutdown(ssl.get());
  } else {
    unsigned long error = ERR_peek_last_error();
    result.closed_by_server =
        ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING ||
        SSL_get_error(ssl.get(), rc) == SSL_ERROR_ZERO_RETURN;
    char buffer[256];
    ERR_error_string_n(error, buffer, sizeof(buffer));
    result.error = buffer;
  }
  close(fd);
  return result;
}

std::string Describe(const Handshake& h) {
  return absl::StrCat("ok=", h.ok, " version=0x", absl::Hex(h.version),
                      " cipher=", h.cipher, " hello_sent=", h.client_hello_sent,
                      " server_hello=", h.server_hello_received,
                      " server_alert=", h.server_alert,
                      " closed_by_server=", h.closed_by_server,
                      " error=", h.error);
}

class TlsPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::TestServer::Options options;
    options.services = AllServiceDefinitions();
    auto server = testing::TestServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static int port() { return server_->host().port(); }

  // The server refused: our ClientHello went out and, instead of a
  // ServerHello, the server answered with a fatal alert or (what gRPC's
  // handshaker does: it drops the connection without flushing OpenSSL's
  // alert) closed the connection. Not a local failure to offer anything.
  static void ExpectRefused(const Offer& offer) {
    Handshake h = Connect(port(), offer);
    EXPECT_FALSE(h.ok) << Describe(h);
    EXPECT_TRUE(h.client_hello_sent) << Describe(h);
    EXPECT_FALSE(h.server_hello_received) << Describe(h);
    EXPECT_TRUE(h.server_alert == SSL_AD_PROTOCOL_VERSION ||
                h.server_alert == SSL_AD_HANDSHAKE_FAILURE ||
                h.server_alert == SSL_AD_INSUFFICIENT_SECURITY ||
                (h.server_alert == -1 && h.closed_by_server))
        << Describe(h);
  }

  static bool ServerHealthy() {
    grpc::health::v1::Health::Stub health(server_->channel());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return health.Check(&context, request, &response).ok() &&
           response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  static testing::TestServer* server_;
};

testing::TestServer* TlsPolicyTest::server_ = nullptr;

TEST_F(TlsPolicyTest, Tls13HandshakeSucceedsWithAnAeadSuite) {
  Handshake h = Connect(port(), {TLS1_3_VERSION, TLS1_3_VERSION, "", ""});
  ASSERT_TRUE(h.ok) << Describe(h);
  EXPECT_EQ(h.version, TLS1_3_VERSION);
  EXPECT_TRUE(h.aead) << h.cipher;
}

TEST_F(TlsPolicyTest, Tls12HandshakeWithEcdheAeadSucceeds) {
  for (const char* suite :
       {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"}) {
    Handshake h = Connect(port(), {TLS1_2_VERSION, TLS1_2_VERSION, suite, ""});
    ASSERT_TRUE(h.ok) << suite << ": " << Describe(h);
    EXPECT_EQ(h.version, TLS1_2_VERSION);
    EXPECT_EQ(h.cipher, suite);
    EXPECT_TRUE(h.aead);
    EXPECT_EQ(h.kx_nid, NID_kx_ecdhe);
  }
}

TEST_F(TlsPolicyTest, Tls12ClientOfferingEverythingGetsEcdheAead) {
  // A client that offers every suite, weakest included: the server still
  // picks forward secrecy and an AEAD.
  Handshake h = Connect(port(), {TLS1_2_VERSION, TLS1_2_VERSION,
                                 "ALL:COMPLEMENTOFALL:@SECLEVEL=0", ""});
  ASSERT_TRUE(h.ok) << Describe(h);
  EXPECT_TRUE(h.aead) << h.cipher;
  EXPECT_EQ(h.kx_nid, NID_kx_ecdhe) << h.cipher;
}

TEST_F(TlsPolicyTest, Tls11AndOlderAreRefused) {
  ExpectRefused({TLS1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0", ""});
  ExpectRefused({TLS1_1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0", ""});
  ExpectRefused({TLS1_VERSION, TLS1_VERSION, "ALL:@SECLEVEL=0", ""});
  EXPECT_TRUE(ServerHealthy());
}

TEST_F(TlsPolicyTest, Tls12CbcSuitesAreRefusedEvenWithEcdhe) {
  // The server's key is ECDSA, so these are the weak suites it could
  // otherwise have agreed to: forward secret, but CBC with HMAC.
  for (const char* suite :
       {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
        "ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384"}) {
    SCOPED_TRACE(suite);
    ExpectRefused({TLS1_2_VERSION, TLS1_2_VERSION,
                   absl::StrCat(suite, ":@SECLEVEL=0"), ""});
  }
  EXPECT_TRUE(ServerHealthy());
}

TEST_F(TlsPolicyTest, Tls12SuitesWithoutForwardSecrecyAreRefused) {
  // Static RSA key exchange (AEAD or not) and finite-field DHE, and no
  // encryption at all.
  for (const char* suite :
       {"AES128-SHA", "AES256-GCM-SHA384", "AES128-GCM-SHA256",
        "DHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-NULL-SHA"}) {
    SCOPED_TRACE(suite);
    ExpectRefused({TLS1_2_VERSION, TLS1_2_VERSION,
                   absl::StrCat(suite, ":@SECLEVEL=0"), ""});
  }
  EXPECT_TRUE(ServerHealthy());
}

TEST_F(TlsPolicyTest, Tls13TruncatedTagSuiteIsRefused) {
  // TLS_AES_128_CCM_8_SHA256 has an 8-byte tag; OpenSSL servers do not enable
  // it by default and the clinic's does not either.
  ExpectRefused(
      {TLS1_3_VERSION, TLS1_3_VERSION, "", "TLS_AES_128_CCM_8_SHA256"});
  EXPECT_TRUE(ServerHealthy());
}

TEST(TlsPolicyEnvironmentTest, WeakGrpcCipherSuitesEnvironmentStopsStartUp) {
  std::string dir = storage::JoinPath(
      std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp",
      "tls-env");
  ASSERT_TRUE(storage::MakeDirectories(dir, 0700).ok());
  TlsFiles files(dir);
  ASSERT_TRUE(EnsureTlsMaterial(files, {}).ok());

  ASSERT_EQ(setenv("GRPC_SSL_CIPHER_SUITES",
                   "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA", 1),
            0);
  auto weak = LoadServerCredentials(files, false);
  EXPECT_EQ(weak.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(
      absl::StrContains(weak.status().message(), "ECDHE-ECDSA-AES128-SHA"))
      << weak.status();

  ASSERT_EQ(setenv("GRPC_SSL_CIPHER_SUITES",
                   "TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", 1),
            0);
  EXPECT_TRUE(LoadServerCredentials(files, false).ok());
  unsetenv("GRPC_SSL_CIPHER_SUITES");
  EXPECT_TRUE(LoadServerCredentials(files, false).ok());
}

}  // namespace
}  // namespace clinic
