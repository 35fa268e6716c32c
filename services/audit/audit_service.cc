#include "services/audit/audit_service.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "base/status_macros.h"
#include "services/audit/audit_chain.h"
#include "services/audit/export_verifier.h"
#include "services/common/call_context.h"
#include "services/common/paging.h"
#include "storage/crypto/sha256.h"

namespace clinic {
namespace {

constexpr size_t kExportChunkBytes = 64 << 10;

absl::Status ValidateResourceFilter(absl::string_view field,
                                    absl::string_view value,
                                    absl::string_view collection) {
  if (value.empty()) return absl::OkStatus();
  if (!absl::StartsWith(value, collection) ||
      value.size() <= collection.size() || value.size() > 200) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must look like \"", collection, "...\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<AuditLog::Filter> TimeFilter(
    const google::protobuf::Timestamp* start,
    const google::protobuf::Timestamp* end, bool required) {
  AuditLog::Filter filter;
  if (required && (start == nullptr || end == nullptr)) {
    return absl::InvalidArgumentError("start_time and end_time are required");
  }
  if (start != nullptr) filter.start = FromProtoTime(*start);
  if (end != nullptr) filter.end = FromProtoTime(*end);
  if (start != nullptr && end != nullptr && filter.end <= filter.start) {
    return absl::InvalidArgumentError("end_time must be after start_time");
  }
  return filter;
}

absl::Status ValidateAppended(const v1::AuditEvent& e, int index) {
  auto bad = [index](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("events[", index, "].", what));
  };
  if (e.method().empty() || e.method().size() > 200)
    return bad("method must be 1..200 bytes");
  if (e.resources_size() > 64) return bad("resources: at most 64");
  for (const std::string& r : e.resources()) {
    if (r.size() > 300) return bad("resources: each at most 300 bytes");
  }
  if (e.reason().size() > 4000) return bad("reason must be at most 4000 bytes");
  if (e.user().size() > 100 || e.peer().size() > 200 ||
      e.request_id().size() > 100 || e.service().size() > 100) {
    return bad("user, peer, request_id and service must be short");
  }
  if (!v1::AuditAction_IsValid(e.action()))
    return bad("action is not a known action");
  return absl::OkStatus();
}

}  // namespace

