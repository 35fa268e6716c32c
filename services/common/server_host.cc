#include "services/common/server_host.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/common/metrics.h"
#include "services/common/security_interceptor.h"
#include "services/common/server_resources.h"
#include "services/common/tls.h"
#include "storage/file_util.h"

namespace clinic {

// The ServiceContext a ServerHost gives its services.
class HostContext : public ServiceContext {
 public:
  HostContext(v1::ServerConfig config, const Clock* clock,
              std::unique_ptr<storage::Keyring> keyring,
              absl::flat_hash_set<std::string> hosted)
      : config_(std::move(config)),
        data_dir_(config_.data_dir()),
        clock_(clock),
        keyring_(std::move(keyring)),
        hosted_(std::move(hosted)),
        verifier_(
            clock, hosted_.contains("auth")
                       ? std::function<std::shared_ptr<grpc::Channel>()>()
                       : [this] { return ChannelTo("auth"); }),
        audit_sink_([this] { return ChannelTo("audit"); }),
        case_access_([this] { return ChannelTo("intake"); }) {
    verifier_.set_max_token_lifetime(
        absl::Seconds(config_.auth().access_token_ttl().seconds()));
  }

  ~HostContext() override { verifier_.Shutdown(); }

  bool Hosts(absl::string_view service) const override {
    return hosted_.contains(service);
  }
  TokenVerifier& token_verifier() const override { return verifier_; }
  AuditSinkRouter& audit_sink() const override { return audit_sink_; }
  CaseAccess& case_access() const override { return case_access_; }

  const v1::ServerConfig& config() const override { return config_; }
  const DataDir& data_dir() const override { return data_dir_; }
  const storage::Keyring& keyring() const override { return *keyring_; }
  const Clock* clock() const override { return clock_; }

  absl::StatusOr<std::unique_ptr<storage::Database>> OpenDatabase(
      absl::string_view service,
      std::vector<storage::Migration> migrations) const override {
    storage::Database::Options options;
    options.label = absl::StrCat(service, " database");
    options.migrations = std::move(migrations);
    return storage::Database::Open(data_dir_.DatabasePath(service),
                                   keyring_->DatabaseKey(service),
                                   std::move(options));
  }

  std::shared_ptr<grpc::Channel> ChannelTo(
      absl::string_view service) const override {
    absl::MutexLock lock(&mu_);
    auto it = channels_.find(service);
    if (it != channels_.end()) return it->second;
    if (server_ == nullptr && hosted_.contains(service)) {
      // Too early: the server is not built yet. Do not cache the failure.
      log::Error(
          "a channel to a co-hosted service was requested before serving",
          {{"service", std::string(service)}});
      return UnreachableChannel(std::string(service));
    }
    std::shared_ptr<grpc::Channel> channel = MakeChannel(std::string(service));
    channels_.emplace(std::string(service), channel);
    return channel;
  }

  void SetServer(grpc::Server* server) {
    absl::MutexLock lock(&mu_);
    server_ = server;
  }

 private:
  std::shared_ptr<grpc::Channel> MakeChannel(const std::string& service) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(config_.limits().max_receive_message_bytes());
    // A peer that restarts (or starts after us) is reached again within a
    // couple of seconds, not after gRPC's default backoff of up to two
    // minutes.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
    if (hosted_.contains(service) && server_ != nullptr) {
      return server_->experimental().InProcessChannelWithInterceptors(
          args, InProcessServiceMarkers());
    }
    for (const v1::PeerConfig& peer : config_.peers()) {
      if (peer.service() != service) continue;
      if (config_.tls().dev_plaintext()) {
        return grpc::CreateCustomChannel(
            peer.address(), grpc::InsecureChannelCredentials(), args);
      }
      TlsFiles files(data_dir_.tls_dir());
      absl::StatusOr<std::string> ca =
          storage::ReadFile(files.ca_certificate, 1 << 20);
      PemKeyPair identity;
      absl::StatusOr<std::string> cert =
          storage::ReadFile(config_.tls().client_certificate_file().empty()
                                ? files.client_certificate
                                : config_.tls().client_certificate_file(),
                            1 << 20);
      absl::StatusOr<std::string> key =
          storage::ReadFile(config_.tls().client_private_key_file().empty()
                                ? files.client_key
                                : config_.tls().client_private_key_file(),
                            1 << 20);
      if (!ca.ok() || !cert.ok() || !key.ok()) {
        log::Error("cannot read TLS material for a peer channel",
                   {{"service", service}});
        break;
      }
      identity.certificate = *cert;
      identity.private_key = *key;
      return grpc::CreateCustomChannel(
          peer.address(), MakeChannelCredentials(*ca, &identity), args);
    }
    log::Warning("no address configured for a service this process needs",
                 {{"service", service}});
    return UnreachableChannel(service);
  }

  // A channel that can never connect: calls on it fail with UNAVAILABLE.
  static std::shared_ptr<grpc::Channel> UnreachableChannel(
      const std::string& service) {
    return grpc::CreateChannel(absl::StrCat("unix:/nonexistent/clinic-",
                                            service, "-is-not-configured"),
                               grpc::InsecureChannelCredentials());
  }

  const v1::ServerConfig config_;
  const DataDir data_dir_;
  const Clock* const clock_;
  const std::unique_ptr<storage::Keyring> keyring_;
  const absl::flat_hash_set<std::string> hosted_;
  mutable TokenVerifier verifier_;
  mutable AuditSinkRouter audit_sink_;
  mutable CaseAccess case_access_;

