#include "services/common/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"
#include "storage/file_util.h"

namespace clinic {
namespace {

struct OpenSslFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, OpenSslFree>;

absl::Status OpenSslError(const std::string& what) {
  return absl::InternalError(absl::StrCat("OpenSSL failed to ", what));
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> PemOfKey(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    return OpenSslError("encode a private key");
  }
  return BioToString(bio.get());
}

absl::StatusOr<std::string> PemOfCertificate(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("encode a certificate");
  }
  return BioToString(bio.get());
}

absl::StatusOr<Owned<EVP_PKEY>> ParseKey(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key)
    return absl::DataLossError("the CA private key is not a valid PEM key");
  return key;
}

absl::StatusOr<Owned<X509>> ParseCertificate(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert)
    return absl::DataLossError(
        "the CA certificate is not a valid PEM certificate");
  return cert;
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid,
                          const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(
        absl::StrCat("add certificate extension ", OBJ_nid2sn(nid)));
  }
  return absl::OkStatus();
}

// A certificate with a fresh P-256 key, a random serial and the given validity,
// not yet signed. Returns the key through `key_out`.
absl::StatusOr<Owned<X509>> NewCertificate(const std::string& common_name,
                                           absl::Duration validity,
                                           Owned<EVP_PKEY>* key_out) {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslError("generate a P-256 key");
  Owned<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) {
    return OpenSslError("create a certificate");
  }
  Owned<BIGNUM> serial(BN_new());
  if (!serial ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ==
          nullptr) {
    return OpenSslError("choose a certificate serial number");
  }
  // Backdate by an hour so that small clock differences between machines do not
  // matter.
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                      static_cast<long>(absl::ToInt64Seconds(validity))) ==
          nullptr) {
    return OpenSslError("set certificate validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(
          name, "O", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>("Clinic server"), -1, -1,
          0) != 1 ||
      X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
          0) != 1) {
    return OpenSslError("set certificate subject");
  }
  if (X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("set certificate key");
  }
  *key_out = std::move(key);
  return cert;
}

std::string SubjectAltNames(const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (const std::string& n : names) {
    unsigned char buf[16];
    bool ip = inet_pton(AF_INET, n.c_str(), buf) == 1 ||
              inet_pton(AF_INET6, n.c_str(), buf) == 1;
    parts.push_back(absl::StrCat(ip ? "IP:" : "DNS:", n));
  }
  return absl::StrJoin(parts, ",");
}

absl::Status WritePair(const PemKeyPair& pair, const std::string& cert_path,
                       const std::string& key_path) {
  CLINIC_RETURN_IF_ERROR(
      storage::CreateFileExclusively(key_path, pair.private_key, 0600));
  return storage::CreateFileExclusively(cert_path, pair.certificate, 0644);
}

// The suites the clinic allows: TLS 1.3 (all AEAD, always (EC)DHE) and TLS 1.2
// with ECDHE and an AEAD. gRPC 1.51's default list is a subset of these.
constexpr absl::string_view kAllowedCipherSuites[] = {
    "TLS_AES_128_GCM_SHA256",        "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",  "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",   "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
};

// gRPC 1.51 has no API for cipher suites: the process-wide environment
// variable GRPC_SSL_CIPHER_SUITES replaces its (compliant) default. Refuse one
// that would loosen the policy rather than serve with it.
absl::Status CheckCipherSuitesEnvironment() {
  const char* env = std::getenv("GRPC_SSL_CIPHER_SUITES");
  if (env == nullptr) return absl::OkStatus();
  for (absl::string_view suite : absl::StrSplit(env, ':', absl::SkipEmpty())) {
    if (std::find(std::begin(kAllowedCipherSuites),
                  std::end(kAllowedCipherSuites),
                  suite) == std::end(kAllowedCipherSuites)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "GRPC_SSL_CIPHER_SUITES names \"", suite,
          "\", which is not a TLS 1.2/1.3 AEAD suite with forward secrecy; "
          "unset it (gRPC's default already follows the clinic's policy) or "
          "list only: ",
          absl::StrJoin(kAllowedCipherSuites, ":")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PemKeyPair> ReadPair(const std::string& cert_path,
                                    const std::string& key_path) {
  PemKeyPair pair;
  CLINIC_ASSIGN_OR_RETURN(pair.certificate,
                          storage::ReadFile(cert_path, 1 << 20));
  CLINIC_ASSIGN_OR_RETURN(pair.private_key,
                          storage::ReadFile(key_path, 1 << 20));
  return pair;
}

}  // namespace

TlsFiles::TlsFiles(const std::string& tls_dir)
    : ca_certificate(storage::JoinPath(tls_dir, "ca.crt")),
      ca_key(storage::JoinPath(tls_dir, "ca.key")),
      server_certificate(storage::JoinPath(tls_dir, "server.crt")),
      server_key(storage::JoinPath(tls_dir, "server.key")),
      client_certificate(storage::JoinPath(tls_dir, "client.crt")),
      client_key(storage::JoinPath(tls_dir, "client.key")) {}

absl::StatusOr<PemKeyPair> CreateCertificateAuthority(
    const std::string& common_name, absl::Duration validity) {
  Owned<EVP_PKEY> key;
  CLINIC_ASSIGN_OR_RETURN(Owned<X509> cert,
                          NewCertificate(common_name, validity, &key));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) !=
      1) {
    return OpenSslError("set CA issuer");
  }
  CLINIC_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(),
                                      NID_basic_constraints,
                                      "critical,CA:TRUE,pathlen:0"));
  CLINIC_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_key_usage,
                                      "critical,keyCertSign,cRLSign"));
  CLINIC_RETURN_IF_ERROR(
      AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return OpenSslError("sign the CA certificate");
  }
  PemKeyPair pair;
  CLINIC_ASSIGN_OR_RETURN(pair.certificate, PemOfCertificate(cert.get()));
  CLINIC_ASSIGN_OR_RETURN(pair.private_key, PemOfKey(key.get()));
  return pair;
}

