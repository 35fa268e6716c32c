#include "services/admin/admin_service.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/grpc_status.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/admin/backup.h"
#include "services/admin/metrics_http.h"
#include "services/admin/retention.h"
#include "services/admin/retention_runner.h"
#include "services/common/call_context.h"
#include "services/common/metrics.h"
#include "services/common/validation.h"
#include "storage/file_util.h"
#include "storage/snapshot.h"

namespace clinic {
namespace {

// Total size and number of the regular files directly in `dir` (not hidden:
// unfinished blob writes are ".tmp-*").
void SumFiles(const std::string& dir, int64_t* bytes, int64_t* count) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (struct dirent* entry = ::readdir(d)) {
    absl::string_view name = entry->d_name;
    if (name.empty() || name[0] == '.') continue;
    struct stat st;
    std::string path = storage::JoinPath(dir, name);
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      *bytes += st.st_size;
      ++*count;
    }
  }
  ::closedir(d);
}

}  // namespace

AdminServiceImpl::AdminServiceImpl(const ServiceContext* context)
    : context_(context), start_time_(context->clock()->Now()) {}

absl::Status AdminServiceImpl::CollectStatus(v1::ServerStatus* status) const {
  const DataDir& dir = context_->data_dir();
  const absl::Time now = context_->clock()->Now();
  status->set_version(kClinicServerVersion);
  *status->mutable_start_time() = ToProtoTime(start_time_);
  *status->mutable_uptime() = ToProtoDuration(now - start_time_);
  std::set<std::string> services;
  for (const std::string& name : context_->config().services())
    services.insert(name);
  for (const char* name :
       {"auth", "intake", "deadline", "document", "hearing", "audit"}) {
    if (context_->Hosts(name)) services.insert(name);
  }
  for (const std::string& name : services) {
    v1::ServiceStatus* s = status->add_services();
    s->set_service(name);
    s->set_serving(context_->Hosts(name));
    std::string path = dir.DatabasePath(name);
    if (!storage::PathExists(path)) continue;
    int64_t bytes = 0;
    struct stat st;
    for (const std::string& file : {path, path + "-wal"}) {
      if (::stat(file.c_str(), &st) == 0) bytes += st.st_size;
    }
    s->set_database_bytes(bytes);
    SecretBytes key = context_->keyring().DatabaseKey(name);
    absl::StatusOr<int64_t> version =
        storage::QueryInt(path, key, "PRAGMA user_version");
    if (version.ok()) s->set_schema_version(static_cast<int32_t>(*version));
    if (name == "audit") {
      absl::StatusOr<int64_t> length = storage::QueryInt(
          path, key, "SELECT coalesce(max(sequence), 0) FROM events");
      if (length.ok()) status->set_audit_chain_length(*length);
    }
  }
  status->set_audit_queue_depth(context_->audit_sink().QueueDepth());
  int64_t blob_bytes = 0, blob_count = 0;
  SumFiles(dir.blob_dir(), &blob_bytes, &blob_count);
  status->set_blob_store_bytes(blob_bytes);
  status->set_blob_count(blob_count);
  if (std::shared_ptr<RpcMetrics> metrics = RpcMetrics::Find(context_)) {
    status->set_rpcs_served(metrics->served());
    status->set_rpcs_failed(metrics->failed());
    for (const RpcMetrics::MethodStats& m : metrics->Snapshot()) {
      v1::RpcStats* rpc = status->add_rpcs();
      rpc->set_method(m.method);
      rpc->set_calls(m.calls);
      for (int code = 1; code < RpcMetrics::kCodes; ++code) {
        if (m.by_code[code] == 0) continue;
        (*rpc->mutable_errors())[std::string(StatusCodeName(code))] =
            m.by_code[code];
      }
      rpc->set_p50_ms(m.Quantile(0.5) * 1000);
      rpc->set_p90_ms(m.Quantile(0.9) * 1000);
      rpc->set_p99_ms(m.Quantile(0.99) * 1000);
      if (m.calls > 0) {
        rpc->set_mean_ms(m.latency_seconds_sum * 1000 /
                         static_cast<double>(m.calls));
      }
    }
  }
  return absl::OkStatus();
}

