// DocumentService: see protos/clinic/v1/document.proto for the API and
// document_manager.h for the design. This is the thin gRPC adapter: it checks
// the interceptor's authorization decision, names touched resources for the
// audit event and delegates to DocumentManager. Thread-safe.
#ifndef CLINIC_SERVICES_DOCUMENT_DOCUMENT_SERVICE_H_
#define CLINIC_SERVICES_DOCUMENT_DOCUMENT_SERVICE_H_

#include <memory>

#include "clinic/v1/document.grpc.pb.h"
#include "services/common/service.h"
#include "services/document/document_manager.h"

namespace clinic {

// How a server hosts the document service (blobs in <data_dir>/blobs).
ServiceDefinition DocumentServiceDefinition();

class DocumentServiceImpl final : public v1::DocumentService::Service {
 public:
  explicit DocumentServiceImpl(std::unique_ptr<DocumentManager> manager)
      : manager_(std::move(manager)) {}

  grpc::Status UploadDocument(
      grpc::ServerContext* ctx,
      grpc::ServerReader<v1::UploadDocumentRequest>* reader,
      v1::Document* resp) override;
  grpc::Status DownloadDocument(
      grpc::ServerContext* ctx, const v1::DownloadDocumentRequest* req,
      grpc::ServerWriter<v1::DownloadDocumentResponse>* writer) override;
  grpc::Status GetDocument(grpc::ServerContext* ctx,
                           const v1::GetDocumentRequest* req,
                           v1::Document* resp) override;
  grpc::Status ListDocuments(grpc::ServerContext* ctx,
                             const v1::ListDocumentsRequest* req,
                             v1::ListDocumentsResponse* resp) override;
  grpc::Status DeleteDocument(grpc::ServerContext* ctx,
                              const v1::DeleteDocumentRequest* req,
                              v1::DeleteDocumentResponse* resp) override;
  grpc::Status RotateKeys(grpc::ServerContext* ctx,
                          const v1::RotateKeysRequest* req,
                          v1::RotateKeysResponse* resp) override;
  // Internal: the retention sweep's.
  grpc::Status ShredCaseDocuments(
      grpc::ServerContext* ctx, const v1::ShredCaseDocumentsRequest* req,
      v1::ShredCaseDocumentsResponse* resp) override;

  DocumentManager& manager() { return *manager_; }

 private:
  std::unique_ptr<DocumentManager> manager_;
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_DOCUMENT_DOCUMENT_SERVICE_H_