grpc::Status AuditServiceImpl::ListAuditEvents(
    grpc::ServerContext* ctx, const v1::ListAuditEventsRequest* req,
    v1::ListAuditEventsResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(int page_size,
                            EffectivePageSize(req->page_size(), 100, 1000));
    CLINIC_ASSIGN_OR_RETURN(std::string token,
                            DecodePageToken(req->page_token()));
    int64_t after = 0;
    if (!token.empty() && !absl::SimpleAtoi(token, &after)) {
      return absl::InvalidArgumentError("page_token is not valid");
    }
    CLINIC_ASSIGN_OR_RETURN(
        AuditLog::Filter filter,
        TimeFilter(req->has_start_time() ? &req->start_time() : nullptr,
                   req->has_end_time() ? &req->end_time() : nullptr, false));
    CLINIC_RETURN_IF_ERROR(
        ValidateResourceFilter("user", req->user(), "users/"));
    if (req->resource().size() > 200) {
      return absl::InvalidArgumentError(
          "resource must be at most 200 characters");
    }
    filter.user = req->user();
    filter.resource = req->resource();
    filter.method = req->method();
    CLINIC_ASSIGN_OR_RETURN(auto events,
                            log_->List(filter, after, page_size + 1));
    for (size_t i = 0; i < events.size() && static_cast<int>(i) < page_size;
         ++i) {
      *resp->add_events() = events[i];
    }
    if (static_cast<int>(events.size()) > page_size) {
      resp->set_next_page_token(
          EncodePageToken(absl::StrCat(events[page_size - 1].sequence())));
    }
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::ExportAudit(
    grpc::ServerContext* ctx, const v1::ExportAuditRequest* req,
    grpc::ServerWriter<v1::ExportAuditResponse>* writer) {
  return HandleCall(ctx, [&](const Caller& caller) -> absl::Status {
    CLINIC_ASSIGN_OR_RETURN(
        AuditLog::Filter filter,
        TimeFilter(req->has_start_time() ? &req->start_time() : nullptr,
                   req->has_end_time() ? &req->end_time() : nullptr, true));
    CLINIC_RETURN_IF_ERROR(
        ValidateResourceFilter("user", req->user(), "users/"));
    CLINIC_RETURN_IF_ERROR(
        ValidateResourceFilter("case", req->case_(), "cases/"));
    filter.user = req->user();
    filter.resource = req->case_();

    v1::ExportManifest manifest;
    *manifest.mutable_filter() = *req;
    storage::Sha256Hasher content;
    std::string chunk;
    bool cancelled = false;
    auto flush = [&]() {
      if (chunk.empty()) return true;
      v1::ExportAuditResponse response;
      response.set_jsonl(chunk);
      chunk.clear();
      return writer->Write(response);
    };
    CLINIC_RETURN_IF_ERROR(log_->Scan(filter, [&](const v1::AuditEvent& event) {
      std::string line = audit::EventToJsonLine(event);
      content.Update(line);
      if (manifest.event_count() == 0) {
        manifest.set_first_sequence(event.sequence());
        manifest.set_first_hash(event.hash());
      }
      manifest.set_event_count(manifest.event_count() + 1);
      manifest.set_last_sequence(event.sequence());
      manifest.set_last_hash(event.hash());
      chunk += line;
      if (chunk.size() >= kExportChunkBytes && !flush()) {
        cancelled = true;
        return false;
      }
      return true;
    }));
    if (cancelled || !flush()) {
      return absl::CancelledError("the export was cancelled by the client");
    }
    manifest.set_content_sha256(content.Finish());
    *manifest.mutable_export_time() = ToProtoTime(clock_->Now());
    manifest.set_exported_by(caller.user_resource());
    manifest.set_key_id(log_->key_id());
    manifest.set_signature(log_->Sign(audit::ManifestSigningInput(manifest)));
    v1::ExportAuditResponse last;
    *last.mutable_manifest() = manifest;
    if (!writer->Write(last))
      return absl::CancelledError("the client went away");
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::VerifyChain(grpc::ServerContext* ctx,
                                           const v1::VerifyChainRequest* req,
                                           v1::VerifyChainResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    if (req->from_sequence() < 0) {
      return absl::InvalidArgumentError("from_sequence must not be negative");
    }
    // Sign the current head first so the check covers everything committed so
    // far.
    CLINIC_RETURN_IF_ERROR(log_->SignHead());
    CLINIC_ASSIGN_OR_RETURN(*resp, log_->Verify(req->from_sequence()));
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::GetAuditPublicKey(
    grpc::ServerContext*, const v1::GetAuditPublicKeyRequest*,
    v1::GetAuditPublicKeyResponse* resp) {
  // A public key: nothing to authorise.
  resp->set_key_id(log_->key_id());
  resp->set_public_key(log_->public_key());
  return grpc::Status::OK;
}

grpc::Status AuditServiceImpl::AppendAuditEvents(
    grpc::ServerContext* ctx, const v1::AppendAuditEventsRequest* req,
    v1::AppendAuditEventsResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) -> absl::Status {
    if (req->events().empty() || req->events_size() > 1000) {
      return absl::InvalidArgumentError("events must hold 1 to 1000 events");
    }
    std::vector<v1::AuditEvent> events;
    for (int i = 0; i < req->events_size(); ++i) {
      CLINIC_RETURN_IF_ERROR(ValidateAppended(req->events(i), i));
      events.push_back(req->events(i));
    }
    std::vector<int64_t> sequences;
    CLINIC_RETURN_IF_ERROR(log_->AppendAll(std::move(events), &sequences));
    for (int64_t s : sequences) resp->add_sequences(s);
    return absl::OkStatus();
  });
}

namespace {

class HostedAuditService : public HostedService {
 public:
  HostedAuditService(ServiceContext& context, std::unique_ptr<AuditLog> log)
      : context_(context),
        log_(std::move(log)),
        impl_(log_.get(), context.clock()) {
    context_.audit_sink().SetLocal(log_.get());
  }
  ~HostedAuditService() override { context_.audit_sink().SetLocal(nullptr); }
  grpc::Service* grpc_service() override { return &impl_; }

 private:
  ServiceContext& context_;
  std::unique_ptr<AuditLog> log_;
  AuditServiceImpl impl_;
};

}  // namespace

ServiceDefinition AuditServiceDefinition() {
  ServiceDefinition def;
  def.name = "audit";
  def.full_name = "clinic.v1.AuditService";
  def.create = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    CLINIC_ASSIGN_OR_RETURN(
        auto db, context.OpenDatabase("audit", AuditLog::Migrations()));
    AuditLog::Options options;
    options.clock = context.clock();
    options.max_batch = context.config().audit().max_batch();
    options.sign_interval =
        FromProtoDuration(context.config().audit().sign_interval());
    CLINIC_ASSIGN_OR_RETURN(auto log, AuditLog::Create(std::move(db), options));
    return std::make_unique<HostedAuditService>(context, std::move(log));
  };
  return def;
}

}  // namespace clinic