std::string AdminServiceImpl::PrometheusText() const {
  v1::ServerStatus status;
  CollectStatus(&status).IgnoreError();
  std::string out;
  auto gauge = [&out](absl::string_view name, absl::string_view help) {
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name,
                    " gauge\n");
  };
  gauge("clinic_uptime_seconds", "Seconds since the server started.");
  absl::StrAppend(&out, "clinic_uptime_seconds ", status.uptime().seconds(),
                  "\n");
  gauge("clinic_database_bytes", "Size of each service's database and WAL.");
  for (const auto& s : status.services()) {
    absl::StrAppend(&out, "clinic_database_bytes{service=\"", s.service(),
                    "\"} ", s.database_bytes(), "\n");
  }
  gauge("clinic_database_schema_version", "Schema version of each database.");
  for (const auto& s : status.services()) {
    absl::StrAppend(&out, "clinic_database_schema_version{service=\"",
                    s.service(), "\"} ", s.schema_version(), "\n");
  }
  gauge("clinic_service_serving", "1 if this process hosts the service.");
  for (const auto& s : status.services()) {
    absl::StrAppend(&out, "clinic_service_serving{service=\"", s.service(),
                    "\"} ", s.serving() ? 1 : 0, "\n");
  }
  gauge("clinic_blob_store_bytes", "Bytes of encrypted document blobs.");
  absl::StrAppend(&out, "clinic_blob_store_bytes ", status.blob_store_bytes(),
                  "\n");
  gauge("clinic_blob_count", "Number of encrypted document blobs.");
  absl::StrAppend(&out, "clinic_blob_count ", status.blob_count(), "\n");
  gauge("clinic_audit_queue_depth",
        "Audit events accepted but not yet durable.");
  absl::StrAppend(&out, "clinic_audit_queue_depth ", status.audit_queue_depth(),
                  "\n");
  gauge("clinic_audit_chain_length", "Events in the audit chain.");
  absl::StrAppend(&out, "clinic_audit_chain_length ",
                  status.audit_chain_length(), "\n");
  if (std::shared_ptr<RpcMetrics> metrics = RpcMetrics::Find(context_)) {
    absl::StrAppend(&out, metrics->PrometheusText());
  }
  return out;
}

grpc::Status AdminServiceImpl::GetServerStatus(
    grpc::ServerContext* ctx, const v1::GetServerStatusRequest* req,
    v1::ServerStatus* resp) {
  return HandleCall(
      ctx, [&](const Caller&) -> absl::Status { return CollectStatus(resp); });
}

grpc::Status AdminServiceImpl::CreateBackup(
    grpc::ServerContext* ctx, const v1::CreateBackupRequest* req,
    grpc::ServerWriter<v1::CreateBackupResponse>* writer) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    if (backup_running_.exchange(true)) {
      return absl::AbortedError(
          "a backup is already running; retry when it has finished");
    }
    struct Done {
      std::atomic<bool>* flag;
      ~Done() { flag->store(false); }
    } done{&backup_running_};

    backup::BackupSource source;
    source.data_dir = context_->data_dir().root();
    source.keyring = &context_->keyring();
    source.clock = context_->clock();
    source.server_version = kClinicServerVersion;
    absl::StatusOr<v1::BackupManifest> manifest = backup::CreateBackup(
        source,
        [&](absl::string_view chunk, int64_t bytes_done,
            int64_t bytes_total) -> absl::Status {
          if (ctx->IsCancelled()) {
            return absl::CancelledError("the backup was cancelled");
          }
          v1::CreateBackupResponse response;
          response.set_archive_chunk(std::string(chunk));
          response.set_bytes_done(bytes_done);
          response.set_bytes_total(bytes_total);
          if (!writer->Write(response)) {
            return absl::CancelledError(
                "the client stopped receiving the backup");
          }
          return absl::OkStatus();
        });
    if (!manifest.ok()) {
      log::Error("backup failed",
                 {{"code", absl::StatusCodeToString(manifest.status().code())},
                  {"reason", std::string(manifest.status().message())}});
      return manifest.status();
    }
    AuditResource(ctx, absl::StrCat("backups/", manifest->key_id(), "-",
                                    manifest->snapshot_time().seconds()));
    int64_t total = 0;
    for (const v1::BackupFile& file : manifest->files())
      total += file.size_bytes();
    v1::CreateBackupResponse last;
    *last.mutable_manifest() = *manifest;
    last.set_bytes_done(total);
    last.set_bytes_total(total);
    if (!writer->Write(last)) {
      return absl::CancelledError("the client stopped receiving the backup");
    }
    log::Info("backup created",
              {{"files", absl::StrCat(manifest->files_size())},
               {"bytes", absl::StrCat(total)},
               {"audit_sequence", absl::StrCat(manifest->audit_sequence())}});
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::RunRetentionSweep(
    grpc::ServerContext* ctx, const v1::RunRetentionSweepRequest* req,
    v1::RunRetentionSweepResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    absl::CivilDay as_of =
        absl::ToCivilDay(context_->clock()->Now(), absl::UTCTimeZone());
    if (req->has_as_of()) {
      CLINIC_RETURN_IF_ERROR(ValidateDate("as_of", req->as_of()));
      // A later date only previews: destroying on it would cut a retention
      // period short.
      if (!req->dry_run() && ToCivilDay(req->as_of()) > as_of) {
        return absl::InvalidArgumentError(
            "as_of may be later than today only with dry_run (a preview); a "
            "real sweep destroys only what is due today");
      }
      as_of = ToCivilDay(req->as_of());
    }
    AuditReason(
        ctx, req->dry_run() ? "retention sweep (dry run)" : "retention sweep");
    GrpcRetentionBackend backend(context_);
    std::vector<std::string> destroyed;
    absl::StatusOr<v1::RunRetentionSweepResponse> result =
        retention::RunSweep(backend, context_->config().retention(), as_of,
                            req->dry_run(), &destroyed);
    for (const std::string& name : destroyed) AuditResource(ctx, name);
    if (!result.ok()) return result.status();
    *resp = *std::move(result);
    return absl::OkStatus();
  });
}

