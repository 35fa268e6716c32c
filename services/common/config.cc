#include "services/common/config.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/common/tls.h"
#include "storage/file_util.h"

namespace clinic {
namespace {

// Keeps the first parse error with its position.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error_.empty()) {
      // The parser counts from 0; people count from 1.
      error_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                            message);
    }
  }
  void AddWarning(int, int, const std::string&) override {}
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

void DefaultDuration(google::protobuf::Duration* d, int64_t seconds) {
  if (d->seconds() == 0 && d->nanos() == 0) d->set_seconds(seconds);
}

}  // namespace

const std::vector<std::string>& AllServiceNames() {
  static const auto* const names = new std::vector<std::string>{
      "audit", "auth", "intake", "deadline", "document", "hearing", "admin"};
  return *names;
}

absl::StatusOr<v1::ServerConfig> ParseConfig(absl::string_view text,
                                             absl::string_view source) {
  v1::ServerConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration ", source, ": ", errors.error()));
  }
  return config;
}

absl::StatusOr<v1::ServerConfig> LoadConfigFile(const std::string& path) {
  CLINIC_ASSIGN_OR_RETURN(std::string text, storage::ReadFile(path, 1 << 20));
  return ParseConfig(text, path);
}

void ApplyConfigDefaults(v1::ServerConfig* c) {
  if (c->data_dir().empty()) c->set_data_dir("./data");
  if (c->listen_address().empty()) c->set_listen_address("127.0.0.1:7443");
  if (c->log_level().empty()) c->set_log_level("info");

  v1::LimitsConfig* limits = c->mutable_limits();
  if (limits->max_receive_message_bytes() == 0) {
    limits->set_max_receive_message_bytes(4 << 20);
  }
  if (limits->requests_per_second_per_peer() == 0) {
    limits->set_requests_per_second_per_peer(200);
  }
  if (limits->request_burst_per_peer() == 0)
    limits->set_request_burst_per_peer(400);
  if (limits->max_concurrent_streams() == 0)
    limits->set_max_concurrent_streams(100);
  DefaultDuration(limits->mutable_default_call_timeout(), 30);

  v1::AuthConfig* auth = c->mutable_auth();
  DefaultDuration(auth->mutable_access_token_ttl(), 15 * 60);
  DefaultDuration(auth->mutable_refresh_token_ttl(), 12 * 3600);
  if (auth->scrypt_log2_n() == 0) auth->set_scrypt_log2_n(15);
  if (auth->scrypt_r() == 0) auth->set_scrypt_r(8);
  if (auth->scrypt_p() == 0) auth->set_scrypt_p(1);
  if (auth->max_failures_per_account() == 0)
    auth->set_max_failures_per_account(5);
  if (auth->max_failures_per_peer() == 0) auth->set_max_failures_per_peer(20);
  DefaultDuration(auth->mutable_throttle_window(), 15 * 60);
  if (auth->totp_window_steps() == 0) auth->set_totp_window_steps(1);

  v1::AuditConfig* audit = c->mutable_audit();
  DefaultDuration(audit->mutable_sign_interval(), 60);
  if (audit->max_batch() == 0) audit->set_max_batch(512);

  v1::DocumentConfig* document = c->mutable_document();
  if (document->max_document_bytes() == 0) {
    document->set_max_document_bytes(int64_t{512} << 20);
  }
  if (document->segment_bytes() == 0) document->set_segment_bytes(64 << 10);
  if (document->allowed_media_types().empty()) {
    for (const char* type :
         {"application/pdf", "image/jpeg", "image/png", "image/tiff",
          "image/heic", "text/plain",
          "application/"
          "vnd.openxmlformats-officedocument.wordprocessingml.document",
          "application/vnd.oasis.opendocument.text", "audio/mpeg", "audio/mp4",
          "audio/ogg"}) {
      document->add_allowed_media_types(type);
    }
  }

  v1::HearingConfig* hearing = c->mutable_hearing();
  DefaultDuration(hearing->mutable_travel_buffer(), 90 * 60);
  DefaultDuration(hearing->mutable_minimum_gap(), 15 * 60);
  if (hearing->working_day_start().empty())
    hearing->set_working_day_start("09:00");
  if (hearing->working_day_end().empty()) hearing->set_working_day_end("17:00");

  v1::RetentionConfig* retention = c->mutable_retention();
  if (retention->classes().empty()) {
    auto* standard = retention->add_classes();
    standard->set_name("standard");
    standard->set_years(6);
    auto* extended = retention->add_classes();
    extended->set_name("extended");
    extended->set_years(10);
  }
  if (retention->default_class().empty())
    retention->set_default_class("standard");
  if (!retention->has_sweep_interval()) {
    retention->mutable_sweep_interval()->set_seconds(24 * 3600);
  }
}

absl::Status ValidateConfig(const v1::ServerConfig& c) {
  std::string host;
  int port = 0;
  CLINIC_RETURN_IF_ERROR(SplitHostPort(c.listen_address(), &host, &port));
  if (c.tls().dev_plaintext() && !IsLoopbackHost(host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.dev_plaintext is allowed only on a loopback address, not on ",
        host, "; client files must never cross a network unencrypted"));
  }
  const auto& known = AllServiceNames();
  for (const std::string& s : c.services()) {
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("services: unknown service \"", s,
                       "\"; known: ", absl::StrJoin(known, ", ")));
    }
  }
  for (const v1::PeerConfig& peer : c.peers()) {
    if (std::find(known.begin(), known.end(), peer.service()) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "peers.service: unknown service \"", peer.service(), "\""));
    }
    std::string peer_host;
    int peer_port = 0;
    if (!SplitHostPort(peer.address(), &peer_host, &peer_port).ok() ||
        peer_port == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("peers.address: \"", peer.address(), "\" for ",
                       peer.service(), " must be host:port"));
    }
  }
  const auto& limits = c.limits();
  if (limits.max_receive_message_bytes() < (1 << 20) + 1024 ||
      limits.max_receive_message_bytes() > (64 << 20)) {
    return absl::InvalidArgumentError(
        "limits.max_receive_message_bytes must be between 1 MiB + 1 KiB and 64 "
        "MiB");
  }
  if (limits.requests_per_second_per_peer() < 1 ||
      limits.request_burst_per_peer() < 1) {
    return absl::InvalidArgumentError(
        "limits.requests_per_second_per_peer and limits.request_burst_per_peer "
        "must be at least 1");
  }
  if (c.auth().scrypt_log2_n() < 10 || c.auth().scrypt_log2_n() > 22) {
    return absl::InvalidArgumentError("auth.scrypt_log2_n must be 10..22");
  }
  if (c.document().segment_bytes() < 4096 ||
      c.document().segment_bytes() > (4 << 20)) {
    return absl::InvalidArgumentError(
        "document.segment_bytes must be 4 KiB..4 MiB");
  }
  return absl::OkStatus();
}

}  // namespace clinic
