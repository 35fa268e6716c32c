#include "services/document/document_service.h"

#include <string>
#include <utility>

#include "base/status_macros.h"
#include "services/common/call_context.h"
#include "services/document/document_store.h"
#include "storage/blob/local_blob_store.h"

namespace clinic {
namespace {

CallAudit AuditFor(const grpc::ServerContextBase* ctx) {
  CallAudit audit;
  audit.resource = [ctx](absl::string_view name) { AuditResource(ctx, name); };
  audit.reason = [ctx](absl::string_view reason) { AuditReason(ctx, reason); };
  return audit;
}

class GrpcUploadSource : public UploadSource {
 public:
  GrpcUploadSource(grpc::ServerContext* ctx,
                   grpc::ServerReader<v1::UploadDocumentRequest>* reader)
      : ctx_(ctx), reader_(reader) {}
  bool Read(v1::UploadDocumentRequest* message) override {
    return reader_->Read(message);
  }
  bool Cancelled() const override { return ctx_->IsCancelled(); }

 private:
  grpc::ServerContext* const ctx_;
  grpc::ServerReader<v1::UploadDocumentRequest>* const reader_;
};

class GrpcDownloadSink : public DownloadSink {
 public:
  explicit GrpcDownloadSink(
      grpc::ServerWriter<v1::DownloadDocumentResponse>* writer)
      : writer_(writer) {}
  bool Write(const v1::DownloadDocumentResponse& message) override {
    return writer_->Write(message);
  }

 private:
  grpc::ServerWriter<v1::DownloadDocumentResponse>* const writer_;
};

}  // namespace

grpc::Status DocumentServiceImpl::UploadDocument(
    grpc::ServerContext* ctx,
    grpc::ServerReader<v1::UploadDocumentRequest>* reader, v1::Document* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    GrpcUploadSource source(ctx, reader);
    return manager_->Upload(caller, source, AuditFor(ctx), resp);
  });
}

grpc::Status DocumentServiceImpl::DownloadDocument(
    grpc::ServerContext* ctx, const v1::DownloadDocumentRequest* req,
    grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) {
  return HandleCall(ctx, [&](const Caller& caller) {
    GrpcDownloadSink sink(writer);
    return manager_->Download(caller, *req, AuditFor(ctx), sink);
  });
}

grpc::Status DocumentServiceImpl::GetDocument(grpc::ServerContext* ctx,
                                              const v1::GetDocumentRequest* req,
                                              v1::Document* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return manager_->Get(caller, *req, AuditFor(ctx), resp);
  });
}

grpc::Status DocumentServiceImpl::ListDocuments(
    grpc::ServerContext* ctx, const v1::ListDocumentsRequest* req,
    v1::ListDocumentsResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return manager_->List(caller, *req, AuditFor(ctx), resp);
  });
}

grpc::Status DocumentServiceImpl::DeleteDocument(
    grpc::ServerContext* ctx, const v1::DeleteDocumentRequest* req,
    v1::DeleteDocumentResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return manager_->Delete(caller, *req, AuditFor(ctx), resp);
  });
}

grpc::Status DocumentServiceImpl::RotateKeys(grpc::ServerContext* ctx,
                                             const v1::RotateKeysRequest* req,
                                             v1::RotateKeysResponse* resp) {
  return HandleCall(ctx, [&](const Caller& caller) {
    return manager_->RotateKeys(caller, AuditFor(ctx), resp);
  });
}

grpc::Status DocumentServiceImpl::ShredCaseDocuments(
    grpc::ServerContext* ctx, const v1::ShredCaseDocumentsRequest* req,
    v1::ShredCaseDocumentsResponse* resp) {
  return HandleCall(ctx, [&](const Caller&) {
    return manager_->ShredCase(*req, AuditFor(ctx), resp);
  });
}

ServiceDefinition DocumentServiceDefinition() {
  ServiceDefinition def;
  def.name = "document";
  def.full_name = "clinic.v1.DocumentService";
  def.create = [](ServiceContext& context)
      -> absl::StatusOr<std::unique_ptr<HostedService>> {
    CLINIC_ASSIGN_OR_RETURN(
        auto db,
        context.OpenDatabase("document", document_store::Migrations()));
    CLINIC_ASSIGN_OR_RETURN(
        std::unique_ptr<storage::LocalBlobStore> blobs,
        storage::LocalBlobStore::OpenDirectory(context.data_dir().blob_dir()));
    DocumentManager::Options options;
    options.config = context.config().document();
    ServiceContext* ctx = &context;
    CLINIC_ASSIGN_OR_RETURN(
        std::unique_ptr<DocumentManager> manager,
        DocumentManager::Create(
            std::move(options), std::move(db), std::move(blobs),
            context.keyring(), context.clock(),
            [ctx](const Caller& caller, absl::string_view case_name) {
              return ctx->case_access().Check(caller, case_name);
            }));
    return std::make_unique<SimpleHostedService<DocumentServiceImpl>>(
        std::make_unique<DocumentServiceImpl>(std::move(manager)));
  };
  return def;
}

}  // namespace clinic