namespace {

// The admin service and, when configured, its metrics endpoint.
class HostedAdminService : public HostedService {
 public:
  explicit HostedAdminService(const ServiceContext* context)
      : impl_(std::make_unique<AdminServiceImpl>(context)) {}

  absl::Status StartMetrics(const ServiceContext& context) {
    const v1::MetricsConfig& config = context.config().metrics();
    if (config.listen_address().empty()) return absl::OkStatus();
    AdminServiceImpl* impl = impl_.get();
    CLINIC_ASSIGN_OR_RETURN(
        http_, MetricsHttpServer::Start(
                   config.listen_address(), config.allow_non_loopback(),
                   [impl] { return impl->PrometheusText(); }));
    // Operators and tests find an ephemeral port here.
    const std::string port_file =
        storage::JoinPath(context.data_dir().run_dir(), "metrics.port");
    absl::Status written = storage::WriteFileAtomically(
        port_file, absl::StrCat(http_->port(), "\n"), 0600);
    if (!written.ok()) {
      log::Warning("cannot write the metrics port file",
                   {{"reason", std::string(written.message())}});
    }
    log::Info("serving metrics", {{"port", absl::StrCat(http_->port())}});
    return absl::OkStatus();
  }

  void StartRetentionScheduler(const ServiceContext& context) {
    const absl::Duration interval =
        FromProtoDuration(context.config().retention().sweep_interval());
    if (interval <= absl::ZeroDuration()) return;
    scheduler_ = std::make_unique<RetentionScheduler>(&context, interval);
  }

  grpc::Service* grpc_service() override { return impl_.get(); }
  void BeginShutdown() override {
    if (http_ != nullptr) http_->Stop();
    // Waits for a sweep under way, while the services it calls still serve.
    scheduler_.reset();
  }
  void Shutdown() override { http_.reset(); }
  MetricsHttpServer* http() { return http_.get(); }

 private:
  std::unique_ptr<AdminServiceImpl> impl_;
  std::unique_ptr<MetricsHttpServer> http_;
  std::unique_ptr<RetentionScheduler> scheduler_;
};

}  // namespace

ServiceDefinition AdminServiceDefinition() {
  ServiceDefinition def;
  def.name = "admin";
  def.full_name = "clinic.v1.AdminService";
  def.create = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    auto service = std::make_unique<HostedAdminService>(&context);
    CLINIC_RETURN_IF_ERROR(service->StartMetrics(context));
    service->StartRetentionScheduler(context);
    return service;
  };
  return def;
}

}  // namespace clinic