  mutable absl::Mutex mu_;
  grpc::Server* server_ ABSL_GUARDED_BY(mu_) = nullptr;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<grpc::Channel>>
      channels_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<ServerHost>> ServerHost::Start(Options options) {
  const v1::ServerConfig& config = options.config;
  DataDir data_dir(config.data_dir());
  CLINIC_RETURN_IF_ERROR(data_dir.CheckReady());
  CLINIC_ASSIGN_OR_RETURN(
      std::unique_ptr<DataDirLock> lock,
      DataDirLock::Acquire(data_dir, DataDirLock::Mode::kShared));
  // Again under the lock: a rotation may have begun meanwhile.
  CLINIC_RETURN_IF_ERROR(data_dir.CheckReady());
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<storage::Keyring> keyring,
                          storage::Keyring::Load(data_dir.master_key()));

  absl::flat_hash_set<std::string> hosted;
  for (const ServiceDefinition& def : options.services) hosted.insert(def.name);

  std::unique_ptr<ServerHost> host(new ServerHost());
  host->data_dir_lock_ = std::move(lock);
  host->context_ = std::make_unique<HostContext>(
      config, options.clock, std::move(keyring), std::move(hosted));
  for (const ServiceDefinition& def : options.services) {
    absl::StatusOr<std::unique_ptr<HostedService>> service =
        def.create(*host->context_);
    if (!service.ok()) {
      return absl::Status(
          service.status().code(),
          absl::StrCat("cannot start the ", def.name,
                       " service: ", service.status().message()));
    }
    host->services_.push_back(*std::move(service));
    host->full_names_.push_back(def.full_name);
  }

  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (config.tls().dev_plaintext()) {
    log::Warning("serving WITHOUT TLS (development only, loopback only)",
                 {{"addr", config.listen_address()}});
    credentials = grpc::InsecureServerCredentials();
  } else {
    CLINIC_ASSIGN_OR_RETURN(
        credentials,
        LoadServerCredentials(TlsFiles(data_dir.tls_dir()),
                              config.tls().require_client_certificate()));
  }

  grpc::EnableDefaultHealthCheckService(true);
  if (config.reflection())
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen_address(), credentials, &host->port_);
  builder.SetMaxReceiveMessageSize(config.limits().max_receive_message_bytes());
  // gRPC sets SO_REUSEPORT by default, which would let a second server silently
  // share the port with a running one; a clinic server must own its port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS,
                             config.limits().max_concurrent_streams());
  for (auto& service : host->services_)
    builder.RegisterService(service->grpc_service());
  ConfigureServerResources(builder);
  // Every call passes the security interceptor first: deny by default.
  InterceptorFactories factories;
  SecurityInterceptorFactory::Options security;
  security.verifier = &host->context_->token_verifier();
  security.audit = &host->context_->audit_sink();
  security.audit_enabled = options.audit_enabled;
  // Limits concern real load, so they run on the real clock whatever clock the
  // services are given (tests freeze theirs).
  PeerRateLimiter::Options limits;
  limits.requests_per_second = config.limits().requests_per_second_per_peer();
  limits.burst = config.limits().request_burst_per_peer();
  host->rate_limiter_ =
      std::make_unique<PeerRateLimiter>(limits, Clock::Real());
  security.rate_limiter = host->rate_limiter_.get();
  security.gate = &host->call_gate_;
  factories.push_back(std::make_unique<SecurityInterceptorFactory>(security));
  factories.push_back(NewMetricsInterceptorFactory(
      RpcMetrics::Attach(&host->context())));  // issue 10
  if (options.interceptors) {
    CLINIC_ASSIGN_OR_RETURN(InterceptorFactories extra,
                            options.interceptors(*host->context_));
    for (auto& factory : extra) factories.push_back(std::move(factory));
  }
  builder.experimental().SetInterceptorCreators(std::move(factories));
  host->server_ = builder.BuildAndStart();
  if (host->server_ == nullptr || host->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address(),
                     " (is another server using that port, or is the address "
                     "not on this machine?)"));
  }
  host->context_->SetServer(host->server_.get());

  grpc::HealthCheckServiceInterface* health =
      host->server_->GetHealthCheckService();
  for (const std::string& name : host->full_names_)
    health->SetServingStatus(name, true);
  health->SetServingStatus("", true);
  return host;
}

ServerHost::~ServerHost() { Shutdown(absl::Seconds(10)); }

void ServerHost::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    // Health first, so load balancers stop sending calls while in-flight ones
    // finish.
    server_->GetHealthCheckService()->Shutdown();
    for (auto& service : services_) service->BeginShutdown();
    // Let the calls under way finish (with the co-hosted calls they make)
    // before gRPC tears the server and its in-process channel down.
    const absl::Time deadline = absl::Now() + grace;
    if (!call_gate_.Drain(deadline)) {
      log::Warning("shutting down with calls still under way",
                   {{"calls", absl::StrCat(call_gate_.in_flight())}});
    }
    server_->Shutdown(absl::ToChronoTime(deadline));
    server_->Wait();
  }
  for (auto& service : services_) service->Shutdown();
  // Destroy in reverse order of creation: later services may use earlier ones.
  while (!services_.empty()) services_.pop_back();
  // Every database is closed: offline maintenance may start.
  data_dir_lock_.reset();
}

std::shared_ptr<grpc::Channel> ServerHost::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

ServiceContext& ServerHost::context() { return *context_; }

absl::StatusOr<std::unique_ptr<ServiceContext>> NewOfflineServiceContext(
    const v1::ServerConfig& config, const Clock* clock) {
  DataDir data_dir(config.data_dir());
  CLINIC_RETURN_IF_ERROR(data_dir.CheckReady());
  CLINIC_ASSIGN_OR_RETURN(std::unique_ptr<storage::Keyring> keyring,
                          storage::Keyring::Load(data_dir.master_key()));
  return std::make_unique<HostContext>(config, clock, std::move(keyring),
                                       absl::flat_hash_set<std::string>());
}

}  // namespace clinic