absl::StatusOr<PemKeyPair> IssueCertificate(
    const PemKeyPair& ca, const std::string& common_name,
    const std::vector<std::string>& names, bool server,
    absl::Duration validity) {
  CLINIC_ASSIGN_OR_RETURN(Owned<X509> ca_cert,
                          ParseCertificate(ca.certificate));
  CLINIC_ASSIGN_OR_RETURN(Owned<EVP_PKEY> ca_key, ParseKey(ca.private_key));
  Owned<EVP_PKEY> key;
  CLINIC_ASSIGN_OR_RETURN(Owned<X509> cert,
                          NewCertificate(common_name, validity, &key));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) !=
      1) {
    return OpenSslError("set certificate issuer");
  }
  CLINIC_RETURN_IF_ERROR(AddExtension(
      cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  CLINIC_RETURN_IF_ERROR(
      AddExtension(cert.get(), ca_cert.get(), NID_key_usage,
                   "critical,digitalSignature,keyAgreement"));
  CLINIC_RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert.get(),
                                      NID_ext_key_usage,
                                      server ? "serverAuth" : "clientAuth"));
  CLINIC_RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert.get(),
                                      NID_authority_key_identifier, "keyid"));
  if (!names.empty()) {
    CLINIC_RETURN_IF_ERROR(AddExtension(cert.get(), ca_cert.get(),
                                        NID_subject_alt_name,
                                        SubjectAltNames(names)));
  }
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0) {
    return OpenSslError("sign a certificate");
  }
  PemKeyPair pair;
  CLINIC_ASSIGN_OR_RETURN(pair.certificate, PemOfCertificate(cert.get()));
  CLINIC_ASSIGN_OR_RETURN(pair.private_key, PemOfKey(key.get()));
  return pair;
}

absl::Status EnsureTlsMaterial(
    const TlsFiles& files, const std::vector<std::string>& extra_server_names) {
  constexpr absl::Duration kCaValidity = absl::Hours(24 * 365 * 10);
  constexpr absl::Duration kLeafValidity = absl::Hours(24 * 825);
  PemKeyPair ca;
  if (!storage::PathExists(files.ca_certificate)) {
    CLINIC_ASSIGN_OR_RETURN(
        ca, CreateCertificateAuthority("Clinic local CA", kCaValidity));
    CLINIC_RETURN_IF_ERROR(WritePair(ca, files.ca_certificate, files.ca_key));
  } else {
    CLINIC_ASSIGN_OR_RETURN(ca, ReadPair(files.ca_certificate, files.ca_key));
  }
  if (!storage::PathExists(files.server_certificate)) {
    std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"};
    names.insert(names.end(), extra_server_names.begin(),
                 extra_server_names.end());
    CLINIC_ASSIGN_OR_RETURN(
        PemKeyPair server,
        IssueCertificate(ca, "clinic-server", names, true, kLeafValidity));
    CLINIC_RETURN_IF_ERROR(
        WritePair(server, files.server_certificate, files.server_key));
  }
  if (!storage::PathExists(files.client_certificate)) {
    CLINIC_ASSIGN_OR_RETURN(
        PemKeyPair client,
        IssueCertificate(ca, "clinic-service", {}, false, kLeafValidity));
    CLINIC_RETURN_IF_ERROR(
        WritePair(client, files.client_certificate, files.client_key));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> LoadServerCredentials(
    const TlsFiles& files, bool require_client_certificate) {
  CLINIC_RETURN_IF_ERROR(CheckCipherSuitesEnvironment());
  CLINIC_ASSIGN_OR_RETURN(std::string ca,
                          storage::ReadFile(files.ca_certificate, 1 << 20));
  CLINIC_ASSIGN_OR_RETURN(PemKeyPair server,
                          ReadPair(files.server_certificate, files.server_key));
  grpc::SslServerCredentialsOptions options(
      require_client_certificate
          ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
          // Optional, but verified when presented: how clinic services
          // identify themselves to each other without a user token.
          : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = ca;
  options.pem_key_cert_pairs.push_back(
      {server.private_key, server.certificate});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const std::string& ca_certificate_pem, const PemKeyPair* client_identity) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_certificate_pem;
  if (client_identity != nullptr) {
    options.pem_private_key = client_identity->private_key;
    options.pem_cert_chain = client_identity->certificate;
  }
  return grpc::SslCredentials(options);
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  unsigned char v4[4];
  if (inet_pton(AF_INET, host.c_str(), v4) == 1) return v4[0] == 127;
  unsigned char v6[16];
  if (inet_pton(AF_INET6, host.c_str(), v6) == 1) {
    static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(v6, v6 + 16, kLoopback);
  }
  return false;
}

absl::Status SplitHostPort(const std::string& address, std::string* host,
                           int* port) {
  const absl::Status bad = absl::InvalidArgumentError(
      absl::StrCat("listen address \"", address,
                   "\" must be host:port, e.g. 127.0.0.1:7443"));
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad;
  std::string h = address.substr(0, colon);
  if (h.front() == '[') {
    if (h.back() != ']') return bad;
    h = h.substr(1, h.size() - 2);
  }
  int p = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &p) || p < 0 || p > 65535)
    return bad;
  *host = h;
  *port = p;
  return absl::OkStatus();
}

}  // namespace clinic
