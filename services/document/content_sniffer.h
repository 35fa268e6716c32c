// What a document's bytes are, as libmagic sees them, and whether that agrees
// with the media type the uploader declared. Thread-safe (libmagic's handle is
// not, so calls are serialized; a sniff looks only at the first kSniffBytes).
#ifndef CLINIC_SERVICES_DOCUMENT_CONTENT_SNIFFER_H_
#define CLINIC_SERVICES_DOCUMENT_CONTENT_SNIFFER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

struct magic_set;

namespace clinic {

class ContentSniffer {
 public:
  // Bytes of the start of a document that the sniffer looks at.
  static constexpr size_t kSniffBytes = 16 << 10;

  // Loads libmagic's default database. INTERNAL if it cannot.
  static absl::StatusOr<std::unique_ptr<ContentSniffer>> Create();
  ~ContentSniffer();

  // The media type of content starting with `head` ("application/pdf").
  absl::StatusOr<std::string> Detect(absl::string_view head);

  // True if content detected as `detected` may be stored as `declared` (equal,
  // or a known alias: DOCX/ODT are ZIP containers, M4A is MP4, ...).
  static bool Agrees(absl::string_view declared, absl::string_view detected);

 private:
  explicit ContentSniffer(magic_set* magic) : magic_(magic) {}
  absl::Mutex mu_;
  magic_set* const magic_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace clinic

#endif  // CLINIC_SERVICES_DOCUMENT_CONTENT_SNIFFER_H_
