// TLS material for a clinic server: a local certificate authority, the server's
// certificate and a client certificate for service-to-service mutual TLS, all
// created by `clinicd init` under <data_dir>/tls/, and the gRPC credentials
// built from them.
//
// Keys are ECDSA P-256, certificates X.509 v3 signed with SHA-256. Private keys
// are written with mode 0600 and never logged. gRPC's TLS stack negotiates only
// TLS 1.2 and 1.3 with ECDHE key exchange and AEAD ciphers (its defaults, which
// this code does not loosen). gRPC 1.51 offers no API to set suites or
// versions on these credentials (grpc_tls_version has only TLS1_2 and TLS1_3);
// its one knob, the process-wide GRPC_SSL_CIPHER_SUITES environment variable,
// is checked by LoadServerCredentials. tests/e2e/tls_policy_test proves the
// policy from the outside.
//
// Thread-safe (no shared state).
#ifndef CLINIC_SERVICES_COMMON_TLS_H_
#define CLINIC_SERVICES_COMMON_TLS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace clinic {

// Paths of the TLS files inside a data directory's tls/ folder.
struct TlsFiles {
  explicit TlsFiles(const std::string& tls_dir);
  std::string ca_certificate;  // ca.crt (public; hand it to clients)
  std::string ca_key;          // ca.key (0600; signs further certificates)
  std::string server_certificate;
  std::string server_key;
  std::string
      client_certificate;  // presented by services to their peers (mTLS)
  std::string client_key;
};

// A PEM certificate and its PEM private key.
struct PemKeyPair {
  std::string certificate;
  std::string private_key;
};

// Creates any of the files in `files` that do not exist yet: the CA first, then
// the server certificate (valid for localhost, 127.0.0.1, ::1 and
// `extra_server_names`, each a DNS name or IP address) and the client
// certificate, both signed by the CA. Existing files are kept (so a second init
// never replaces a certificate clients already trust).
absl::Status EnsureTlsMaterial(
    const TlsFiles& files, const std::vector<std::string>& extra_server_names);

// A new certificate signed by `ca`, for `common_name`. `names` become
// subjectAltNames. `server` selects serverAuth (else clientAuth) extended key
// usage.
absl::StatusOr<PemKeyPair> IssueCertificate(
    const PemKeyPair& ca, const std::string& common_name,
    const std::vector<std::string>& names, bool server,
    absl::Duration validity);

// A new self-signed CA.
absl::StatusOr<PemKeyPair> CreateCertificateAuthority(
    const std::string& common_name, absl::Duration validity);

// Server credentials from the data directory's files. With
// `require_client_certificate`, clients must present a certificate signed by
// the clinic CA. FAILED_PRECONDITION if GRPC_SSL_CIPHER_SUITES is set and names
// a suite that is not TLS 1.2/1.3 AEAD with forward secrecy.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> LoadServerCredentials(
    const TlsFiles& files, bool require_client_certificate);

// Channel credentials that trust only `ca_certificate_pem`, optionally
// presenting a client certificate (for mutual TLS).
std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const std::string& ca_certificate_pem, const PemKeyPair* client_identity);

// True if `host` (without port) is a loopback name or address.
bool IsLoopbackHost(const std::string& host);

// Splits "host:port" / "[v6]:port"; INVALID_ARGUMENT if malformed.
absl::Status SplitHostPort(const std::string& address, std::string* host,
                           int* port);

}  // namespace clinic

#endif  // CLINIC_SERVICES_COMMON_TLS_H_
